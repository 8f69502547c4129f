// Package vmm is a small in-memory virtual machine manager in the style of
// minimega. VMs are launched, tagged, paused and killed through text
// commands (see RunCommands), and a read-only JSON view of them is served
// over HTTP (see Server).
//
// # Locking
//
// Three locks protect the manager's state, and they are always acquired in
// the order below: a goroutine may take a lock further right while holding
// one further left, never the other way round.
//
// lockset:order cmdLock > vmLock > VM.lock
//
// cmdLock serialises command execution and protects the command history.
// vmLock protects the vms map and ID allocation. Each VM's lock protects
// that VM's mutable fields. The statistics table has its own lock, which
// is a leaf: nothing else is acquired while holding it.
package vmm
