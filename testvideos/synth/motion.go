package synth

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// plan is a validated scene with defaults filled in and every actor's timeline laid out.
type plan struct {
	scene  Scene
	hash   string
	tracks []*track // sorted by actor ID
}

func newPlan(scene Scene) (*plan, error) {
	s, err := normalize(scene)
	if err != nil {
		return nil, fmt.Errorf("scene %q: %w", scene.Name, err)
	}
	hash, err := Hash(s)
	if err != nil {
		return nil, err
	}
	p := &plan{scene: s, hash: hash}
	actors := append(append([]Actor(nil), s.Actors...), expandGroups(s)...)
	slices.SortFunc(actors, func(a, b Actor) int { return cmp.Compare(a.ID, b.ID) })
	for _, a := range actors {
		p.tracks = append(p.tracks, newTrack(a, s.Width, s.Height))
	}
	return p, nil
}

// truth derives the plan's ground truth.
func (p *plan) truth() *Truth { return computeTruth(p.scene, p.tracks, p.hash) }

// ComputeTruth derives a scene's ground truth without rendering or encoding it (no
// ffmpeg needed). It equals the Truth that Generate writes for the same scene.
func ComputeTruth(scene Scene) (*Truth, error) {
	p, err := newPlan(scene)
	if err != nil {
		return nil, err
	}
	return p.truth(), nil
}

// track is an actor's resolved timeline: a sequence of legs, each either standing at a
// point or moving in a straight line at constant speed.
type track struct {
	actor Actor
	legs  []leg
	end   float64 // time the actor disappears
}

type leg struct {
	t0, t1 float64
	p0, p1 Point
	dist0  float64 // pixels walked before this leg, for the gait phase
	moving bool
}

// state is where an actor is at one instant.
type state struct {
	foot   Point
	dir    Point   // unit movement direction in pixels; zero when standing
	dist   float64 // pixels walked so far
	moving bool
}

// newTrack lays out the legs of an actor in a frame of w x h pixels.
func newTrack(a Actor, w, h int) *track {
	tr := &track{actor: a}
	t, dist := a.Start, 0.0
	speed := a.Speed * float64(w) // px/s
	for i, wp := range a.Path {
		p := Point{X: wp.X, Y: wp.Y}
		if i > 0 {
			prev := tr.legs[len(tr.legs)-1].p1
			d := pixelDist(prev, p, w, h)
			if d > 0 {
				tr.legs = append(tr.legs, leg{t0: t, t1: t + d/speed, p0: prev, p1: p, dist0: dist, moving: true})
				t += d / speed
				dist += d
			}
		}
		tr.legs = append(tr.legs, leg{t0: t, t1: t + wp.Wait, p0: p, p1: p, dist0: dist})
		t += wp.Wait
	}
	tr.end = t
	return tr
}

// at returns the actor's state at time t, and false before Start or after the end.
func (tr *track) at(t float64, w, h int) (state, bool) {
	if t < tr.actor.Start || t > tr.end {
		return state{}, false
	}
	for _, l := range tr.legs {
		if t > l.t1 {
			continue
		}
		if !l.moving {
			return state{foot: l.p0, dist: l.dist0}, true
		}
		u := (t - l.t0) / (l.t1 - l.t0)
		d := pixelDist(l.p0, l.p1, w, h)
		dir := Point{X: (l.p1.X - l.p0.X) * float64(w) / d, Y: (l.p1.Y - l.p0.Y) * float64(h) / d}
		foot := Point{X: l.p0.X + u*(l.p1.X-l.p0.X), Y: l.p0.Y + u*(l.p1.Y-l.p0.Y)}
		return state{foot: foot, dir: dir, dist: l.dist0 + u*d, moving: true}, true
	}
	last := tr.legs[len(tr.legs)-1]
	return state{foot: last.p1, dist: last.dist0}, true
}

func pixelDist(a, b Point, w, h int) float64 {
	return math.Hypot((b.X-a.X)*float64(w), (b.Y-a.Y)*float64(h))
}

// expandGroups turns each group into person actors, deterministically: member k stands
// at angle -90° + 360°*k/Count on the slot ellipse, enters along that ray from outside the
// frame, waits until every member has arrived plus Linger, then leaves along a ray 40°
// further round.
func expandGroups(s Scene) []Actor {
	var out []Actor
	for _, g := range s.Groups {
		members := make([]Actor, g.Count)
		arrive := make([]float64, g.Count)
		latest := 0.0
		for k := range g.Count {
			ang := -math.Pi/2 + 2*math.Pi*float64(k)/float64(g.Count)
			slot := Point{
				X: g.Center.X + g.Spread*math.Cos(ang),
				Y: g.Center.Y + 0.5*g.Spread*math.Sin(ang)*float64(s.Width)/float64(s.Height),
			}
			entry := exitPoint(slot, ang, g.Height, s.Width, s.Height)
			start := g.Start + g.Stagger*float64(k)
			arrive[k] = start + pixelDist(entry, slot, s.Width, s.Height)/(g.Speed*float64(s.Width))
			latest = max(latest, arrive[k])
			members[k] = Actor{
				ID: g.FirstID + k, Start: start, Speed: g.Speed, Height: g.Height,
				Path: []Waypoint{
					{X: entry.X, Y: entry.Y},
					{X: slot.X, Y: slot.Y},
					exitWaypoint(slot, ang+40*math.Pi/180, g.Height, s.Width, s.Height),
				},
			}
		}
		for k := range members {
			members[k].Path[1].Wait = latest + g.Linger - arrive[k]
			out = append(out, normalizeActor(members[k]))
		}
	}
	return out
}

func exitWaypoint(from Point, ang, height float64, w, h int) Waypoint {
	p := exitPoint(from, ang, height, w, h)
	return Waypoint{X: p.X, Y: p.Y}
}

// exitPoint follows the ray from p at angle ang (pixel space, y down) to where a person
// of the given height is fully outside the frame.
func exitPoint(p Point, ang, height float64, w, h int) Point {
	dx, dy := math.Cos(ang)/float64(w), math.Sin(ang)/float64(h)
	halfW := 0.5 * height * 0.4 * float64(h) / float64(w)
	lo := Point{X: -halfW - 0.01, Y: -0.01}
	hi := Point{X: 1 + halfW + 0.01, Y: 1 + height + 0.01}
	s := math.Inf(1)
	if dx > 0 {
		s = min(s, (hi.X-p.X)/dx)
	} else if dx < 0 {
		s = min(s, (lo.X-p.X)/dx)
	}
	if dy > 0 {
		s = min(s, (hi.Y-p.Y)/dy)
	} else if dy < 0 {
		s = min(s, (lo.Y-p.Y)/dy)
	}
	return Point{X: p.X + s*dx, Y: p.Y + s*dy}
}
