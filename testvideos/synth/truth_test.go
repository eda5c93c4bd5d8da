package synth

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/testvideos/internal/geom"
)

// truthOf computes a built-in scene's truth without rendering.
func truthOf(t *testing.T, name string) (*plan, *Truth) {
	t.Helper()
	s, err := Builtin(name)
	require.NoError(t, err)
	p, err := newPlan(s)
	require.NoError(t, err)
	tr, err := ComputeTruth(s)
	require.NoError(t, err)
	require.Equal(t, p.truth(), tr)
	return p, tr
}

// analyticCrossings intersects each moving leg of each track with each line in
// continuous time, ignoring frames.
func analyticCrossings(r *plan) []Crossing {
	var out []Crossing
	for _, l := range r.scene.Lines {
		for _, tr := range r.tracks {
			for _, lg := range tr.legs {
				if !lg.moving {
					continue
				}
				if ok, u, dir := geom.Cross(l.A, l.B, lg.p0, lg.p1); ok {
					out = append(out, Crossing{Line: l.Name, ID: tr.actor.ID, T: lg.t0 + u*(lg.t1-lg.t0), Direction: dir})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Crossing) int { return cmp.Compare(a.T, b.T) })
	return out
}

// TestTruthConsistency checks, for every built-in scene, that the truth's events follow
// from its own per-frame foot points and agree with the scene's continuous paths.
func TestTruthConsistency(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			r, tr := truthOf(t, name)
			require.Len(t, tr.PerFrame, tr.Frames)

			// Crossings recomputed from the rounded per-frame foot points.
			var again []Crossing
			for _, l := range tr.Lines {
				for _, o := range tr.Objects {
					var prev Point
					ok := false
					for _, f := range tr.PerFrame {
						st, here := find(f, o.ID)
						if here && ok {
							if hit, u, dir := geom.Cross(l.A, l.B, prev, st.Foot); hit {
								again = append(again, Crossing{Line: l.Name, ID: o.ID, Class: o.Class, Frame: f.Index,
									T: (float64(f.Index-1) + u) / float64(tr.FPS), Direction: dir})
							}
						}
						prev, ok = st.Foot, here
					}
				}
			}
			slices.SortFunc(again, func(a, b Crossing) int { return cmp.Compare(a.T, b.T) })
			require.Len(t, again, len(tr.Crossings))
			for i, c := range tr.Crossings {
				require.Equal(t, [4]any{c.Line, c.ID, c.Frame, c.Direction}, [4]any{again[i].Line, again[i].ID, again[i].Frame, again[i].Direction})
				require.InDelta(t, c.T, again[i].T, 1e-5)
			}

			// The same crossings, in continuous time.
			an := analyticCrossings(r)
			require.Len(t, an, len(tr.Crossings))
			for i, c := range tr.Crossings {
				require.Equal(t, [3]any{an[i].Line, an[i].ID, an[i].Direction}, [3]any{c.Line, c.ID, c.Direction})
				require.InDelta(t, an[i].T, c.T, 1.0/float64(tr.FPS))
				require.Equal(t, int(math.Floor(an[i].T*float64(tr.FPS)))+1, c.Frame, "crossing %d lands between the right frames", i)
			}

			// Intrusions and counts from the per-frame foot points.
			for _, reg := range tr.Regions {
				counts := make([]int, tr.Frames)
				for _, f := range tr.PerFrame {
					for _, o := range f.Objects {
						if geom.InPolygon(reg.Polygon, o.Foot) {
							if o.Class == ClassPerson {
								counts[f.Index]++
							}
							require.True(t, inIntrusion(tr, reg.Name, o.ID, f.Index), "frame %d id %d", f.Index, o.ID)
						}
					}
				}
				require.Equal(t, counts, tr.PersonCounts[reg.Name])
			}
			for _, c := range tr.Crowds {
				for f := c.FirstFrame; f <= c.LastFrame; f++ {
					require.GreaterOrEqual(t, tr.PersonCounts[c.Region][f], c.MinCount)
				}
			}
		})
	}
}

func find(f FrameTruth, id int) (ObjectState, bool) {
	for _, o := range f.Objects {
		if o.ID == id {
			return o, true
		}
	}
	return ObjectState{}, false
}

func inIntrusion(tr *Truth, region string, id, frame int) bool {
	for _, in := range tr.Intrusions {
		if in.Region == region && in.ID == id && in.FirstFrame <= frame && frame <= in.LastFrame {
			return true
		}
	}
	return false
}

