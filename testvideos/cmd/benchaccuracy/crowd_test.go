package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/testvideos/pets"
)

func TestBuildEpisodes(t *testing.T) {
	const end = 100.0
	msg := func(rule, id, action string, t float64, peak int) crowdMsg {
		return crowdMsg{Rule: rule, EventID: id, Action: action, T: t, Peak: peak}
	}
	cases := []struct {
		name string
		in   []crowdMsg
		want map[string][]episode
	}{
		{name: "none", in: nil, want: map[string][]episode{}},
		{
			name: "start, updates, end: the peak is the most any message says",
			in:   []crowdMsg{msg("r", "e1", "start", 3, 4), msg("r", "e1", "update", 5, 6), msg("r", "e1", "end", 9, 6)},
			want: map[string][]episode{"r": {{Start: 3, End: 9, Peak: 6}}},
		},
		{
			name: "no end: open, cut at the clip end",
			in:   []crowdMsg{msg("r", "e1", "start", 3, 4), msg("r", "e1", "update", 5, 5)},
			want: map[string][]episode{"r": {{Start: 3, End: end, Peak: 5, Open: true}}},
		},
		{
			name: "ended at the clip's last frame (analyze closes what is open): still open",
			in:   []crowdMsg{msg("r", "e1", "start", 3, 4), msg("r", "e1", "end", end-0.1, 4)},
			want: map[string][]episode{"r": {{Start: 3, End: end - 0.1, Peak: 4, Open: true}}},
		},
		{
			name: "two rules interleaved, two episodes each",
			in: []crowdMsg{
				msg("a", "a1", "start", 1, 2), msg("b", "b1", "start", 2, 3), msg("a", "a1", "end", 4, 2),
				msg("b", "b1", "end", 6, 3), msg("a", "a2", "start", 7, 2), msg("b", "b2", "start", 8, 4),
				msg("a", "a2", "end", 9, 3),
			},
			want: map[string][]episode{
				"a": {{Start: 1, End: 4, Peak: 2}, {Start: 7, End: 9, Peak: 3}},
				"b": {{Start: 2, End: 6, Peak: 3}, {Start: 8, End: end, Peak: 4, Open: true}},
			},
		},
		{
			name: "updates and ends of an event that never started are ignored",
			in:   []crowdMsg{msg("r", "x", "update", 1, 9), msg("r", "x", "end", 2, 9), msg("r", "e1", "start", 3, 2), msg("r", "e1", "end", 5, 2)},
			want: map[string][]episode{"r": {{Start: 3, End: 5, Peak: 2}}},
		},
		{
			name: "a repeated start does not open a second episode",
			in:   []crowdMsg{msg("r", "e1", "start", 3, 2), msg("r", "e1", "start", 4, 7), msg("r", "e1", "end", 6, 2)},
			want: map[string][]episode{"r": {{Start: 3, End: 6, Peak: 2}}},
		},
		{
			name: "pulses and other actions are ignored",
			in:   []crowdMsg{msg("r", "e1", "start", 3, 2), msg("r", "e1", "pulse", 4, 8), msg("r", "e1", "end", 6, 2)},
			want: map[string][]episode{"r": {{Start: 3, End: 6, Peak: 2}}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, buildEpisodes(c.in, end))
		})
	}
}

func TestMatchEpisodes(t *testing.T) {
	ep := func(s, e float64) episode { return episode{Start: s, End: e} }
	cases := []struct {
		name       string
		truth, det []episode
		want       []episodeMatch
	}{
		{name: "nothing", want: nil},
		{name: "no detections", truth: []episode{ep(0, 10)}, want: nil},
		{name: "disjoint intervals do not match", truth: []episode{ep(0, 10)}, det: []episode{ep(10.5, 20)}, want: nil},
		{name: "touching intervals match", truth: []episode{ep(0, 10)}, det: []episode{ep(10, 20)},
			want: []episodeMatch{{Truth: 0, Det: 0, Overlap: 0}}},
		{name: "overlap", truth: []episode{ep(0, 10), ep(20, 30)}, det: []episode{ep(2, 12), ep(25, 40)},
			want: []episodeMatch{{Truth: 0, Det: 0, Overlap: 8}, {Truth: 1, Det: 1, Overlap: 5}}},
		{
			name:  "one detection spanning two truths goes to the larger overlap",
			truth: []episode{ep(0, 10), ep(12, 30)}, det: []episode{ep(5, 25)},
			want: []episodeMatch{{Truth: 1, Det: 0, Overlap: 13}},
		},
		{
			name:  "a split truth takes its longer fragment; the other stays unmatched",
			truth: []episode{ep(0, 30)}, det: []episode{ep(1, 8), ep(10, 29)},
			want: []episodeMatch{{Truth: 0, Det: 1, Overlap: 19}},
		},
		{
			name:  "greedy by overlap, then one to one",
			truth: []episode{ep(0, 10), ep(11, 20)}, det: []episode{ep(0, 15), ep(9, 20)},
			want: []episodeMatch{{Truth: 0, Det: 0, Overlap: 10}, {Truth: 1, Det: 1, Overlap: 9}},
		},
		{
			name:  "equal overlaps: earlier truth first, then earlier detection",
			truth: []episode{ep(0, 4), ep(6, 10)}, det: []episode{ep(2, 8)},
			want: []episodeMatch{{Truth: 0, Det: 0, Overlap: 2}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, matchEpisodes(c.truth, c.det))
		})
	}
}

