// Package livefeed fans alerts out to live subscribers (the web viewer's alert feed over
// Server-Sent Events) and keeps recent alert counts per grid for the map.
package livefeed

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Event is one alert as the feed carries it.
type Event struct {
	// ID is the alert's message id (the SSE event id).
	ID string
	// Grids are the alert's grid code followed by its ancestors, so a filter on a street
	// matches the alerts of every grid under it. Empty when the camera has no grid.
	Grids []string
	// Type is the alert type (tripwire, intrusion, ...).
	Type string
	// Data is the alert JSON; subscribers share it and must not modify it.
	Data []byte
}

// Filter selects events; empty fields match everything.
type Filter struct {
	Grid  string   // a grid code: the grid or any grid under it
	Types []string // alert types
}

func (f Filter) match(e *Event) bool {
	if f.Grid != "" && !slices.Contains(e.Grids, f.Grid) {
		return false
	}
	return len(f.Types) == 0 || slices.Contains(f.Types, e.Type)
}

// Defaults.
const (
	DefaultReplay      = 200 // recent events kept for new subscribers
	DefaultSubscriberQ = 64  // events queued per subscriber
)

// Hub fans events out to subscribers. Publish never blocks: each subscriber has a
// bounded queue, and an event that does not fit is dropped for that subscriber only
// and counted (the subscriber is told how many it missed). Safe for concurrent use.
type Hub struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	recent []Event // ring of the last cap(recent) events, oldest first once full
	next   int
	closed bool

	published prometheus.Counter
	dropped   prometheus.Counter
	subsGauge prometheus.GaugeFunc
}

// NewHub returns a hub keeping replay recent events (0 takes DefaultReplay) and
// registering its metrics with reg (nil: none).
func NewHub(replay int, reg prometheus.Registerer) *Hub {
	if replay <= 0 {
		replay = DefaultReplay
	}
	h := &Hub{subs: map[*Subscription]struct{}{}, recent: make([]Event, 0, replay)}
	h.published = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sharpeyes_livefeed_events_total", Help: "Alerts published to the live feed.",
	})
	h.dropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sharpeyes_livefeed_dropped_total", Help: "Alerts a slow live-feed subscriber missed because its queue was full.",
	})
	h.subsGauge = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sharpeyes_livefeed_subscribers", Help: "Live alert feed subscribers (SSE clients).",
	}, func() float64 {
		h.mu.Lock()
		defer h.mu.Unlock()
		return float64(len(h.subs))
	})
	if reg != nil {
		reg.MustRegister(h.published, h.dropped, h.subsGauge)
	}
	return h
}

// Publish hands e to every matching subscriber without blocking and keeps it for replay.
func (h *Hub) Publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.published.Inc()
	if len(h.recent) < cap(h.recent) {
		h.recent = append(h.recent, e)
	} else {
		h.recent[h.next] = e
		h.next = (h.next + 1) % cap(h.recent)
	}
	for s := range h.subs {
		if s.filter.match(&e) {
			s.offer(e, h.dropped)
		}
	}
}

// Subscribe returns a subscription to events matching f. It first receives up to
// replay of the most recent matching events, oldest first. The caller must Close it.
func (h *Hub) Subscribe(f Filter, replay int) *Subscription {
	s := &Subscription{filter: f, c: make(chan Event, DefaultSubscriberQ), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.end()
		return s
	}
	var back []Event
	n := len(h.recent)
	for i := range n {
		e := &h.recent[(h.next+n-1-i)%n] // newest first
		if len(back) >= min(replay, DefaultSubscriberQ) {
			break
		}
		if f.match(e) {
			back = append(back, *e)
		}
	}
	for i := len(back) - 1; i >= 0; i-- {
		s.c <- back[i]
	}
	s.hub = h
	h.subs[s] = struct{}{}
	return s
}

// Close ends every subscription; later Publish calls do nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		s.end()
	}
}

func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		s.end()
	}
}

// Subscription is one subscriber's bounded queue of events.
type Subscription struct {
	hub     *Hub
	filter  Filter
	c       chan Event
	done    chan struct{}
	ended   bool // guarded by the hub's mutex
	dropped atomic.Uint64
}

// C delivers the events.
func (s *Subscription) C() <-chan Event { return s.c }

// Done is closed when the hub ends the subscription (hub closed) or after Close.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Dropped returns how many events did not fit in the queue so far.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close detaches the subscription. Safe to call more than once.
func (s *Subscription) Close() {
	if s.hub != nil {
		s.hub.remove(s)
	}
}

// offer queues e or counts it as dropped; the hub's mutex is held.
func (s *Subscription) offer(e Event, dropped prometheus.Counter) {
	select {
	case s.c <- e:
	default:
		s.dropped.Add(1)
		dropped.Inc()
	}
}

// end closes done once; the hub's mutex is held (or the subscription is not yet shared).
func (s *Subscription) end() {
	if !s.ended {
		s.ended = true
		close(s.done)
	}
}
