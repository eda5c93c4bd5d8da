package geom

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCross(t *testing.T) {
	horiz := [2]Point{{0, 0.6}, {1, 0.6}}
	vert := [2]Point{{0.45, 0}, {0.45, 1}}
	cases := []struct {
		name    string
		line    [2]Point
		p0, p1  Point
		crossed bool
		u       float64
		dir     Direction
	}{
		{"downwards is a_to_b", horiz, Point{0.5, 0.5}, Point{0.5, 0.7}, true, 0.5, AToB},
		{"upwards is b_to_a", horiz, Point{0.5, 0.7}, Point{0.5, 0.5}, true, 0.5, BToA},
		{"parallel", horiz, Point{0.1, 0.5}, Point{0.9, 0.5}, false, 0, ""},
		{"beyond the segment end", horiz, Point{1.2, 0.5}, Point{1.2, 0.7}, false, 0, ""},
		{"steps onto the line from A", horiz, Point{0.5, 0.5}, Point{0.5, 0.6}, true, 1, AToB},
		{"leaves the line into B", horiz, Point{0.5, 0.6}, Point{0.5, 0.7}, false, 0, ""},
		{"leaves the line into A", horiz, Point{0.5, 0.6}, Point{0.5, 0.5}, true, 0, BToA},
		{"right to left over a downward line is a_to_b", vert, Point{0.6, 0.5}, Point{0.3, 0.5}, true, 0.5, AToB},
		{"left to right over a downward line is b_to_a", vert, Point{0.35, 0.5}, Point{0.55, 0.5}, true, 0.5, BToA},
		{"interpolated fraction", horiz, Point{0.5, 0.55}, Point{0.5, 0.75}, true, 0.25, AToB},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			crossed, u, dir := Cross(c.line[0], c.line[1], c.p0, c.p1)
			require.Equal(t, c.crossed, crossed)
			require.InDelta(t, c.u, u, 1e-12)
			require.Equal(t, c.dir, dir)
		})
	}
}

func TestInPolygon(t *testing.T) {
	sq := []Point{{0.1, 0.1}, {0.5, 0.1}, {0.5, 0.5}, {0.1, 0.5}}
	cases := []struct {
		name string
		p    Point
		in   bool
	}{
		{"centre", Point{0.3, 0.3}, true},
		{"left of", Point{0.05, 0.3}, false},
		{"below", Point{0.3, 0.6}, false},
		{"near corner inside", Point{0.49, 0.49}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.in, InPolygon(sq, c.p))
		})
	}
}

func TestDistToSegment(t *testing.T) {
	require.InDelta(t, 0.1, DistToSegment(Point{0, 0}, Point{1, 0}, Point{0.5, 0.1}), 1e-12)
	require.InDelta(t, 0.5, DistToSegment(Point{0, 0}, Point{1, 0}, Point{1.3, 0.4}), 1e-12)
}