func TestStatsOf(t *testing.T) {
	cases := []struct {
		name string
		in   []float64
		want errStats
	}{
		{name: "empty", in: nil, want: errStats{}},
		{name: "one", in: []float64{-1.5}, want: errStats{N: 1, Mean: -1.5, Median: -1.5, MaxAbs: 1.5}},
		{name: "odd count: middle value", in: []float64{3, -1, 1}, want: errStats{N: 3, Mean: 1, Median: 1, MaxAbs: 3}},
		{name: "even count: mean of the middle two", in: []float64{4, 1, -2, 2}, want: errStats{N: 4, Mean: 1.25, Median: 1.5, MaxAbs: 4}},
		{name: "max |error| from a negative", in: []float64{-6, 1, 2}, want: errStats{N: 3, Mean: -1, Median: 1, MaxAbs: 6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := append([]float64(nil), c.in...)
			require.Equal(t, c.want, statsOf(c.in))
			require.Equal(t, in, c.in, "the input is not reordered")
		})
	}
}

func TestScoreEpisodes(t *testing.T) {
	truth := []episode{
		{Start: 5, End: 50, Peak: 8},
		{Start: 60, End: 70, Peak: 4},
		{Start: 80, End: 100, Peak: 5, Open: true},
		{Start: 200, End: 210, Peak: 3}, // missed
	}
	det := []episode{
		{Start: 6, End: 52, Peak: 7},               // onset +1, end +2, peak -1
		{Start: 59, End: 66, Peak: 6},              // onset -1, end -4, peak +2
		{Start: 84, End: 100, Peak: 5, Open: true}, // onset +4, no end error: open
		{Start: 150, End: 160, Peak: 3},            // false
	}
	s := scoreEpisodes("r", truth, det)
	require.Equal(t, "r", s.Rule)
	require.Equal(t, []int{4, 4, 3, 1, 1}, []int{s.Truth, s.Detected, s.Matched, s.Missed, s.False})
	require.Equal(t, errStats{N: 3, Mean: 4.0 / 3, Median: 1, MaxAbs: 4}, s.Onset)
	require.Equal(t, errStats{N: 2, Mean: -1, Median: -1, MaxAbs: 4}, s.End, "the open pair has no end error")
	require.InDelta(t, 1.0/3, s.PeakErr, 1e-12)
	require.Equal(t, det, s.Episodes)

	empty := scoreEpisodes("r", truth, nil)
	require.Equal(t, []int{0, 4, 0}, []int{empty.Matched, empty.Missed, empty.False})
	require.Zero(t, empty.PeakErr)
	require.Equal(t, errStats{}, empty.Onset)
}

// TestScoreAlertsCrowd feeds crowd_dwell alert lines shaped like analyze's output.
func TestScoreAlertsCrowd(t *testing.T) {
	d := &benchData{
		clip:  pets.Clip{Frames: 701}, // ends at 100 s
		crowd: map[string][]episode{"crowd-paved": {{Start: 5, End: 50, Peak: 6}, {Start: 60, End: 100, Peak: 4, Open: true}}},
	}
	line := func(rule, id, action, ts string, peak int) string {
		return fmt.Sprintf(`{"type":"crowd_dwell","action":%q,"frame_time":"1970-01-01T00:00:%sZ","rule":{"id":%q},"event_id":%q,"count":1,"peak_count":%d}`,
			action, ts, rule, id, peak)
	}
	in := strings.Join([]string{
		line("crowd-paved", "p1", "start", "05.713", 4), // frame 40 written to the ms: 40/7 s
		line("crowd-paved", "p1", "update", "10.000", 7),
		line("crowd-paved", "p1", "end", "48.000", 7),
		line("crowd-paved", "p2", "start", "59.000", 4),
		line("crowd-road", "r1", "start", "30.000", 3),
		`{"type":"intrusion","action":"start","frame_time":"1970-01-01T00:00:21.000Z","rule":{"id":"crowd-paved"},"event_id":"z"}`,
	}, "\n")
	alerts, err := parseAlerts(strings.NewReader(in))
	require.NoError(t, err)
	var res result
	scoreAlerts(&res, alerts, d, 1.0)
	require.Len(t, res.Crowd, len(crowdRules))
	p := res.Crowd[0]
	require.Equal(t, "crowd-paved", p.Rule)
	require.Equal(t, []episode{{Start: 40.0 / 7, End: 48, Peak: 7}, {Start: 59, End: 100, Peak: 4, Open: true}}, p.Episodes,
		"times snap to frames; the intrusion alert with the same rule id is not a crowd message")
	require.Equal(t, []int{2, 2, 0, 0}, []int{p.Truth, p.Matched, p.Missed, p.False})
	require.Equal(t, 2, p.Onset.N)
	require.InDelta(t, (40.0/7-5-1)/2, p.Onset.Mean, 1e-9, "+5/7 s and -1 s")
	require.InDelta(t, 1, p.Onset.MaxAbs, 1e-9)
	require.Equal(t, errStats{N: 1, Mean: -2, Median: -2, MaxAbs: 2}, p.End)
	require.InDelta(t, 0.5, p.PeakErr, 1e-12)
	road := res.Crowd[2]
	require.Equal(t, "crowd-road", road.Rule)
	require.Equal(t, []int{0, 1, 1}, []int{road.Truth, road.Detected, road.False})
}

