// Package track follows detected objects from frame to frame and gives each one a
// stable id: a constant-velocity Kalman filter per track, gating on IoU or on
// size-normalized centre distance, and Hungarian assignment. It is pure
// computation: no goroutines, no clock of its own, time comes from the caller.
package track

import (
	"math"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// Config tunes a Tracker. The zero value gives the defaults.
type Config struct {
	// MinHits is how many consecutive matched frames make a track confirmed
	// (default 2). A tentative track that misses one frame is dropped, so a
	// single-frame false detection never becomes a track.
	MinHits int
	// MaxCoast is how long a confirmed track survives without a matching
	// detection, coasting on its motion model (default 1s).
	MaxCoast time.Duration
	// MinIoU is the overlap between a track's predicted box and a detection
	// that allows a match on its own (default 0.1). Pairs with less overlap can
	// still match on centre distance (see Gate).
	MinIoU float64
	// Gate is the largest centre distance, in standard deviations of the
	// predicted position, at which a detection may match a track (default 3).
	// The deviation scales with the box size and grows with the time since the
	// track was last seen, so fast movers and short occlusions still match.
	Gate float64
	// ReportTentative makes Update also return tracks that are not confirmed yet.
	ReportTentative bool
}

func (c Config) withDefaults() Config {
	if c.MinHits <= 0 {
		c.MinHits = 2
	}
	if c.MaxCoast <= 0 {
		c.MaxCoast = time.Second
	}
	if c.MinIoU <= 0 {
		c.MinIoU = 0.1
	}
	if c.Gate <= 0 {
		c.Gate = 3
	}
	return c
}

// Point is a position in normalized image coordinates (0–1, origin top-left),
// or a velocity in those units per second.
type Point struct {
	X, Y float64
}

// Track is the state of one tracked object after an Update. It is a copy: the
// caller may keep it.
type Track struct {
	// ID is unique within one Tracker and increases with creation order.
	ID uint64
	// Class is the class with the highest summed detection score over the
	// track's life: a steady majority wins over a single confident outlier.
	Class string
	// Score is the confidence of the last matched detection.
	Score float64
	// Box is the filtered box at the last matched detection. While the track
	// is Lost it stays where the object was last seen (it is not extrapolated),
	// so rules never fire on a guessed position.
	Box analytics.Box
	// Foot is the bottom-centre of Box: where a person stands.
	Foot Point
	// Velocity is the estimated velocity of the box centre, in units per second.
	Velocity Point
	// FirstSeen and LastSeen are the times of the first and last matched detections.
	FirstSeen, LastSeen time.Time
	// Age is the time from FirstSeen to the time of this Update.
	Age time.Duration
	// Hits counts the frames with a matched detection.
	Hits int
	// Confirmed is set once the track had MinHits consecutive matches; it never resets.
	Confirmed bool
	// Lost is set while the track coasts: no detection matched it in this Update.
	Lost bool
}

// Tracker assigns detections to tracks, one camera at a time. It is not safe for
// concurrent use: the camera's pipeline goroutine owns it.
type Tracker struct {
	cfg    Config
	tracks []*track // ordered by id
	nextID uint64
	scr    scratch
}

// New returns a tracker with no tracks.
func New(cfg Config) *Tracker {
	return &Tracker{cfg: cfg.withDefaults(), nextID: 1}
}

// Update feeds the detections of the frame taken at t and returns the tracks
// to report, ordered by ID: confirmed tracks (matched or coasting) and, with
// ReportTentative, tentative ones. Frames may come at irregular intervals; t
// should not go backwards (a step back is treated as no time passing).
func (tr *Tracker) Update(t time.Time, dets []analytics.Detection) []Track {
	matchedDet := tr.scr.resetDets(len(dets))
	matchedTrack := tr.scr.resetTracks(len(tr.tracks))
	for j, d := range dets {
		// Empty or non-finite boxes are ignored, as if already taken.
		matchedDet[j] = !validBox(d.Box)
	}

	// A matching cascade: tracks seen in the previous frame choose first, then
	// coasting ones (whose wider uncertainty would otherwise let them steal a
	// nearby detection), then tentative ones (possibly noise).
	for _, stage := range [...]stage{stageSeen, stageCoasting, stageTentative} {
		tr.associate(t, dets, stage, matchedTrack, matchedDet)
	}

	kept := tr.tracks[:0]
	for i, tk := range tr.tracks {
		switch {
		case matchedTrack[i] >= 0:
			tk.correct(t, dets[matchedTrack[i]], tr.cfg.MinHits)
			tk.lost = false
		case !tk.confirmed:
			continue // tentative tracks do not coast
		case t.Sub(tk.lastSeen) > tr.cfg.MaxCoast:
			continue
		default:
			tk.lost = true
		}
		kept = append(kept, tk)
	}
	clear(tr.tracks[len(kept):])
	tr.tracks = kept

	for j, d := range dets {
		if !matchedDet[j] {
			tr.tracks = append(tr.tracks, newTrack(tr.nextID, t, d, tr.cfg.MinHits))
			tr.nextID++
		}
	}
	return tr.report(t)
}

func validBox(b analytics.Box) bool {
	for _, v := range [...]float64{b.X1, b.Y1, b.X2, b.Y2} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return b.X2 > b.X1 && b.Y2 > b.Y1
}

func (tr *Tracker) report(t time.Time) []Track {
	out := make([]Track, 0, len(tr.tracks))
	for _, tk := range tr.tracks {
		if tk.confirmed || tr.cfg.ReportTentative {
			out = append(out, tk.snapshot(t))
		}
	}
	return out
}
