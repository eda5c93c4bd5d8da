package pipeline

import (
	"context"
	"sync"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// mailbox is the one-frame slot between the decoder and the analysis worker.
// Overflow policy: a new frame replaces the waiting one, which is dropped and counted;
// analysis therefore always sees the newest picture and never builds a backlog.
type mailbox struct {
	mu      sync.Mutex
	frame   *analytics.Frame
	notify  chan struct{}          // capacity 1: "a frame is waiting"
	dropped func(*analytics.Frame) // called with each replaced frame, outside the lock
}

func newMailbox(dropped func(*analytics.Frame)) *mailbox {
	return &mailbox{notify: make(chan struct{}, 1), dropped: dropped}
}

// put stores f, replacing (and dropping) any frame not yet taken.
func (m *mailbox) put(f *analytics.Frame) {
	m.mu.Lock()
	old := m.frame
	m.frame = f
	m.mu.Unlock()
	if old != nil && m.dropped != nil {
		m.dropped(old)
	}
	select {
	case m.notify <- struct{}{}:
	default:
	}
}

// take waits for a frame or for ctx to end.
func (m *mailbox) take(ctx context.Context) (*analytics.Frame, error) {
	for {
		m.mu.Lock()
		f := m.frame
		m.frame = nil
		m.mu.Unlock()
		if f != nil {
			return f, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-m.notify:
		}
	}
}
