// Package analytics holds the pure types shared by the decoders, detectors, tracker and
// per-camera pipeline. It imports no cgo package: gocv lives in analytics/opencv and
// libavcodec in analytics/decode.
package analytics

import (
	"time"
)

// Frame is one decoded picture in packed BGR24 (3 bytes per pixel, row stride Width*3),
// already scaled to the analysis width.
//
// Ownership: whoever holds a *Frame owns its Pix. Frames are not shared between
// goroutines once handed over, except read-only through snapshots.
type Frame struct {
	Width, Height int
	Pix           []byte
	// Seq counts decoded frames of one camera session, from 0.
	Seq uint64
	// CaptureTime is the capture time of the access unit the frame came from.
	CaptureTime time.Time
	// PTS is the presentation time relative to the start of the stream or clip.
	PTS time.Duration
}

// Box is an axis-aligned rectangle in normalized image coordinates (0–1, origin
// top-left): X1,Y1 the top-left corner, X2,Y2 the bottom-right corner.
type Box struct {
	X1, Y1, X2, Y2 float64
}

// W returns the box width.
func (b Box) W() float64 { return b.X2 - b.X1 }

// H returns the box height.
func (b Box) H() float64 { return b.Y2 - b.Y1 }

// Area returns the box area (0 for an empty box).
func (b Box) Area() float64 {
	if b.X2 <= b.X1 || b.Y2 <= b.Y1 {
		return 0
	}
	return (b.X2 - b.X1) * (b.Y2 - b.Y1)
}

// IoU returns the intersection over union of two boxes.
func (b Box) IoU(o Box) float64 {
	in := Box{max(b.X1, o.X1), max(b.Y1, o.Y1), min(b.X2, o.X2), min(b.Y2, o.Y2)}.Area()
	u := b.Area() + o.Area() - in
	if u <= 0 {
		return 0
	}
	return in / u
}

// Foot returns the bottom-centre point of the box: where a person stands.
func (b Box) Foot() (x, y float64) { return (b.X1 + b.X2) / 2, b.Y2 }

// Detection is one object found in one frame.
type Detection struct {
	// Class is a product class name: "person", "car", "bicycle", "motorcycle",
	// "bus", "truck", or "object" for unclassified motion.
	Class string
	Score float64
	Box   Box
}

// Detector finds objects in a frame. Implementations are not safe for concurrent
// use: each camera pipeline owns its own detectors.
//
// Detect reads f.Pix and must not keep it after returning.
type Detector interface {
	Detect(f *Frame) ([]Detection, error)
	Close() error
}
