package rules

import (
	"math"
	"slices"
	"time"
)

// tripwire fires one pulse per crossing of the line by a track's foot point.
// Cooldown is per track: after a pulse for a track, its further crossings
// within Cooldown are dropped, while other tracks still fire.
type tripwire struct {
	camera string
	r      Rule
	tracks map[uint64]*wireTrack
}

type wireTrack struct {
	crossers []crosser // one per segment of the line
	fired    bool
	lastFire time.Time
}

// segments returns the tripwire's segments: one for Line, several for Polyline.
func (r *Rule) segments() [][2]Point {
	if len(r.Polyline) < 2 {
		return [][2]Point{r.Line}
	}
	out := make([][2]Point, 0, len(r.Polyline)-1)
	for i := 0; i+1 < len(r.Polyline); i++ {
		out = append(out, [2]Point{r.Polyline[i], r.Polyline[i+1]})
	}
	return out
}

func newTripwire(camera string, r Rule) *tripwire {
	return &tripwire{camera: camera, r: r, tracks: map[uint64]*wireTrack{}}
}

func (w *tripwire) rule() *Rule { return &w.r }

// update steps every track over every segment. A foot point passing through a
// joint of a polyline crosses two segments in one step: that is one crossing.
func (w *tripwire) update(f *frame, out []Event) []Event {
	segs := w.r.segments()
	for _, o := range f.objs {
		st := w.tracks[o.TrackID]
		if st == nil {
			st = &wireTrack{crossers: make([]crosser, len(segs))}
			w.tracks[o.TrackID] = st
		}
		var (
			dir     Direction
			at      time.Time
			crossed bool
		)
		for i, sg := range segs {
			d, t, ok := st.crossers[i].step(sg[0], sg[1], o.Foot, jitterBand(sg[0], sg[1], o.Box), f.t)
			if ok && !crossed {
				dir, at, crossed = d, t, true
			}
		}
		if !crossed || !w.r.accepts(dir) || !w.r.matchesClass(o.Class) {
			continue
		}
		if st.fired && f.t.Sub(st.lastFire) < w.r.Cooldown {
			continue
		}
		st.fired, st.lastFire = true, f.t
		out = append(out, Event{
			EventID: eventID(w.camera, w.r.ID, o.TrackID, at),
			RuleID:  w.r.ID, RuleName: w.r.Name, Camera: w.camera, Type: TypeTripwire,
			Action: ActionPulse, Time: at, Direction: dir, Objects: []Object{o},
		})
	}
	for _, id := range sortedGone(w.tracks, f.present) {
		delete(w.tracks, id)
	}
	return out
}

// carry keeps cooldowns; if the line moved, where each track stands relative
// to it is learnt afresh.
func (w *tripwire) carry(r Rule) {
	if r.Line != w.r.Line || !slices.Equal(r.Polyline, w.r.Polyline) {
		n := len(r.segments())
		for _, st := range w.tracks {
			st.crossers = make([]crosser, n)
		}
	}
	w.r = r
}

// close has nothing to end: pulses have no duration.
func (w *tripwire) close(_ time.Time, out []Event) []Event { return out }

// bandFactor sizes the dead band around a tripwire as a fraction of the object's
// box measured across the line: a foot point that wobbles by less (detector
// jitter of a person standing or walking along the line) never crosses.
const bandFactor = 0.1

// jitterBand returns the half-width of the dead band around line a→b for an
// object with box bx: bandFactor times the box's extent along the line's normal.
func jitterBand(a, b Point, bx Box) float64 {
	l := math.Hypot(b.X-a.X, b.Y-a.Y)
	w, h := bx.X2-bx.X1, bx.Y2-bx.Y1
	if l == 0 || w <= 0 || h <= 0 {
		return 0
	}
	nx, ny := (b.Y-a.Y)/l, (a.X-b.X)/l
	return bandFactor * (math.Abs(nx)*w + math.Abs(ny)*h)
}

// crosser follows one track's foot point relative to one line.
type crosser struct {
	side    side      // last side off the band; sideUnknown before the first
	last    Point     // last point off the band
	onLine  bool      // points in the band since then
	touched bool      // one of them beside the segment itself (not its extension)
	passed  time.Time // when a point in the band first lay past the line itself
}

// step feeds the foot point p, seen at t, for line a→b and reports a crossing of
// the segment, its direction and its time. Points closer to the line than band
// count as on it: a point in the band is not a crossing by itself; the crossing is
// decided (once) when the track leaves the band on the other side, and a track
// that enters the band and returns never crosses. The crossing is timed at the
// first point past the line itself, so the band decides but does not delay it.
func (c *crosser) step(a, b, p Point, band float64, t time.Time) (Direction, time.Time, bool) {
	s := sideOfBand(a, b, p, band)
	if s == sideOn {
		c.onLine = true
		c.touched = c.touched || besideSegment(a, b, p)
		switch strict := sideOf(a, b, p); {
		case strict == c.side:
			c.passed = time.Time{} // back on the near side of the line
		case strict != sideOn && c.side != sideUnknown && c.passed.IsZero():
			c.passed = t
		}
		return "", time.Time{}, false
	}
	prev, last, onLine, touched, passed := c.side, c.last, c.onLine, c.touched, c.passed
	*c = crosser{side: s, last: p}
	if prev == sideUnknown || prev == s {
		return "", time.Time{}, false
	}
	// prev and s are opposite sides.
	if onLine && !touched {
		return "", time.Time{}, false // passed the line beyond the ends of the segment
	}
	if !onLine && !segmentsIntersect(last, p, a, b) {
		return "", time.Time{}, false
	}
	at := t
	if !passed.IsZero() {
		at = passed
	}
	if prev == sideA {
		return DirectionAToB, at, true
	}
	return DirectionBToA, at, true
}
