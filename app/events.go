package app

import "sync"

// Event names the UI subscribes to (the others are beside their services);
// app/tstypes_test.go lists them all, with their payloads, for the UI.
const (
	// EventSettingsChanged carries the new Settings after any change.
	EventSettingsChanged = "settings:changed"
)

// Event is one server-to-UI notification.
type Event struct {
	Name string `json:"name"`
	Data any    `json:"data"`
}

// hub fans events out to subscribers (the Wails bridge, SSE clients).
// Emit never blocks: a subscriber that falls behind by a full buffer is
// dropped, and its channel closed, so it can reconnect and reload state.
// It is safe for concurrent use.
type hub struct {
	mu   sync.Mutex
	next int
	subs map[int]chan Event
}

func newHub() *hub { return &hub{subs: map[int]chan Event{}} }

// Emit sends an event to every subscriber.
func (h *hub) Emit(name string, data any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, ch := range h.subs {
		select {
		case ch <- Event{name, data}:
		default:
			close(ch)
			delete(h.subs, id)
		}
	}
}

// Subscribe returns a channel of events and a function that ends the
// subscription and closes the channel. Calling it twice is harmless.
func (h *hub) Subscribe() (<-chan Event, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	ch := make(chan Event, 64)
	h.subs[id] = ch
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if c, ok := h.subs[id]; ok {
			close(c)
			delete(h.subs, id)
		}
	}
}

// close ends every subscription.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, ch := range h.subs {
		close(ch)
		delete(h.subs, id)
	}
}
