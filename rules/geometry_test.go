package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func pt(x, y float64) Point { return Point{x, y} }

// TestSideConvention pins the meaning of side A: the left-hand side of someone
// walking the line from its first point to its second as drawn on screen,
// where y grows downwards.
func TestSideConvention(t *testing.T) {
	cases := []struct {
		name string
		a, b Point
		p    Point
		want side
	}{
		{"horizontal drawn rightwards: above is A", pt(0, 0.6), pt(1, 0.6), pt(0.5, 0.5), sideA},
		{"horizontal drawn rightwards: below is B", pt(0, 0.6), pt(1, 0.6), pt(0.5, 0.7), sideB},
		{"horizontal drawn leftwards: below is A", pt(1, 0.6), pt(0, 0.6), pt(0.5, 0.7), sideA},
		{"horizontal drawn leftwards: above is B", pt(1, 0.6), pt(0, 0.6), pt(0.5, 0.5), sideB},
		{"vertical drawn downwards: right is A", pt(0.5, 0), pt(0.5, 1), pt(0.7, 0.5), sideA},
		{"vertical drawn downwards: left is B", pt(0.5, 0), pt(0.5, 1), pt(0.3, 0.5), sideB},
		{"vertical drawn upwards: left is A", pt(0.5, 1), pt(0.5, 0), pt(0.3, 0.5), sideA},
		{"diagonal to bottom-right: upper-right is A", pt(0, 0), pt(1, 1), pt(0.8, 0.2), sideA},
		{"on the line", pt(0, 0.6), pt(1, 0.6), pt(0.3, 0.6), sideOn},
		{"on the extension of the line", pt(0.2, 0.6), pt(0.4, 0.6), pt(0.9, 0.6), sideOn},
		{"on a diagonal line despite rounding", pt(0.1, 0.1), pt(0.7, 0.3), pt(0.4, 0.2), sideOn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, sideOf(tc.a, tc.b, tc.p))
		})
	}
}

// TestCrossingDirection is the convention as a user sees it: with the line
// (0,0.6)→(1,0.6), walking down the screen is a_to_b.
func TestCrossingDirection(t *testing.T) {
	var c crosser
	a, b := pt(0, 0.6), pt(1, 0.6)
	_, _, crossed := c.step(a, b, pt(0.5, 0.4), 0, time.Time{})
	require.False(t, crossed)
	dir, _, crossed := c.step(a, b, pt(0.5, 0.8), 0, time.Time{})
	require.True(t, crossed)
	require.Equal(t, DirectionAToB, dir)
	dir, _, crossed = c.step(a, b, pt(0.5, 0.3), 0, time.Time{})
	require.True(t, crossed)
	require.Equal(t, DirectionBToA, dir)
}

// TestCrossingTimedAtTheLine: the band decides a crossing when the foot leaves it,
// but the crossing is timed at the first point past the line itself.
func TestCrossingTimedAtTheLine(t *testing.T) {
	a, b := pt(0, 0.6), pt(1, 0.6)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		ys   []float64
		want int // index of the point the crossing is timed at, -1 for none
	}{
		{"through the band", []float64{0.50, 0.59, 0.61, 0.615, 0.65}, 2},
		{"back inside the band, then past again", []float64{0.50, 0.61, 0.59, 0.612, 0.65}, 3},
		{"over the band in one step", []float64{0.50, 0.70}, 1},
		{"into the band and back", []float64{0.50, 0.61, 0.55}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c crosser
			got := -1
			var at time.Time
			for i, y := range tc.ys {
				if _, when, ok := c.step(a, b, pt(0.5, y), 0.02, t0.Add(time.Duration(i)*time.Second)); ok {
					got, at = i, when
				}
			}
			if tc.want < 0 {
				require.Equal(t, -1, got)
				return
			}
			require.NotEqual(t, -1, got)
			require.Equal(t, t0.Add(time.Duration(tc.want)*time.Second), at)
		})
	}
}

