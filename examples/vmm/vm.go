package vmm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// VMState is the lifecycle state of a VM.
type VMState int

const (
	Building VMState = iota
	Running
	Paused
	Quit
	Error
)

var stateNames = [...]string{"building", "running", "paused", "quit", "error"}

func (s VMState) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "VMState(" + strconv.Itoa(int(s)) + ")"
}

// Event reports a change in a VM's state.
type Event struct {
	ID    int
	State VMState
}

// Events receives VM state changes. The program embedding the package is
// expected to drain it.
var Events = make(chan Event, 64)

// VM is a virtual machine. ID and Name never change once the VM has been
// created; the fields after lock are protected by it.
type VM struct {
	ID   int
	Name string

	lock    sync.Mutex
	state   VMState
	tags    map[string]string
	started time.Time
	quit    chan struct{} // closed by Kill to stop run
}

func newVM(id int, name string) *VM {
	return &VM{
		ID:    id,
		Name:  name,
		state: Building,
		tags:  make(map[string]string),
		quit:  make(chan struct{}),
	}
}

// State returns the VM's current state.
func (vm *VM) State() VMState {
	vm.lock.Lock()
	defer vm.lock.Unlock()

	return vm.state
}

// setState records a state change. Caller must hold vm.lock.
func (vm *VM) setState(s VMState) {
	vm.state = s
	if s == Running && vm.started.IsZero() {
		vm.started = time.Now()
	}
}

// Start boots a VM that is still being built.
func (vm *VM) Start() error {
	vm.lock.Lock()
	defer vm.lock.Unlock()

	if vm.state != Building {
		return fmt.Errorf("vm %d: cannot start from state %v", vm.ID, vm.state)
	}
	vm.setState(Running)
	go vm.run()
	return nil
}

// run stands in for the VM's process: it reports the VM as running and
// waits until Kill tells it to stop.
func (vm *VM) run() {
	Events <- Event{ID: vm.ID, State: Running}
	<-vm.quit
	Events <- Event{ID: vm.ID, State: Quit}
}

// Pause pauses a running VM.
func (vm *VM) Pause() error {
	vm.lock.Lock()
	defer vm.lock.Unlock()

	if vm.state != Running {
		return fmt.Errorf("vm %d: cannot pause from state %v", vm.ID, vm.state)
	}
	vm.setState(Paused)
	Events <- Event{ID: vm.ID, State: Paused}
	return nil
}

// Kill stops the VM and records its uptime.
func (vm *VM) Kill() error {
	vm.lock.Lock()
	if vm.state == Quit || vm.state == Error {
		vm.lock.Unlock()
		return fmt.Errorf("vm %d: already stopped", vm.ID)
	}
	var uptime time.Duration
	if !vm.started.IsZero() {
		uptime = time.Since(vm.started)
	}
	vm.setState(Quit)

	stats.mu.Lock()
	stats.recordKill(uptime)
	stats.mu.Unlock()
	vm.lock.Unlock()

	close(vm.quit)
	return nil
}

// SetTag sets the tag key to value. An empty value deletes the tag.
func (vm *VM) SetTag(key, value string) {
	vm.lock.Lock()
	defer vm.lock.Unlock()
	vm.setTagLocked(key, value)
}

// setTagLocked sets a tag. The caller must hold vm.lock.
func (vm *VM) setTagLocked(key, value string) {
	if value == "" {
		delete(vm.tags, key)
		return
	}
	vm.tags[key] = value
}

func (vm *VM) copyTagsLocked() map[string]string {
	res := make(map[string]string, len(vm.tags))
	for k, v := range vm.tags {
		res[k] = v
	}
	return res
}

// tagString formats the tags as sorted key=value pairs.
// It must be called with vm.lock held.
func (vm *VM) tagString() string {
	pairs := make([]string, 0, len(vm.tags))
	for k, v := range vm.tags {
		pairs = append(pairs, k+"="+v)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

// Describe returns a one-line summary of the VM for vm_info.
func (vm *VM) Describe() string {
	vm.lock.Lock()
	defer vm.lock.Unlock()

	return fmt.Sprintf("%-4d %-12s %-9v %s", vm.ID, vm.Name, vm.State(), vm.tagString())
}