// TestTruthEpisodesSynthetic checks the ground-truth path through the real evaluator
// on hand-made boxes: two people standing in the centre polygon.
func TestTruthEpisodesSynthetic(t *testing.T) {
	// Foot point (0.5, 0.45): x centre 384 of 768, bottom 259.2 of 576.
	box := func(frame, id int) string { return fmt.Sprintf("%d,%d,374,159.2,20,100,1,-1,-1,-1", frame+1, id) }
	var lines []string
	for f := 0; f < 42; f++ { // 6 s together, then both gone
		lines = append(lines, box(f, 1), box(f, 2))
	}
	for f := 760; f < pets.Frames; f++ { // together until the clip ends
		lines = append(lines, box(f, 3), box(f, 4))
	}
	lines = append(lines, box(100, 5)) // one person alone is no crowd
	gt, err := pets.ParseGT(strings.NewReader(strings.Join(lines, "\n")))
	require.NoError(t, err)
	c := crowdRules[1]
	require.Equal(t, "crowd-centre", c.ID)
	require.Equal(t, 2, c.MinCount)
	eps, err := truthEpisodes(gt, c)
	require.NoError(t, err)
	require.Len(t, eps, 2)
	// min_duration 3 s: 21 frames after forming; clear_duration 2 s: 14 frames after leaving at frame 42.
	require.InDelta(t, 21.0/7, eps[0].Start, 1e-6)
	require.InDelta(t, 56.0/7, eps[0].End, 1e-6)
	require.Equal(t, 2, eps[0].Peak)
	require.False(t, eps[0].Open)
	require.InDelta(t, 781.0/7, eps[1].Start, 1e-6)
	require.InDelta(t, float64(pets.Frames-1)/7, eps[1].End, 1e-6)
	require.True(t, eps[1].Open, "analyze sends no crowd end when the clip stops")
}

// wantTruthEpisodes are the episode counts the README documents for the real gt.txt.
var wantTruthEpisodes = map[string]int{"crowd-paved": 2, "crowd-centre": 3, "crowd-road": 5}

// TestTruthEpisodesPETS runs the ground-truth extraction on the real PETS gt.txt.
func TestTruthEpisodesPETS(t *testing.T) {
	gtPath, err := pets.GTPath()
	if err != nil {
		t.Skipf("PETS ground truth missing (this test needs ../shared/eval/pets09-s2l1/gt.txt next to the repository): %v", err)
	}
	gt, err := pets.LoadGT(gtPath)
	require.NoError(t, err)
	truth, err := crowdTruth(gt)
	require.NoError(t, err)
	require.Len(t, truth, len(crowdRules))
	for id, n := range wantTruthEpisodes {
		require.Len(t, truth[id], n, id)
		for i, e := range truth[id] {
			require.Less(t, e.Start, e.End, "%s episode %d", id, i)
			require.GreaterOrEqual(t, e.Peak, 2, "%s episode %d", id, i)
			if i > 0 {
				require.Greater(t, e.Start, truth[id][i-1].End, "%s: episodes do not overlap", id)
			}
		}
	}
	first := truth["crowd-paved"][0]
	require.InDelta(t, 37.0/7, first.Start, 1e-6, "4 people from 16/7 s, plus min_duration")
	require.Equal(t, 8, first.Peak)

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), options{CrowdTruth: true}, &out, &bytes.Buffer{}))
	for id, n := range wantTruthEpisodes {
		require.Contains(t, out.String(), fmt.Sprintf("%s (", id))
		require.Contains(t, out.String(), fmt.Sprintf("episodes: %d: ", n))
	}
}
