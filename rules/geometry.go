package rules

import "math"

// onLineTolerance is how close to a line, in normalized units, a point counts
// as lying on it: far below a pixel, so only exact placements qualify.
const onLineTolerance = 1e-9

// side is where a point lies relative to a directed line.
type side int8

const (
	sideUnknown side = iota
	sideA            // left of someone walking the line from its first point to its second, on screen
	sideB            // right of them
	sideOn           // on the (infinite) line
)

// cross is the z component of (b-a)×(p-a). In image coordinates (y down) it is
// negative for points on the left-hand side of a walker going from a to b: for
// a line drawn left to right, the upper side.
func cross(a, b, p Point) float64 {
	return (b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)
}

// sideOf tells on which side of the line a→b the point p lies.
func sideOf(a, b, p Point) side {
	l := math.Hypot(b.X-a.X, b.Y-a.Y)
	if l == 0 {
		return sideOn
	}
	d := cross(a, b, p) / l // signed distance
	switch {
	case d < -onLineTolerance:
		return sideA
	case d > onLineTolerance:
		return sideB
	default:
		return sideOn
	}
}

// sideOfBand is sideOf with every point closer to the line than band counted as
// on it.
func sideOfBand(a, b, p Point, band float64) side {
	l := math.Hypot(b.X-a.X, b.Y-a.Y)
	if l == 0 {
		return sideOn
	}
	d := cross(a, b, p) / l
	tol := max(band, onLineTolerance)
	switch {
	case d < -tol:
		return sideA
	case d > tol:
		return sideB
	default:
		return sideOn
	}
}

// besideSegment reports whether p projects onto the segment a–b (rather than onto
// the line's extension beyond its ends).
func besideSegment(a, b, p Point) bool {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return false
	}
	t := ((p.X-a.X)*dx + (p.Y-a.Y)*dy) / l2
	const e = onLineTolerance
	return t >= -e && t <= 1+e
}

// onSegment reports whether p lies on the closed segment a–b.
func onSegment(a, b, p Point) bool {
	return sideOf(a, b, p) == sideOn && withinBox(a, b, p)
}

// withinBox reports whether p lies in the bounding box of a and b, with the
// on-line tolerance.
func withinBox(a, b, p Point) bool {
	const e = onLineTolerance
	return p.X >= min(a.X, b.X)-e && p.X <= max(a.X, b.X)+e &&
		p.Y >= min(a.Y, b.Y)-e && p.Y <= max(a.Y, b.Y)+e
}

// segmentsIntersect reports whether the closed segments p1–p2 and q1–q2 share
// a point, touching endpoints and collinear overlaps included.
func segmentsIntersect(p1, p2, q1, q2 Point) bool {
	d1, d2 := sideOf(q1, q2, p1), sideOf(q1, q2, p2)
	d3, d4 := sideOf(p1, p2, q1), sideOf(p1, p2, q2)
	if opposite(d1, d2) && opposite(d3, d4) {
		return true
	}
	return (d1 == sideOn && withinBox(q1, q2, p1)) ||
		(d2 == sideOn && withinBox(q1, q2, p2)) ||
		(d3 == sideOn && withinBox(p1, p2, q1)) ||
		(d4 == sideOn && withinBox(p1, p2, q2))
}

func opposite(s, t side) bool {
	return (s == sideA && t == sideB) || (s == sideB && t == sideA)
}

// pointInPolygon reports whether p lies inside the polygon or on its boundary.
func pointInPolygon(p Point, poly []Point) bool {
	if len(poly) < 3 {
		return false
	}
	in := false
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		if onSegment(a, b, p) {
			return true
		}
		if (a.Y > p.Y) != (b.Y > p.Y) {
			x := a.X + (p.Y-a.Y)*(b.X-a.X)/(b.Y-a.Y)
			if p.X < x {
				in = !in
			}
		}
	}
	return in
}

// polygonArea returns the unsigned area of a polygon.
func polygonArea(poly []Point) float64 {
	s := 0.0
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		s += a.X*b.Y - b.X*a.Y
	}
	return math.Abs(s) / 2
}

// selfIntersection returns two edges of the polygon that cross or overlap
// (edge i runs from point i to point i+1), or ok=false if it is simple.
func selfIntersection(poly []Point) (i, j int, ok bool) {
	n := len(poly)
	edge := func(k int) (Point, Point) { return poly[k], poly[(k+1)%n] }
	for i := range n {
		a1, a2 := edge(i)
		for j := i + 1; j < n; j++ {
			b1, b2 := edge(j)
			switch {
			case j == i+1:
				if foldsBack(a1, a2, b2) {
					return i, j, true
				}
			case i == 0 && j == n-1:
				if foldsBack(b1, b2, a2) {
					return i, j, true
				}
			case segmentsIntersect(a1, a2, b1, b2):
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// foldsBack reports whether the path a→b→c turns back on itself along the
// same line, so the edges a–b and b–c overlap.
func foldsBack(a, b, c Point) bool {
	if sideOf(a, b, c) != sideOn {
		return false
	}
	return (b.X-a.X)*(c.X-b.X)+(b.Y-a.Y)*(c.Y-b.Y) < 0
}
