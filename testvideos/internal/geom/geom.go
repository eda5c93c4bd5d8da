// Package geom holds the 2-D geometry shared by the test-video helpers: which side of a
// line a point lies on, segment crossings with the product's direction convention, and
// point-in-polygon tests. Coordinates are normalized image coordinates (origin top-left,
// y down) unless a caller chooses otherwise.
package geom

import "math"

// Point is a 2-D point.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Direction names the way a track crossed a line.
//
// Side A is the left-hand side of someone walking the line from its first point to its
// second point as drawn on screen (y down). For the line (0,0.6)->(1,0.6), side A is
// above the line, so moving downwards is AToB.
type Direction string

// Crossing directions.
const (
	AToB Direction = "a_to_b"
	BToA Direction = "b_to_a"
)

// Side returns the signed area of (b-a) x (p-a) in y-down coordinates: negative on side A
// (the left-hand side walking from a to b on screen), positive on side B, zero on the line.
func Side(a, b, p Point) float64 {
	return (b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)
}

// Cross tests the movement p0->p1 against the line segment a->b. It reports whether the
// movement crosses the segment, the fraction u in [0,1] of the movement where it does,
// and the direction. A point exactly on the line counts as side B, so a track that
// steps onto the line and then on across it is counted once, on one of the two steps.
func Cross(a, b, p0, p1 Point) (crossed bool, u float64, dir Direction) {
	s0, s1 := Side(a, b, p0), Side(a, b, p1)
	switch {
	case s0 < 0 && s1 >= 0:
		dir = AToB
	case s0 >= 0 && s1 < 0:
		dir = BToA
	default:
		return false, 0, ""
	}
	u = s0 / (s0 - s1)
	q := Point{p0.X + u*(p1.X-p0.X), p0.Y + u*(p1.Y-p0.Y)}
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return false, 0, ""
	}
	v := ((q.X-a.X)*dx + (q.Y-a.Y)*dy) / l2
	if v < 0 || v > 1 {
		return false, 0, ""
	}
	return true, u, dir
}

// InPolygon reports whether p lies inside the polygon (even-odd rule, ray cast to +x).
// Points exactly on an edge may fall either way; callers keep test tracks off edges.
func InPolygon(poly []Point, p Point) bool {
	in := false
	n := len(poly)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		pi, pj := poly[i], poly[j]
		if (pi.Y > p.Y) != (pj.Y > p.Y) {
			x := pi.X + (p.Y-pi.Y)/(pj.Y-pi.Y)*(pj.X-pi.X)
			if p.X < x {
				in = !in
			}
		}
	}
	return in
}

// DistToSegment returns the Euclidean distance from p to the segment a-b.
func DistToSegment(a, b, p Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = ((p.X-a.X)*dx + (p.Y-a.Y)*dy) / l2
		t = max(0, min(1, t))
	}
	ex, ey := a.X+t*dx-p.X, a.Y+t*dy-p.Y
	return math.Hypot(ex, ey)
}
