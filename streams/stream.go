// Package streams fans each camera's compressed access units out to independent readers,
// each with its own bounded queue, so one slow consumer never stalls the camera or the others.
package streams

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// Bounds of the cached GOP. A GOP longer than either bound is not cached: new readers then
// wait for the next live keyframe instead of replaying a huge backlog.
const (
	defaultGOPMaxUnits = 300
	defaultGOPMaxBytes = 8 << 20
)

// ErrStreamClosed is returned by a Reader whose Stream was closed (the camera went away).
var ErrStreamClosed = errors.New("stream closed")

// ErrReaderClosed is returned by a Reader after its own Close.
var ErrReaderClosed = errors.New("reader closed")

// Stream is the fan-out point of one camera. It outlives upstream reconnects: the camera
// source changes, the Stream and its readers stay.
//
// Write never blocks: each Reader owns a bounded ring and overflow drops units for that
// reader only (see Reader).
type Stream struct {
	cameraID string
	metrics  *Metrics

	gopMaxUnits int
	gopMaxBytes int

	written atomic.Uint64

	mu       sync.Mutex
	readers  map[*Reader]struct{}
	gop      []*unit.AccessUnit // units since the last keyframe, gop[0] is that keyframe
	gopBytes int
	retired  map[string]uint64 // drops of closed readers by kind, keeps dropped_total monotonic
	closed   bool
}

// NewStream creates the stream of one camera and registers it with m (nil m is allowed).
// The owner calls Close when the camera is removed.
func NewStream(cameraID string, m *Metrics) *Stream {
	s := &Stream{
		cameraID:    cameraID,
		metrics:     m,
		gopMaxUnits: defaultGOPMaxUnits,
		gopMaxBytes: defaultGOPMaxBytes,
		readers:     make(map[*Reader]struct{}),
		retired:     make(map[string]uint64),
	}
	m.add(s)
	return s
}

// CameraID returns the camera this stream belongs to.
func (s *Stream) CameraID() string { return s.cameraID }

// Write hands u to every reader without blocking and caches it for readers that join later.
// The caller gives up u: it must not be modified afterwards, since readers share it.
func (s *Stream) Write(u *unit.AccessUnit) {
	s.written.Add(1)

	s.mu.Lock()
	defer s.mu.Unlock()

	if s.closed {
		return
	}
	s.cache(u)
	for r := range s.readers {
		r.push(u)
	}
}

// cache keeps the units since the last keyframe, within the GOP bounds. Called with s.mu held.
func (s *Stream) cache(u *unit.AccessUnit) {
	if u.Keyframe {
		s.resetGOP()
	} else if len(s.gop) == 0 {
		return // no keyframe to continue from
	}

	size := unitSize(u)
	if len(s.gop) >= s.gopMaxUnits || s.gopBytes+size > s.gopMaxBytes {
		s.resetGOP() // GOP too long: cache nothing until the next keyframe
		return
	}
	s.gop = append(s.gop, u)
	s.gopBytes += size
}

// DropCache forgets the cached GOP, so readers that join later wait for the next live
// keyframe. The owner calls it when it stops pulling the camera: a cached picture
// from a stopped session would show a stale scene.
func (s *Stream) DropCache() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetGOP()
}

func (s *Stream) resetGOP() {
	clear(s.gop) // let the old units be collected
	s.gop = s.gop[:0]
	s.gopBytes = 0
}

// AddReader attaches a reader of the given kind (a metrics label such as "whep" or
// "analytics") with a ring of queueSize units, rounded up to a power of two.
//
// A reader always starts on a keyframe: with startAtCachedKeyframe it first gets the cached
// GOP (the last keyframe and the units after it), otherwise it waits for the next live
// keyframe. The caller owns the reader and must Close it.
func (s *Stream) AddReader(kind string, queueSize int, startAtCachedKeyframe bool) *Reader {
	r := newReader(s, kind, queueSize)

	s.mu.Lock()
	defer s.mu.Unlock()

	if s.closed {
		r.closeWith(ErrStreamClosed)
		return r
	}
	if startAtCachedKeyframe {
		for _, u := range s.gop {
			r.push(u)
		}
	}
	s.readers[r] = struct{}{}
	return r
}

// removeReader detaches r and keeps its drop count for metrics.
func (s *Stream) removeReader(r *Reader) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if _, ok := s.readers[r]; !ok {
		return
	}
	delete(s.readers, r)
	s.retired[r.kind] += r.Dropped()
}

// Close detaches every reader (their Next returns ErrStreamClosed) and unregisters the
// stream from its metrics. Later writes are ignored.
func (s *Stream) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	readers := s.readers
	s.readers = make(map[*Reader]struct{})
	s.resetGOP()
	s.mu.Unlock()

	for r := range readers {
		r.closeWith(ErrStreamClosed)
	}
	s.metrics.remove(s) // outside s.mu: Collect takes the locks in the other order
}

// kindStats aggregates the readers of one kind for metrics.
type kindStats struct {
	readers  int
	length   int
	capacity int
	dropped  uint64
}

// snapshot returns per-kind reader statistics, including the drops of closed readers.
func (s *Stream) snapshot() map[string]kindStats {
	s.mu.Lock()
	defer s.mu.Unlock()

	out := make(map[string]kindStats, len(s.retired))
	for kind, dropped := range s.retired {
		out[kind] = kindStats{dropped: dropped}
	}
	for r := range s.readers {
		st := out[r.kind]
		st.readers++
		st.length += r.Len()
		st.capacity += r.Cap()
		st.dropped += r.Dropped()
		out[r.kind] = st
	}
	return out
}

func unitSize(u *unit.AccessUnit) int {
	n := 0
	for _, nalu := range u.NALUs {
		n += len(nalu)
	}
	return n
}
