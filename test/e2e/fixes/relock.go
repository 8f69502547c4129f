// relock.go: holding a lock and calling the function that takes it again.
package fixes

import "sync"

var rowLock sync.Mutex

var rows = map[int]string{}

// FindRow takes rowLock and looks the row up.
func FindRow(id int) string {
	rowLock.Lock()
	defer rowLock.Unlock()
	return findRow(id)
}

// findRow assumes rowLock is held.
func findRow(id int) string { return rows[id] }

func renameRow(id int, name string) {
	rowLock.Lock()
	defer rowLock.Unlock()
	if FindRow(id) != name {
		rows[id] = name
	}
}
