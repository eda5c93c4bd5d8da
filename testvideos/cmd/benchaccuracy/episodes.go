package main

import (
	"cmp"
	"math"
	"slices"
)

// crowdMsg is one crowd_dwell message, from an alert line or a rules.Event.
type crowdMsg struct {
	Rule, EventID, Action string
	T                     float64 // seconds from the clip start
	Peak                  int     // peak_count
}

// episode is one crowd_dwell event, from its start message to its end message.
type episode struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Peak  int     `json:"peak_count"`
	// Open is true when no end came before the clip ended: End is then the last
	// frame's time.
	Open bool `json:"open_at_clip_end,omitempty"`
}

// buildEpisodes groups messages (in time order) into episodes per rule id, sorted by
// start. A start opens an episode under its event id; updates and the end raise its
// peak, and the end closes it. An episode still open at the end of the messages ends
// at clipEnd with Open set. Updates and ends of an event id that never started are
// ignored.
func buildEpisodes(ms []crowdMsg, clipEnd float64) map[string][]episode {
	type key struct{ rule, id string }
	out := map[string][]episode{}
	open := map[key]int{} // index into out[rule]
	for _, m := range ms {
		k := key{m.Rule, m.EventID}
		i, ok := open[k]
		switch {
		case m.Action == "start" && !ok:
			open[k] = len(out[m.Rule])
			out[m.Rule] = append(out[m.Rule], episode{Start: m.T, End: clipEnd, Peak: m.Peak, Open: true})
		case ok && (m.Action == "update" || m.Action == "end"):
			ep := &out[m.Rule][i]
			ep.Peak = max(ep.Peak, m.Peak)
			if m.Action == "end" {
				// analyze ends what is still open at the clip's last frame: that end
				// is the clip's, not the gathering's, so the episode stays open.
				ep.End, ep.Open = m.T, m.T >= clipEnd-lastFrameSlack
				delete(open, k)
			}
		}
	}
	for _, eps := range out {
		slices.SortStableFunc(eps, func(a, b episode) int { return cmp.Compare(a.Start, b.Start) })
	}
	return out
}

// lastFrameSlack is how close to the clip's end an end message must be to count
// as the end that analyze gives open events at the last analysed frame (a little
// more than one frame at 7 fps).
const lastFrameSlack = 0.2

// episodeMatch pairs truth episode Truth with detected episode Det.
type episodeMatch struct {
	Truth, Det int
	// Overlap is the length in seconds of the intersection of their [start, end].
	Overlap float64
}

// matchEpisodes pairs truth and detected episodes one to one: every pair whose
// closed intervals [start, end] intersect is a candidate, and candidates are taken
// greedily by decreasing overlap (ties: earlier truth, then earlier detection),
// skipping episodes already taken. The result is sorted by truth index.
func matchEpisodes(truth, det []episode) []episodeMatch {
	var cands []episodeMatch
	for i, t := range truth {
		for j, d := range det {
			if ov := math.Min(t.End, d.End) - math.Max(t.Start, d.Start); ov >= 0 {
				cands = append(cands, episodeMatch{Truth: i, Det: j, Overlap: ov})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b episodeMatch) int {
		return cmp.Or(cmp.Compare(b.Overlap, a.Overlap), cmp.Compare(a.Truth, b.Truth), cmp.Compare(a.Det, b.Det))
	})
	usedT, usedD := map[int]bool{}, map[int]bool{}
	var out []episodeMatch
	for _, c := range cands {
		if usedT[c.Truth] || usedD[c.Det] {
			continue
		}
		usedT[c.Truth], usedD[c.Det] = true, true
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b episodeMatch) int { return cmp.Compare(a.Truth, b.Truth) })
	return out
}

// errStats summarises signed errors (detected minus truth, seconds).
type errStats struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean_s"`
	Median float64 `json:"median_s"`
	MaxAbs float64 `json:"max_abs_s"`
}

// statsOf computes errStats; all zero for no errors.
func statsOf(xs []float64) errStats {
	if len(xs) == 0 {
		return errStats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	st := errStats{N: len(s)}
	for _, x := range s {
		st.Mean += x / float64(len(s))
		st.MaxAbs = math.Max(st.MaxAbs, math.Abs(x))
	}
	if n := len(s); n%2 == 1 {
		st.Median = s[n/2]
	} else {
		st.Median = (s[n/2-1] + s[n/2]) / 2
	}
	return st
}

// crowdScore is one crowd_dwell rule scored for one detector.
type crowdScore struct {
	Rule     string `json:"rule"`
	Truth    int    `json:"truth_episodes"`
	Detected int    `json:"detected_episodes"`
	Matched  int    `json:"matched"`
	Missed   int    `json:"missed"`
	False    int    `json:"false"`
	// Onset is detected start minus truth start over the matches.
	Onset errStats `json:"onset_error"`
	// End is detected end minus truth end over the matches where both ended inside
	// the clip (an episode open at the clip's end has no end to compare).
	End errStats `json:"end_error"`
	// PeakErr is the mean of detected peak count minus truth peak count over the matches.
	PeakErr  float64   `json:"peak_count_error_mean"`
	Episodes []episode `json:"detected"`
}

// scoreEpisodes matches det against truth and computes the errors.
func scoreEpisodes(rule string, truth, det []episode) crowdScore {
	ms := matchEpisodes(truth, det)
	s := crowdScore{Rule: rule, Truth: len(truth), Detected: len(det), Matched: len(ms),
		Missed: len(truth) - len(ms), False: len(det) - len(ms), Episodes: det}
	var onset, end []float64
	for _, m := range ms {
		t, d := truth[m.Truth], det[m.Det]
		onset = append(onset, d.Start-t.Start)
		if !t.Open && !d.Open {
			end = append(end, d.End-t.End)
		}
		s.PeakErr += float64(d.Peak-t.Peak) / float64(len(ms))
	}
	s.Onset, s.End = statsOf(onset), statsOf(end)
	return s
}
