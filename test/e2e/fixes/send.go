// send.go: a channel send under a lock that the statements after it do not need.
package fixes

import "sync"

// Hub publishes events.
type Hub struct {
	mu     sync.Mutex
	count  int
	events chan string
}

// Publish counts the event and sends it.
func (h *Hub) Publish(ev string) {
	h.mu.Lock()
	h.count++
	h.events <- ev
	h.mu.Unlock()
}
