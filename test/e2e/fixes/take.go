// The quick fixes that the editors' end-to-end tests apply (test/e2e/vscode/run.mjs steps 16-22,
// test/e2e/nvim.lua): one finding per file, its preferred fix makes the code right, and <file>.golden is the
// file after it. take.go: a call that needs a lock nobody holds.
package fixes

import "sync"

// Store keeps named counts.
type Store struct {
	mu   sync.Mutex
	data map[string]int
}

// Set writes an entry.
func (s *Store) Set(k string, v int) {
	s.mu.Lock()
	s.data[k] = v
	s.mu.Unlock()
}

// lookup reads an entry. Caller must hold s.mu.
func (s *Store) lookup(k string) int { return s.data[k] }

// Get is exported: nothing holds s.mu here.
func (s *Store) Get(k string) int {
	v := s.lookup(k)
	return v
}
