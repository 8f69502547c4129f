// reset.go: a function that ends with its lock held on one path.
package fixes

import "sync"

// Counter adds up.
type Counter struct {
	mu    sync.Mutex
	total int
}

// Reset clears the total when forced.
func (c *Counter) Reset(force bool) {
	c.mu.Lock()
	if !force {
		c.mu.Unlock()
		return
	}
	c.total = 0
}
