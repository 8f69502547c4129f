// unlock.go: an early return that leaves the lock held.
package fixes

import (
	"errors"
	"sync"
)

// Registry renames entries.
type Registry struct {
	mu    sync.Mutex
	names map[string]int
}

var errMissing = errors.New("missing")

// Rename moves an entry to a new name.
func (r *Registry) Rename(from, to string) error {
	r.mu.Lock()
	id, ok := r.names[from]
	if !ok {
		return errMissing
	}
	delete(r.names, from)
	r.names[to] = id
	r.mu.Unlock()
	return nil
}
