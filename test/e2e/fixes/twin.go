// twin.go: a call of the internal function where its locking twin exists.
package fixes

import "sync"

// Index maps names to ids.
type Index struct {
	mu  sync.Mutex
	ids map[string]int
}

// Find returns the id, taking ix.mu.
func (ix *Index) Find(name string) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.find(name)
}

func (ix *Index) find(name string) int { return ix.ids[name] }

func report(ix *Index) int {
	return ix.find("total")
}
