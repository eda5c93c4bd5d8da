package streams

import (
	"context"
	"errors"
	"math/bits"
	"sync"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// Reader is one consumer of a Stream with its own bounded ring.
//
// Overflow policy: when the ring is full the new unit is dropped for this reader only and
// counted; the reader then skips every unit until the next keyframe, so it never hands a
// decoder a picture whose references it lost. Units skipped that way count as dropped too.
// Units already queued before the drop are still delivered.
//
// One goroutine, owned by the consumer, calls Next (or Run); Close may come from any goroutine.
type Reader struct {
	stream *Stream
	kind   string

	mu      sync.Mutex
	ring    []*unit.AccessUnit
	mask    uint64
	head    uint64 // next slot to read
	tail    uint64 // next slot to write
	started bool   // a keyframe has been queued
	synced  bool   // false until a keyframe is queued, and again after a drop
	dropped uint64
	err     error // why the reader is closed, nil while open

	wake chan struct{} // capacity 1: a unit was queued
	done chan struct{} // closed with err set
}

func newReader(s *Stream, kind string, queueSize int) *Reader {
	size := ceilPow2(queueSize)
	return &Reader{
		stream: s,
		kind:   kind,
		ring:   make([]*unit.AccessUnit, size),
		mask:   uint64(size - 1),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
}

// ceilPow2 returns the smallest power of two >= n, at least 1.
func ceilPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// push queues u without blocking; see the overflow policy on Reader.
func (r *Reader) push(u *unit.AccessUnit) {
	r.mu.Lock()
	switch {
	case r.err != nil:
		r.mu.Unlock()
		return
	case !r.synced && !u.Keyframe:
		if r.started {
			r.dropped++ // resyncing after a drop; a fresh reader's wait is no loss
		}
		r.mu.Unlock()
		return
	case r.tail-r.head == uint64(len(r.ring)):
		r.dropped++
		r.synced = false
		r.mu.Unlock()
		return
	}
	r.ring[r.tail&r.mask] = u
	r.tail++
	r.started = true
	r.synced = true
	r.mu.Unlock()

	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Next returns the next unit, waiting for one. It returns ctx.Err() when ctx ends,
// ErrReaderClosed after Close and ErrStreamClosed once the camera's stream is closed.
func (r *Reader) Next(ctx context.Context) (*unit.AccessUnit, error) {
	for {
		r.mu.Lock()
		if r.err != nil {
			err := r.err
			r.mu.Unlock()
			return nil, err
		}
		if r.head != r.tail {
			slot := r.head & r.mask
			u := r.ring[slot]
			r.ring[slot] = nil
			r.head++
			r.mu.Unlock()
			return u, nil
		}
		r.mu.Unlock()

		select {
		case <-r.wake:
		case <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Run calls fn for every unit until ctx ends (returns nil), fn fails (returns its error)
// or the reader or its stream is closed (returns ErrReaderClosed or ErrStreamClosed).
func (r *Reader) Run(ctx context.Context, fn func(*unit.AccessUnit) error) error {
	for {
		u, err := r.Next(ctx)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return nil
			}
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
	}
}

// Close detaches the reader from its stream and wakes a waiting Next. It is idempotent.
func (r *Reader) Close() {
	r.stream.removeReader(r)
	r.closeWith(ErrReaderClosed)
}

func (r *Reader) closeWith(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	if r.err != nil {
		return
	}
	r.err = err
	clear(r.ring)
	r.head, r.tail = 0, 0
	close(r.done)
}

// Kind returns the reader kind used as the metrics label.
func (r *Reader) Kind() string { return r.kind }

// Len returns the number of queued units.
func (r *Reader) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int(r.tail - r.head)
}

// Cap returns the ring capacity.
func (r *Reader) Cap() int { return len(r.ring) }

// Dropped returns how many units this reader lost to overflow or to the keyframe resync after it.
func (r *Reader) Dropped() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}
