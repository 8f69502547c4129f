package vmm

import (
	"sync"
	"time"
)

// Stats is a point-in-time summary of VM activity.
type Stats struct {
	Launched int
	Killed   int
	Running  int           // as of the last sample
	Uptime   time.Duration // total uptime of killed VMs
}

type statsTable struct {
	mu       sync.RWMutex
	launched int
	killed   int
	running  int
	uptime   time.Duration
}

var stats = &statsTable{}

// recordLaunch counts a newly launched VM.
//
// +checklocks:mu
func (t *statsTable) recordLaunch() {
	t.launched++
}

// recordKill counts a killed VM that ran for uptime.
//
// +checklocks:mu
func (t *statsTable) recordKill(uptime time.Duration) {
	t.killed++
	t.uptime += uptime
}

// snapshot copies the counters.
//
// +checklocksread:mu
func (t *statsTable) snapshot() Stats {
	return Stats{Launched: t.launched, Killed: t.killed, Running: t.running, Uptime: t.uptime}
}

// Snapshot returns the current statistics.
func (t *statsTable) Snapshot() Stats {
	t.mu.RLock()
	defer t.mu.RUnlock()

	return t.snapshot()
}

// CurrentStats returns the package-wide statistics.
func CurrentStats() Stats {
	return stats.Snapshot()
}

// sample recounts the running VMs in list.
func (t *statsTable) sample(list []*VM) {
	t.mu.Lock()
	defer t.mu.Unlock()

	t.running = 0
	for _, vm := range list {
		vm.lock.Lock()
		if vm.state == Running {
			t.running++
		}
		vm.lock.Unlock()
	}
}

func (t *statsTable) loop(every time.Duration, done <-chan struct{}) {
	tick := time.NewTicker(every)
	defer tick.Stop()

	for {
		select {
		case <-done:
			return
		case <-tick.C:
			t.sample(vms.List())
		}
	}
}

// StartSampler starts a goroutine that refreshes the running count every
// interval. Calling the returned function stops it.
func StartSampler(every time.Duration) (stop func()) {
	done := make(chan struct{})
	go stats.loop(every, done)

	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
	}
}
