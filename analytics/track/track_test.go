package track_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/track"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const fps5 = 200 * time.Millisecond

// walker is a scripted object: its true box at frame i, and whether the
// detector sees it then.
type walker struct {
	class   string
	box     func(i int) analytics.Box
	visible func(i int) bool
}

// straight returns a box of size w×h whose centre moves from (x0,y0) by
// (dx,dy) per frame.
func straight(x0, y0, dx, dy, w, h float64) func(int) analytics.Box {
	return func(i int) analytics.Box {
		cx, cy := x0+dx*float64(i), y0+dy*float64(i)
		return analytics.Box{X1: cx - w/2, Y1: cy - h/2, X2: cx + w/2, Y2: cy + h/2}
	}
}

func always(int) bool { return true }

func hiddenAt(frames ...int) func(int) bool {
	return func(i int) bool {
		for _, f := range frames {
			if f == i {
				return false
			}
		}
		return true
	}
}

// jitter shifts a box by up to amp (deterministic per frame and seed).
func jitter(b analytics.Box, rng *rand.Rand, amp float64) analytics.Box {
	dx, dy := (rng.Float64()*2-1)*amp, (rng.Float64()*2-1)*amp
	return analytics.Box{X1: b.X1 + dx, Y1: b.Y1 + dy, X2: b.X2 + dx, Y2: b.Y2 + dy}
}

// run feeds frames 0..n-1 taken at times(i) and returns, per walker, the ids of
// the reported tracks that followed it (the reported track nearest to its true
// foot, among those matched in that frame), from the frame after its first
// sighting on. It also returns every id ever reported.
func run(t *testing.T, tr *track.Tracker, walkers []walker, n int, times func(int) time.Time, amp float64) ([]map[uint64]int, map[uint64]bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]map[uint64]int, len(walkers))
	seen := make([]int, len(walkers))
	all := map[uint64]bool{}
	for w := range walkers {
		ids[w] = map[uint64]int{}
	}
	for i := range n {
		var dets []analytics.Detection
		for _, w := range walkers {
			if w.visible(i) {
				dets = append(dets, analytics.Detection{Class: w.class, Score: 0.8, Box: jitter(w.box(i), rng, amp)})
			}
		}
		tracks := tr.Update(times(i), dets)
		for _, tk := range tracks {
			all[tk.ID] = true
			require.True(t, tk.Confirmed)
		}
		for wi, w := range walkers {
			if !w.visible(i) {
				continue
			}
			seen[wi]++
			if seen[wi] < 2 {
				continue
			}
			fx, fy := w.box(i).Foot()
			if ambiguous(walkers, wi, i) {
				continue
			}
			best, bestD := uint64(0), math.Inf(1)
			for _, tk := range tracks {
				if tk.Lost {
					continue
				}
				if d := math.Hypot(tk.Foot.X-fx, tk.Foot.Y-fy); d < bestD {
					best, bestD = tk.ID, d
				}
			}
			require.NotZero(t, best, "frame %d: no track for walker %d", i, wi)
			ids[wi][best]++
		}
	}
	return ids, all
}

// ambiguous reports whether walker wi stands within 0.05 of another visible
// walker in frame i (less than a box width), where the nearest track cannot
// tell them apart.
func ambiguous(walkers []walker, wi, i int) bool {
	fx, fy := walkers[wi].box(i).Foot()
	for j, o := range walkers {
		if j == wi || !o.visible(i) {
			continue
		}
		ox, oy := o.box(i).Foot()
		if math.Hypot(fx-ox, fy-oy) < 0.05 {
			return true
		}
	}
	return false
}

func every(d time.Duration) func(int) time.Time {
	return func(i int) time.Time { return t0.Add(time.Duration(i) * d) }
}

func requireOneIDEach(t *testing.T, ids []map[uint64]int) {
	t.Helper()
	used := map[uint64]int{}
	for w, m := range ids {
		require.Len(t, m, 1, "walker %d was followed by tracks %v", w, m)
		for id := range m {
			prev, dup := used[id]
			require.False(t, dup, "walkers %d and %d share track %d", prev, w, id)
			used[id] = w
		}
	}
}