func TestSegmentsIntersect(t *testing.T) {
	cases := []struct {
		name           string
		p1, p2, q1, q2 Point
		want           bool
	}{
		{"proper crossing", pt(0, 0), pt(1, 1), pt(0, 1), pt(1, 0), true},
		{"disjoint", pt(0, 0), pt(0.4, 0.4), pt(0.6, 0.6), pt(1, 0.7), false},
		{"touching at an endpoint", pt(0, 0), pt(0.5, 0.5), pt(0.5, 0.5), pt(1, 0), true},
		{"endpoint on the other's interior", pt(0, 0.5), pt(0.5, 0.5), pt(0.5, 0), pt(0.5, 1), true},
		{"parallel", pt(0, 0), pt(1, 0), pt(0, 0.1), pt(1, 0.1), false},
		{"collinear overlapping", pt(0, 0.5), pt(0.6, 0.5), pt(0.4, 0.5), pt(1, 0.5), true},
		{"collinear apart", pt(0, 0.5), pt(0.3, 0.5), pt(0.4, 0.5), pt(1, 0.5), false},
		{"collinear end to end", pt(0, 0.5), pt(0.4, 0.5), pt(0.4, 0.5), pt(1, 0.5), true},
		{"would cross beyond the end", pt(0, 0), pt(1, 1), pt(0.8, 0), pt(0.9, 0.1), false},
		{"vertical and horizontal", pt(0.5, 0), pt(0.5, 1), pt(0, 0.5), pt(1, 0.5), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, segmentsIntersect(tc.p1, tc.p2, tc.q1, tc.q2))
			require.Equal(t, tc.want, segmentsIntersect(tc.q1, tc.q2, tc.p1, tc.p2), "symmetric")
			require.Equal(t, tc.want, segmentsIntersect(tc.p2, tc.p1, tc.q2, tc.q1), "reversed")
		})
	}
}

