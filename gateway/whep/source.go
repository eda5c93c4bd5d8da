package whep

import (
	"context"
	"errors"

	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// ErrNotFound is what a Lookup wraps when the camera (or the requested stream of it) does not
// exist. The HTTP handler turns it into 404.
var ErrNotFound = errors.New("camera not found")

// Request names what a viewer asked for: the camera ID from the path and the optional
// `stream` query parameter ("" when absent, else "main" or "sub"; the handler rejects
// other values with 400).
type Request struct {
	CameraID string
	Stream   string
}

// Lookup resolves a viewer's request to a Source. It is called once per POST, before the
// session exists, and returns an error wrapping ErrNotFound for unknown cameras. A Lookup
// may start an on-demand camera pull; the Source's Release stops it again.
// It must honour ctx (the HTTP request's context).
type Lookup func(ctx context.Context, req Request) (Source, error)

// Source is one camera stream held for one viewer session. The session calls NewReader
// when the peer connection is up (and may call it again to resync), and Release exactly once
// when the session ends, after its last Reader was closed.
type Source interface {
	// CameraID labels metrics and logs.
	CameraID() string
	// Codec is the stream's codec when known up front, 0 otherwise. H.265 is refused at POST.
	Codec() unit.Codec
	// NewReader attaches a reader of at most queueSize units whose first units are the
	// cached GOP (the last keyframe and what followed it), as streams.Stream.AddReader with
	// startAtCachedKeyframe does. The session owns the reader and closes it.
	NewReader(queueSize int) Reader
	// Release gives the source back (for example stops an on-demand pull after the last viewer).
	Release()
}

// Reader yields one viewer's access units; *streams.Reader satisfies it.
//
// Next blocks for the next unit; it returns ctx.Err() when ctx ends and any other error when
// the source has ended (streams.ErrStreamClosed), which ends the session. The first unit must
// be a keyframe (units before one are skipped). Units are shared and never modified.
// If the reader also has `Len() int` (units queued now), the session uses it to recognise the
// cached GOP at start and sends it at once with compressed timestamps.
type Reader interface {
	Next(ctx context.Context) (*unit.AccessUnit, error)
	Close()
}

// StreamSource adapts a streams.Stream to Source for the usual case: readers of kind "whep"
// starting at the cached keyframe. codec may be 0 when unknown; release may be nil.
func StreamSource(s *streams.Stream, codec unit.Codec, release func()) Source {
	return &streamSource{stream: s, codec: codec, release: release}
}

type streamSource struct {
	stream  *streams.Stream
	codec   unit.Codec
	release func()
}

func (s *streamSource) CameraID() string  { return s.stream.CameraID() }
func (s *streamSource) Codec() unit.Codec { return s.codec }

func (s *streamSource) NewReader(queueSize int) Reader {
	return s.stream.AddReader(ReaderKind, queueSize, true)
}

func (s *streamSource) Release() {
	if s.release != nil {
		s.release()
	}
}

// ReaderKind is the streams reader kind (metrics label) used for WHEP viewers.
const ReaderKind = "whep"
