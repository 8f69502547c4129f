package main

import (
	"runtime"
	"sync"
)

var mu sync.Mutex

func deep(n int) {
	if n == 0 {
		panic("boom")
	}
	deep(n - 1)
}

func main() {
	runtime.LockOSThread()
	mu.Lock()
	go func() { mu.Lock() }()
	go func() { select {} }()
	runtime.Gosched()
	deep(150)
}