// TestTripwireBasic pins the events the end-to-end test relies on and checks the scene
// stays easy for a detector and tracker: people never overlap and never stand near the
// zone's edges.
func TestTripwireBasic(t *testing.T) {
	_, tr := truthOf(t, SceneTripwireBasic)
	require.Equal(t, 200, tr.Frames)
	type ev struct {
		id  int
		dir Direction
	}
	var got []ev
	for _, c := range tr.Crossings {
		got = append(got, ev{c.ID, c.Direction})
	}
	require.Equal(t, []ev{{1, AToB}, {3, BToA}, {6, AToB}, {7, BToA}}, got)
	for i, want := range []float64{3.33, 8.47, 12.85, 16.98} {
		require.InDelta(t, want, tr.Crossings[i].T, 0.1)
	}

	require.Len(t, tr.Intrusions, 2)
	dur := func(in Intrusion) float64 { return in.LastT - in.FirstT }
	require.Equal(t, 2, tr.Intrusions[0].ID)
	require.Less(t, dur(tr.Intrusions[0]), 1.7, "the passer-by is inside briefly")
	require.Equal(t, 5, tr.Intrusions[1].ID)
	require.Greater(t, dur(tr.Intrusions[1]), 6.0, "the lingerer stays more than 3 s")

	zone := tr.Regions[0].Polygon
	for _, f := range tr.PerFrame {
		for i, a := range f.Objects {
			for _, b := range f.Objects[i+1:] {
				require.False(t, overlap(a.Box, b.Box, 0.02), "frame %d: ids %d and %d too close", f.Index, a.ID, b.ID)
			}
			for k := range zone {
				d := geom.DistToSegment(zone[k], zone[(k+1)%len(zone)], a.Foot)
				require.Greater(t, d, 0.005, "frame %d: id %d's foot sits on the zone edge", f.Index, a.ID)
			}
		}
	}

	// The fast walker jumps more than its own width between frames analysed at 5 fps.
	var xs, ys []float64
	width := 0.0
	for _, f := range tr.PerFrame {
		if o, ok := find(f, 6); ok && o.Visible == 1 && f.Index%2 == 0 {
			xs, ys = append(xs, o.Foot.X*640), append(ys, o.Foot.Y*360)
			width = (o.Box.X2 - o.Box.X1) * 640
		}
	}
	require.GreaterOrEqual(t, len(xs), 3)
	for i := 1; i < len(xs); i++ {
		require.Greater(t, math.Hypot(xs[i]-xs[i-1], ys[i]-ys[i-1]), 1.5*width)
	}

	// The parallel walker's box covers the line while its feet stay below it.
	covered := false
	for _, f := range tr.PerFrame {
		if o, ok := find(f, 4); ok {
			require.Greater(t, o.Foot.Y, 0.7)
			covered = covered || (o.Box.Y1 < 0.6 && o.Box.Y2 > 0.6)
		}
	}
	require.True(t, covered)
}

func overlap(a, b Box, margin float64) bool {
	return a.X1 < b.X2+margin && b.X1 < a.X2+margin && a.Y1 < b.Y2+margin && b.Y1 < a.Y2+margin
}

func TestCrowd(t *testing.T) {
	_, tr := truthOf(t, SceneCrowd)
	require.Len(t, tr.Crowds, 1)
	c := tr.Crowds[0]
	require.Equal(t, 5, c.MaxCount)
	require.GreaterOrEqual(t, c.LastT-c.FirstT, 10.0)
	require.Less(t, c.LastT-c.FirstT, 13.0)
	for _, in := range tr.Intrusions {
		require.NotEqual(t, 10, in.ID, "the passer-by stays outside the square")
	}
}

