package main

import "runtime"

func main() {
	runtime.LockOSThread()
	ch := make(chan int)
	<-ch
}