func TestTrackScenarios(t *testing.T) {
	cases := []struct {
		name    string
		walkers []walker
		frames  int
		times   func(int) time.Time
		jitter  float64
	}{
		{
			name:    "straight walker at 5 fps",
			walkers: []walker{{"person", straight(0.1, 0.2, 0.02, 0.015, 0.06, 0.18), always}},
			frames:  40, times: every(fps5), jitter: 0.004,
		},
		{
			name: "two walkers crossing, both seen",
			walkers: []walker{
				{"person", straight(0.1, 0.50, 0.04, 0, 0.06, 0.18), always},
				{"person", straight(0.9, 0.53, -0.04, 0, 0.06, 0.18), always},
			},
			frames: 20, times: every(fps5), jitter: 0.003,
		},
		{
			name: "two walkers crossing, the far one hidden while they overlap",
			walkers: []walker{
				{"person", straight(0.1, 0.50, 0.04, 0, 0.06, 0.18), always},
				{"person", straight(0.9, 0.53, -0.04, 0, 0.06, 0.18), hiddenAt(9, 10, 11)},
			},
			frames: 20, times: every(fps5), jitter: 0.003,
		},
		{
			name: "two walkers crossing diagonally",
			walkers: []walker{
				{"person", straight(0.1, 0.3, 0.04, 0.02, 0.06, 0.18), always},
				{"person", straight(0.9, 0.3, -0.04, 0.02, 0.06, 0.18), always},
			},
			frames: 20, times: every(fps5), jitter: 0.003,
		},
		{
			name:    "walker occluded for 3 frames",
			walkers: []walker{{"person", straight(0.1, 0.4, 0.03, 0, 0.06, 0.18), hiddenAt(10, 11, 12)}},
			frames:  25, times: every(fps5), jitter: 0.003,
		},
		{
			name:    "fast walker moves 1.6 widths per frame",
			walkers: []walker{{"person", straight(0.05, 0.5, 0.08, 0.005, 0.05, 0.15), always}},
			frames:  12, times: every(fps5), jitter: 0.003,
		},
		{
			name:    "car at 2 fps",
			walkers: []walker{{"car", straight(0.1, 0.7, 0.07, -0.01, 0.2, 0.1), always}},
			frames:  12, times: every(500 * time.Millisecond), jitter: 0.005,
		},
		{
			name:    "irregular frame intervals",
			walkers: []walker{{"person", timed(irregularTimes, 0.1, 0.2, 0.08, 0.05, 0.06, 0.18), always}},
			frames:  50, times: irregularTimes, jitter: 0.003,
		},
		{
			name: "three abreast",
			walkers: []walker{
				{"person", straight(0.1, 0.3, 0.03, 0, 0.05, 0.15), always},
				{"person", straight(0.1, 0.36, 0.03, 0, 0.05, 0.15), always},
				{"person", straight(0.1, 0.42, 0.03, 0, 0.05, 0.15), always},
			},
			frames: 25, times: every(fps5), jitter: 0.003,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, _ := run(t, track.New(track.Config{}), tc.walkers, tc.frames, tc.times, tc.jitter)
			requireOneIDEach(t, ids)
		})
	}
}

// irregularTimes gives frame times with gaps between 40 and 360 ms.
var irregularTimes = func() func(int) time.Time {
	rng := rand.New(rand.NewPCG(7, 7))
	ts := []time.Time{t0}
	for range 200 {
		gap := time.Duration(40+rng.IntN(320)) * time.Millisecond
		ts = append(ts, ts[len(ts)-1].Add(gap))
	}
	return func(i int) time.Time { return ts[i] }
}()

// timed is like straight but moves at (vx, vy) per second of frame time.
func timed(times func(int) time.Time, x0, y0, vx, vy, w, h float64) func(int) analytics.Box {
	return func(i int) analytics.Box {
		s := times(i).Sub(t0).Seconds()
		return straight(x0+vx*s, y0+vy*s, 0, 0, w, h)(0)
	}
}

// TestFastWalkerPremise checks that the fast walker scenario really has no
// overlap between consecutive boxes.
func TestFastWalkerPremise(t *testing.T) {
	fast := straight(0.05, 0.5, 0.08, 0.005, 0.05, 0.15)
	for i := range 11 {
		require.Zero(t, fast(i).IoU(fast(i+1)))
	}
}

func TestOccludedTrackCoastsWithSameID(t *testing.T) {
	tr := track.New(track.Config{})
	box := straight(0.1, 0.4, 0.03, 0, 0.06, 0.18)
	var id uint64
	for i := range 20 {
		var dets []analytics.Detection
		hidden := i >= 8 && i <= 10
		if !hidden {
			dets = []analytics.Detection{{Class: "person", Score: 0.9, Box: box(i)}}
		}
		got := tr.Update(t0.Add(time.Duration(i)*fps5), dets)
		if i == 0 {
			require.Empty(t, got, "a track is tentative on its first frame")
			continue
		}
		require.Len(t, got, 1, "frame %d", i)
		if id == 0 {
			id = got[0].ID
		}
		require.Equal(t, id, got[0].ID, "frame %d", i)
		require.Equal(t, hidden, got[0].Lost, "frame %d", i)
		if hidden {
			// A coasting track stays where it was last seen.
			require.InDelta(t, box(7).X2, got[0].Box.X2, 0.01)
		}
	}
}

