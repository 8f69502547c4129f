package vmm

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
)

// VMs maps VM IDs to VMs.
type VMs map[int]*VM

var (
	vmLock sync.Mutex // guards vms and nextID
	vms    = VMs{}
	nextID = 1
)

// ErrNotFound is returned when no VM matches an ID or name.
var ErrNotFound = errors.New("vm not found")

// FindVM finds a VM by ID or name. It returns nil if there is no such VM.
func (v VMs) FindVM(idOrName string) *VM {
	vmLock.Lock()
	defer vmLock.Unlock()

	return v.findVM(idOrName)
}

// findVM assumes vmLock is held.
func (v VMs) findVM(idOrName string) *VM {
	if id, err := strconv.Atoi(idOrName); err == nil {
		return v[id]
	}
	for _, vm := range v {
		if vm.Name == idOrName {
			return vm
		}
	}
	return nil
}

// List returns every VM, ordered by ID.
func (v VMs) List() []*VM {
	vmLock.Lock()
	defer vmLock.Unlock()

	return v.sorted()
}

// sorted returns the VMs ordered by ID. Must be called with vmLock held.
func (v VMs) sorted() []*VM {
	res := make([]*VM, 0, len(v))
	for _, vm := range v {
		res = append(res, vm)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].ID < res[j].ID })
	return res
}

// Launch creates a VM called name with the given tags and starts it.
func (v VMs) Launch(name string, tags map[string]string) (*VM, error) {
	if _, err := strconv.Atoi(name); err == nil || name == "" {
		return nil, fmt.Errorf("invalid vm name %q", name)
	}

	vmLock.Lock()
	if v.findVM(name) != nil {
		vmLock.Unlock()
		return nil, fmt.Errorf("vm %q already exists", name)
	}
	vm := newVM(nextID, name)
	nextID++
	v[vm.ID] = vm
	vmLock.Unlock()

	for k, val := range tags {
		vm.SetTag(k, val)
	}
	if err := vm.Start(); err != nil {
		return vm, err
	}

	stats.mu.Lock()
	stats.recordLaunch()
	stats.mu.Unlock()
	return vm, nil
}

// Flush forgets every VM that has stopped and returns how many it removed.
func (v VMs) Flush() int {
	vmLock.Lock()
	defer vmLock.Unlock()

	n := 0
	for id, vm := range v {
		vm.lock.Lock()
		stopped := vm.state == Quit || vm.state == Error
		vm.lock.Unlock()

		if stopped {
			delete(v, id)
			n++
		}
	}
	return n
}
