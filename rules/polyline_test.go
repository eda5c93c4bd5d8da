package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/rules"
)

// walk runs one track along pts (one point per frame) through r and returns the events.
func walk(r rules.Rule, pts ...rules.Point) []rules.Event {
	e := rules.NewEvaluator("cam1", []rules.Rule{r})
	var evs []rules.Event
	for i, p := range pts {
		evs = append(evs, e.Update(rules.Observation{Time: t0.Add(time.Duration(i) * frame), Objects: []rules.Object{obj(1, "person", p.X, p.Y)}})...)
	}
	return evs
}

// TestPolylineTripwire: an L-shaped fence (0.2,0.3)→(0.5,0.3)→(0.5,0.8). Crossing
// a segment fires as a straight tripwire on that segment would, with the same
// direction; passing through the joint fires once; passing beyond the ends fires
// nothing.
func TestPolylineTripwire(t *testing.T) {
	l := tripwire(func(r *rules.Rule) {
		r.Line = [2]rules.Point{}
		r.Polyline = []rules.Point{p(0.2, 0.3), p(0.5, 0.3), p(0.5, 0.8)}
	})
	require.NoError(t, l.Validate())
	seg := func(a, b rules.Point) rules.Rule {
		return tripwire(func(r *rules.Rule) { r.Line = [2]rules.Point{a, b} })
	}
	down := []rules.Point{p(0.35, 0.1), p(0.35, 0.2), p(0.35, 0.4), p(0.35, 0.5)}
	right := []rules.Point{p(0.3, 0.6), p(0.4, 0.6), p(0.6, 0.6), p(0.7, 0.6)}
	for _, tc := range []struct {
		name     string
		path     []rules.Point
		straight rules.Rule // the single segment the walker crosses
	}{
		{"down across the first segment", down, seg(p(0.2, 0.3), p(0.5, 0.3))},
		{"right across the second segment", right, seg(p(0.5, 0.3), p(0.5, 0.8))},
		{"back up across the first", reverse(down), seg(p(0.2, 0.3), p(0.5, 0.3))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := walk(l, tc.path...)
			want := walk(tc.straight, tc.path...)
			require.Len(t, got, 1)
			require.Len(t, want, 1)
			require.Equal(t, want[0].Direction, got[0].Direction, "same side convention as a straight line")
			require.Equal(t, want[0].Time, got[0].Time)
		})
	}
	through := walk(l, p(0.35, 0.15), p(0.45, 0.25), p(0.55, 0.35), p(0.65, 0.45))
	require.Len(t, through, 1, "through the joint: one crossing, not one per segment")
	beyond := walk(l, p(0.7, 0.1), p(0.7, 0.2), p(0.7, 0.4), p(0.7, 0.5))
	require.Empty(t, beyond, "past the end of the first segment, where the fence turns away")
}

func reverse(ps []rules.Point) []rules.Point {
	out := make([]rules.Point, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

func TestPolylineValidate(t *testing.T) {
	poly := func(pts ...rules.Point) rules.Rule {
		return tripwire(func(r *rules.Rule) { r.Line, r.Polyline = [2]rules.Point{}, pts })
	}
	for _, tc := range []struct {
		name string
		r    rules.Rule
		want string
	}{
		{"both line and polyline", tripwire(func(r *rules.Rule) { r.Polyline = []rules.Point{p(0, 0), p(1, 1)} }), "polyline: give line or polyline, not both"},
		{"one point", poly(p(0.1, 0.1)), "polyline: want at least 2 points, got 1"},
		{"repeated point", poly(p(0.1, 0.1), p(0.5, 0.5), p(0.5, 0.5)), "polyline[2]: same point as the one before it (a zero-length segment)"},
		{"outside the image", poly(p(0.1, 0.1), p(1.5, 0.5)), "polyline[1]: [1.5, 0.5] is outside the image: coordinates are 0–1"},
		{"self-intersecting", poly(p(0.1, 0.1), p(0.9, 0.9), p(0.9, 0.1), p(0.1, 0.9)), "polyline: self-intersecting: segments 0 and 2 cross"},
		{"on an intrusion", zone(func(r *rules.Rule) { r.Polyline = []rules.Point{p(0, 0), p(1, 1)} }), "polyline: not used by intrusion rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.EqualError(t, tc.r.Validate(), tc.want)
		})
	}
}

// TestPolylineEditForgetsSides: moving a polyline on reload forgets which side
// each track was on, as moving a line does.
func TestPolylineEditForgetsSides(t *testing.T) {
	l := tripwire(func(r *rules.Rule) {
		r.Line, r.Polyline = [2]rules.Point{}, []rules.Point{p(0.2, 0.3), p(0.5, 0.3), p(0.5, 0.8)}
	})
	e := rules.NewEvaluator("cam1", []rules.Rule{l})
	e.Update(rules.Observation{Time: t0, Objects: []rules.Object{obj(1, "person", 0.35, 0.1)}})
	moved := l
	moved.Polyline = []rules.Point{p(0.2, 0.5), p(0.5, 0.5), p(0.5, 0.8)}
	require.Empty(t, e.SetRules([]rules.Rule{moved}))
	// Now below the old line but above the new one: no crossing of the old line is invented.
	require.Empty(t, e.Update(rules.Observation{Time: t0.Add(frame), Objects: []rules.Object{obj(1, "person", 0.35, 0.4)}}))
	evs := e.Update(rules.Observation{Time: t0.Add(2 * frame), Objects: []rules.Object{obj(1, "person", 0.35, 0.6)}})
	require.Len(t, evs, 1, "the new polyline's crossing fires")
}