func TestCoastExpires(t *testing.T) {
	tr := track.New(track.Config{MaxCoast: 500 * time.Millisecond})
	det := []analytics.Detection{{Class: "person", Score: 0.9, Box: analytics.Box{X1: 0.4, Y1: 0.4, X2: 0.46, Y2: 0.58}}}
	tr.Update(t0, det)
	got := tr.Update(t0.Add(fps5), det)
	require.Len(t, got, 1)
	id := got[0].ID
	require.Len(t, tr.Update(t0.Add(3*fps5), nil), 1, "400 ms without detection: still coasting")
	require.Empty(t, tr.Update(t0.Add(4*fps5), nil), "600 ms without detection: gone")
	tr.Update(t0.Add(5*fps5), det)
	got = tr.Update(t0.Add(6*fps5), det)
	require.Len(t, got, 1)
	require.Greater(t, got[0].ID, id, "a reappearing object after the coast time gets a new, larger id")
}

func TestNoiseBlipsNeverConfirm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tr := track.New(track.Config{})
	walk := straight(0.1, 0.5, 0.01, 0, 0.06, 0.18)
	var prev []analytics.Box
	var walkerIDs = map[uint64]bool{}
	for i := range 300 {
		// Single-frame false positives anywhere, of any size, none within two
		// box sizes of a false positive of the previous frame (that could be a
		// fast mover, not noise), none on the walker.
		var blips []analytics.Box
		for k := rng.IntN(4); len(blips) < k; {
			s := 0.02 + rng.Float64()*0.15
			b := analytics.Box{X1: rng.Float64() * 0.8, Y1: rng.Float64() * 0.8}
			b.X2, b.Y2 = b.X1+s, b.Y1+s*(0.5+rng.Float64())
			if farFromAll(b, prev, 2) && farFromAll(b, []analytics.Box{walk(i % 80)}, 2) {
				blips = append(blips, b)
			}
		}
		prev = blips
		dets := []analytics.Detection{{Class: "person", Score: 0.9, Box: walk(i % 80)}}
		for _, b := range blips {
			dets = append(dets, analytics.Detection{Class: "object", Score: 0.4, Box: b})
		}
		for _, tk := range tr.Update(t0.Add(time.Duration(i)*fps5), dets) {
			require.Equal(t, "person", tk.Class, "frame %d: noise confirmed as track %d", i, tk.ID)
			walkerIDs[tk.ID] = true
		}
	}
	// The walker restarts at the left every 80 frames (a teleport): up to 4 ids.
	require.LessOrEqual(t, len(walkerIDs), 4)
}

// farFromAll reports whether b's centre is more than k box sizes (the larger
// mean side of the two boxes) from the centre of every box in others.
func farFromAll(b analytics.Box, others []analytics.Box, k float64) bool {
	for _, o := range others {
		size := max(b.W()+b.H(), o.W()+o.H()) / 2
		dx := (b.X1 + b.X2 - o.X1 - o.X2) / 2
		dy := (b.Y1 + b.Y2 - o.Y1 - o.Y2) / 2
		if math.Hypot(dx, dy) < k*size {
			return false
		}
	}
	return true
}

func TestClassMajority(t *testing.T) {
	tr := track.New(track.Config{})
	box := straight(0.2, 0.5, 0.01, 0, 0.2, 0.1)
	classes := []string{"car", "truck", "car", "car", "truck", "car"}
	var got []track.Track
	for i, c := range classes {
		score := 0.6
		if c == "truck" {
			score = 0.9 // confident but in the minority
		}
		got = tr.Update(t0.Add(time.Duration(i)*fps5), []analytics.Detection{{Class: c, Score: score, Box: box(i)}})
	}
	require.Len(t, got, 1)
	require.Equal(t, "car", got[0].Class)
	require.Equal(t, 6, got[0].Hits)
	require.Equal(t, 5*fps5, got[0].Age)
	require.InDelta(t, 0.05, got[0].Velocity.X, 0.01)
}

func TestReportTentativeAndMinHits(t *testing.T) {
	det := []analytics.Detection{{Class: "person", Score: 0.9, Box: analytics.Box{X1: 0.4, Y1: 0.4, X2: 0.46, Y2: 0.58}}}

	tr := track.New(track.Config{ReportTentative: true, MinHits: 3})
	for i, confirmed := range []bool{false, false, true, true} {
		got := tr.Update(t0.Add(time.Duration(i)*fps5), det)
		require.Len(t, got, 1)
		require.Equal(t, confirmed, got[0].Confirmed, "frame %d", i)
		require.Equal(t, uint64(1), got[0].ID)
	}

	tr = track.New(track.Config{MinHits: 1})
	require.Len(t, tr.Update(t0, det), 1, "MinHits 1 confirms on the first frame")
}