func TestCheckpoint(t *testing.T) {
	_, tr := truthOf(t, SceneCheckpoint)
	require.Len(t, tr.Plates, 4)
	require.Equal(t, "粤D·12345", tr.Plates[0].Text)
	require.Equal(t, "yellow", tr.Plates[2].Color)
	for _, p := range tr.Plates {
		require.Len(t, p.PlateFrames, 1)
		require.Len(t, p.VehicleFrames, 1)
		require.GreaterOrEqual(t, p.Frames, 40)
		require.Less(t, p.VehicleFrames[0][0], p.PlateFrames[0][0])
		require.Greater(t, p.VehicleFrames[0][1], p.PlateFrames[0][1])
		for f := p.PlateFrames[0][0]; f <= p.PlateFrames[0][1]; f++ {
			o, ok := find(tr.PerFrame[f], p.ID)
			require.True(t, ok)
			require.NotNil(t, o.PlateBox)
			pb := *o.PlateBox
			require.True(t, pb.X1 >= o.Box.X1 && pb.X2 <= o.Box.X2 && pb.Y1 >= o.Box.Y1 && pb.Y2 <= o.Box.Y2, "frame %d: plate %+v outside car %+v", f, pb, o.Box)
			require.InDelta(t, 440.0/140, (pb.X2-pb.X1)*1280/((pb.Y2-pb.Y1)*720), 0.1)
		}
	}
	require.Len(t, tr.Crossings, 4)
	for _, c := range tr.Crossings {
		require.Equal(t, AToB, c.Direction)
		require.Equal(t, ClassCar, c.Class)
	}
}

// TestCheckpointAll pins the truth of the every-kind checkpoint clip: one vehicle per
// GA 36 kind and colour, each plate fully visible for about 3 s at 112-160 px wide,
// never two plates at once, one a_to_b gate crossing each.
func TestCheckpointAll(t *testing.T) {
	_, tr := truthOf(t, SceneCheckpointAll)
	require.Equal(t, [4]int{520, 1280, 720, 10}, [4]int{tr.Frames, tr.Width, tr.Height, tr.FPS})
	type pinned struct {
		text, color string
		rows        int
		plateFrames [2]int
	}
	want := []pinned{
		{"京A·F0236", "blue", 0, [2]int{9, 39}},
		{"冀B·52871", "yellow", 0, [2]int{45, 76}},
		{"鲁C·6Y337", "yellow", 2, [2]int{82, 111}},
		{"粤B·D12345", "green", 0, [2]int{117, 147}},
		{"沪A·12116D", "green", 0, [2]int{153, 184}},
		{"苏A·0417警", "white", 0, [2]int{189, 219}},
		{"浙A·3861学", "yellow", 0, [2]int{225, 255}},
		{"豫H·0526挂", "yellow", 2, [2]int{262, 291}},
		{"粤Z·F023港", "black", 0, [2]int{297, 327}},
		{"粤Z·1A07澳", "black", 0, [2]int{333, 363}},
		{"使014·578", "black", 0, [2]int{369, 399}},
		{"沪A·0032领", "black", 0, [2]int{405, 435}},
		{"VA·10568", "white", 0, [2]int{441, 471}},
		{"WJ川·16254", "white", 0, [2]int{477, 507}},
	}
	var got []pinned
	kinds := map[plate.Kind]bool{}
	for _, p := range tr.Plates {
		require.Len(t, p.PlateFrames, 1)
		got = append(got, pinned{p.Text, p.Color, p.Rows, p.PlateFrames[0]})
		pp := plate.Parse(p.Text)
		require.True(t, pp.Valid, "%s: %s", p.Text, pp.Reason)
		kinds[pp.Kind] = true
		require.GreaterOrEqual(t, p.Frames, 30)
		mmW, mmH := plateSizeMM(p.Text, p.Rows)
		for f := p.PlateFrames[0][0]; f <= p.PlateFrames[0][1]; f++ {
			o, ok := find(tr.PerFrame[f], p.ID)
			require.True(t, ok)
			require.NotNil(t, o.PlateBox)
			w, h := (o.PlateBox.X2-o.PlateBox.X1)*1280, (o.PlateBox.Y2-o.PlateBox.Y1)*720
			require.True(t, w >= 112 && w <= 160, "%s: plate %.0f px wide", p.Text, w)
			require.InDelta(t, mmW/mmH, w/h, 0.05, p.Text)
			for _, other := range tr.PerFrame[f].Objects {
				require.True(t, other.ID == p.ID || other.PlateBox == nil, "frame %d: plates %d and %d at once", f, p.ID, other.ID)
			}
		}
	}
	require.Equal(t, want, got)
	require.Len(t, kinds, 12, "every plate kind")
	require.Len(t, tr.Crossings, len(want))
	for i, c := range tr.Crossings {
		require.Equal(t, [3]any{i + 1, AToB, "gate"}, [3]any{c.ID, c.Direction, c.Line})
	}
}
