// Command minivm launches a few demo VMs and serves them over HTTP.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"time"

	"example.com/minivm/vmm"
)

func main() {
	addr := flag.String("addr", "localhost:9001", "address to serve HTTP on")
	flag.Parse()

	go func() {
		for ev := range vmm.Events {
			log.Printf("vm %d is now %v", ev.ID, ev.State)
		}
	}()
	defer vmm.StartSampler(5 * time.Second)()

	for _, r := range vmm.RunCommands("vm_launch web role=frontend", "vm_launch db role=backend", "vm_info") {
		fmt.Println(r.Text + r.Error)
	}
	if err := http.ListenAndServe(*addr, vmm.HTTPHandler()); err != nil {
		log.Print(err)
	}
}