func TestInvalidDetectionsIgnored(t *testing.T) {
	tr := track.New(track.Config{MinHits: 1})
	nan := math.NaN()
	got := tr.Update(t0, []analytics.Detection{
		{Class: "person", Score: 1, Box: analytics.Box{X1: nan, Y1: 0, X2: 1, Y2: 1}},
		{Class: "person", Score: 1, Box: analytics.Box{X1: 0.5, Y1: 0.5, X2: 0.5, Y2: 0.7}},
		{Class: "person", Score: 1, Box: analytics.Box{X1: 0, Y1: 0, X2: math.Inf(1), Y2: 1}},
	})
	require.Empty(t, got)
}

func TestTimeGoingBackwards(t *testing.T) {
	tr := track.New(track.Config{})
	det := []analytics.Detection{{Class: "person", Score: 0.9, Box: analytics.Box{X1: 0.4, Y1: 0.4, X2: 0.46, Y2: 0.58}}}
	tr.Update(t0, det)
	tr.Update(t0.Add(fps5), det)
	got := tr.Update(t0, det) // a step back counts as no time passing
	require.Len(t, got, 1)
	require.Equal(t, uint64(1), got[0].ID)
}

// BenchmarkUpdate30 tracks 30 objects moving in a crowd at 5 fps, with a few
// of them missed in each frame.
func BenchmarkUpdate30(b *testing.B) {
	const n = 30
	rng := rand.New(rand.NewPCG(5, 6))
	type obj struct{ x, y, vx, vy float64 }
	objs := make([]obj, n)
	for i := range objs {
		objs[i] = obj{rng.Float64(), rng.Float64(), (rng.Float64() - 0.5) * 0.04, (rng.Float64() - 0.5) * 0.04}
	}
	frames := make([][]analytics.Detection, 500)
	for f := range frames {
		for i := range objs {
			o := &objs[i]
			o.x, o.y = bounce(o.x+o.vx, &o.vx), bounce(o.y+o.vy, &o.vy)
			if rng.IntN(10) == 0 {
				continue
			}
			frames[f] = append(frames[f], analytics.Detection{
				Class: "person", Score: 0.7,
				Box: analytics.Box{X1: o.x - 0.02, Y1: o.y - 0.06, X2: o.x + 0.02, Y2: o.y + 0.06},
			})
		}
	}
	tr := track.New(track.Config{})
	b.ReportAllocs()
	i, reported := 0, 0
	for b.Loop() {
		reported = len(tr.Update(t0.Add(time.Duration(i)*fps5), frames[i%len(frames)]))
		i++
	}
	b.ReportMetric(float64(reported), "tracks")
}

func bounce(p float64, v *float64) float64 {
	if p < 0 || p > 1 {
		*v = -*v
		return min(max(p, 0), 1)
	}
	return p
}

// TestCoastingTrackDoesNotJumpToAnotherPerson: a walker leaves the frame while a
// person standing far away (a different place, another body height up) starts to
// be detected. The walker's coasting track must not take over that person, or the
// rules would see one foot path between the two and a false tripwire crossing.
func TestCoastingTrackDoesNotJumpToAnotherPerson(t *testing.T) {
	tr := track.New(track.Config{})
	walker := straight(0.20, 0.54, -0.03, 0, 0.05, 0.24)
	var walkerID uint64
	for i := range 6 {
		got := tr.Update(t0.Add(time.Duration(i)*fps5), []analytics.Detection{{Class: "object", Score: 1, Box: walker(i)}})
		if i > 0 {
			require.Len(t, got, 1)
			walkerID = got[0].ID
		}
	}
	// The walker is hidden for 0.6 s; then a person is detected 0.4 higher and
	// behind where the walker came from.
	for i := 6; i < 9; i++ {
		tr.Update(t0.Add(time.Duration(i)*fps5), nil)
	}
	other := analytics.Box{X1: 0.23, Y1: 0.14, X2: 0.28, Y2: 0.38}
	for i := 9; i < 12; i++ {
		got := tr.Update(t0.Add(time.Duration(i)*fps5), []analytics.Detection{{Class: "object", Score: 1, Box: other}})
		for _, tk := range got {
			if tk.ID == walkerID {
				require.True(t, tk.Lost, "frame %d: the walker's track coasts", i)
				require.InDelta(t, walker(5).Y2, tk.Box.Y2, 0.01, "frame %d: and stays where it was", i)
			}
		}
	}
}
