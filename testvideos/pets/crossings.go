package pets

import (
	"cmp"
	"slices"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/geom"
	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

// Point is a point in normalized image coordinates (origin top-left, y down).
type Point = geom.Point

// Direction is a crossing direction, "a_to_b" or "b_to_a".
type Direction = geom.Direction

// Crossing directions. Side A is the left-hand side of someone walking the line from
// its first to its second point as drawn on screen (y down).
const (
	AToB = geom.AToB
	BToA = geom.BToA
)

// Line is a tripwire in normalized coordinates.
type Line struct {
	Name string
	A, B Point
}

// Crossing is one ground-truth crossing of a line by a track's foot point.
type Crossing struct {
	Line string
	ID   int
	// Frame is the 0-based video frame after the crossing (the first on the new side).
	Frame int
	// T is seconds from the start of the clip at 7 fps, linearly interpolated between
	// the two frames whose foot points straddle the line.
	T         float64
	Direction Direction
}

// Crossings derives every crossing of line by every track: the foot points of
// consecutive boxes of a track form a movement, and each movement that crosses the line
// segment counts once (geom.Cross; a foot exactly on the line counts as side B).
// The result is sorted by time, then track ID.
func (g *GT) Crossings(line Line) []Crossing {
	var out []Crossing
	for _, bs := range g.Tracks() {
		for i := 1; i < len(bs); i++ {
			b0, b1 := bs[i-1], bs[i]
			ok, u, dir := geom.Cross(line.A, line.B, b0.Foot(), b1.Foot())
			if !ok {
				continue
			}
			f := float64(b0.VideoFrame()) + u*float64(b1.Frame-b0.Frame)
			out = append(out, Crossing{Line: line.Name, ID: b1.ID, Frame: b1.VideoFrame(), T: f / FPS, Direction: dir})
		}
	}
	sortCrossings(out)
	return out
}

// Count tallies crossings by direction.
func Count(cs []Crossing) (total, aToB, bToA int) {
	for _, c := range cs {
		switch c.Direction {
		case AToB:
			aToB++
		case BToA:
			bToA++
		}
	}
	return len(cs), aToB, bToA
}

// ScoreCrossings converts crossings for package score.
func ScoreCrossings(cs []Crossing) []score.Crossing {
	out := make([]score.Crossing, len(cs))
	for i, c := range cs {
		out[i] = score.Crossing{Line: c.Line, T: c.T, Direction: string(c.Direction)}
	}
	return out
}

func sortCrossings(cs []Crossing) {
	slices.SortFunc(cs, func(a, b Crossing) int {
		return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.ID, b.ID))
	})
}