// TestCrosserPaths feeds foot-point paths and lists the crossings they fire.
func TestCrosserPaths(t *testing.T) {
	horiz := [2]Point{pt(0.2, 0.6), pt(0.8, 0.6)}
	vert := [2]Point{pt(0.5, 0.1), pt(0.5, 0.9)}
	diag := [2]Point{pt(0.1, 0.1), pt(0.7, 0.3)}
	ab, ba := DirectionAToB, DirectionBToA
	cases := []struct {
		name string
		line [2]Point
		path []Point
		want []Direction
		band float64
	}{
		{"downwards through the middle", horiz, []Point{pt(0.5, 0.4), pt(0.5, 0.5), pt(0.5, 0.7)}, []Direction{ab}, 0},
		{"upwards through the middle", horiz, []Point{pt(0.5, 0.9), pt(0.5, 0.3)}, []Direction{ba}, 0},
		{"jumps across between two frames", horiz, []Point{pt(0.3, 0.1), pt(0.7, 0.95)}, []Direction{ab}, 0},
		{"diagonal jump across", horiz, []Point{pt(0.1, 0.3), pt(0.9, 0.9)}, []Direction{ab}, 0},
		{"jump passes beyond the end", horiz, []Point{pt(0.85, 0.5), pt(0.95, 0.7)}, nil, 0},
		{"jump passes exactly through an endpoint", horiz, []Point{pt(0.7, 0.5), pt(0.9, 0.7)}, []Direction{ab}, 0},
		{"stands on the line then continues: fires once", horiz, []Point{pt(0.5, 0.5), pt(0.5, 0.6), pt(0.5, 0.6), pt(0.5, 0.7), pt(0.5, 0.8)}, []Direction{ab}, 0},
		{"stops on the line and goes back", horiz, []Point{pt(0.5, 0.5), pt(0.5, 0.6), pt(0.5, 0.5)}, nil, 0},
		{"stands on an endpoint then crosses", horiz, []Point{pt(0.2, 0.5), pt(0.2, 0.6), pt(0.2, 0.7)}, []Direction{ab}, 0},
		{"on the extension of the line then to the other side", horiz, []Point{pt(0.1, 0.5), pt(0.1, 0.6), pt(0.1, 0.7)}, nil, 0},
		{"walks along the line", horiz, []Point{pt(0.1, 0.6), pt(0.3, 0.6), pt(0.6, 0.6), pt(0.9, 0.6)}, nil, 0},
		{"walks along the line and leaves", horiz, []Point{pt(0.5, 0.5), pt(0.5, 0.6), pt(0.7, 0.6), pt(0.7, 0.7)}, []Direction{ab}, 0},
		{"starts on the line", horiz, []Point{pt(0.5, 0.6), pt(0.5, 0.7), pt(0.5, 0.8)}, nil, 0},
		{"parallel walker", horiz, []Point{pt(0.1, 0.55), pt(0.5, 0.55), pt(0.9, 0.55)}, nil, 0},
		{"back and forth", horiz, []Point{pt(0.5, 0.5), pt(0.5, 0.7), pt(0.5, 0.5), pt(0.5, 0.7)}, []Direction{ab, ba, ab}, 0},
		{"vertical line, rightwards is b_to_a", vert, []Point{pt(0.3, 0.5), pt(0.7, 0.5)}, []Direction{ba}, 0},
		{"vertical line, leftwards is a_to_b", vert, []Point{pt(0.7, 0.5), pt(0.4, 0.52)}, []Direction{ab}, 0},
		{"vertical line, below its end", vert, []Point{pt(0.3, 0.95), pt(0.7, 0.95)}, nil, 0},
		{"diagonal line, through an interior point exactly", diag, []Point{pt(0.4, 0.1), pt(0.4, 0.2), pt(0.4, 0.3)}, []Direction{ab}, 0},
		{"first point alone fires nothing", horiz, []Point{pt(0.5, 0.7)}, nil, 0},
		{"jitter around the line inside the band", horiz, []Point{pt(0.5, 0.5), pt(0.5, 0.59), pt(0.5, 0.61), pt(0.5, 0.595), pt(0.5, 0.605), pt(0.5, 0.5)}, nil, 0.02},
		{"walks through the band: one crossing, on leaving it", horiz, []Point{pt(0.5, 0.5), pt(0.5, 0.59), pt(0.5, 0.61), pt(0.5, 0.59), pt(0.5, 0.65)}, []Direction{ab}, 0.02},
		{"jumps over the band between frames", horiz, []Point{pt(0.5, 0.3), pt(0.5, 0.9)}, []Direction{ab}, 0.02},
		{"parallel walker wobbling inside the band", horiz, []Point{pt(0.1, 0.55), pt(0.2, 0.59), pt(0.3, 0.61), pt(0.4, 0.59), pt(0.5, 0.615), pt(0.6, 0.55)}, nil, 0.02},
		{"passes the band beyond the segment's end", horiz, []Point{pt(0.95, 0.5), pt(0.95, 0.6), pt(0.95, 0.7)}, nil, 0.02},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c crosser
			var got []Direction
			for _, p := range tc.path {
				if d, _, ok := c.step(tc.line[0], tc.line[1], p, tc.band, time.Time{}); ok {
					got = append(got, d)
				}
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestPointInPolygon(t *testing.T) {
	square := []Point{pt(0.2, 0.2), pt(0.6, 0.2), pt(0.6, 0.6), pt(0.2, 0.6)}
	concave := []Point{pt(0.1, 0.1), pt(0.9, 0.1), pt(0.9, 0.9), pt(0.5, 0.4), pt(0.1, 0.9)} // notch from below
	cases := []struct {
		name string
		poly []Point
		p    Point
		want bool
	}{
		{"centre", square, pt(0.4, 0.4), true},
		{"outside", square, pt(0.7, 0.4), false},
		{"on an edge", square, pt(0.6, 0.4), true},
		{"on a vertex", square, pt(0.2, 0.2), true},
		{"level with a vertex, outside", square, pt(0.1, 0.2), false},
		{"concave: in the notch", concave, pt(0.5, 0.7), false},
		{"concave: in an arm", concave, pt(0.2, 0.7), true},
		{"concave: level with the notch tip", concave, pt(0.3, 0.4), true},
		{"degenerate polygon", square[:2], pt(0.4, 0.2), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, pointInPolygon(tc.p, tc.poly))
		})
	}
}
