// Package score compares predicted line crossings with ground-truth crossings from the
// test videos (synthetic scenes or PETS 2009) and reports precision, recall and F1,
// once with the crossing direction required to agree and once ignoring it.
package score

import (
	"cmp"
	"slices"
)

// Crossing is one line-crossing event, predicted or true.
type Crossing struct {
	// Line names the configured line; only crossings of the same line can match.
	Line string `json:"line"`
	// T is seconds from the start of the clip.
	T float64 `json:"t"`
	// Direction is "a_to_b" or "b_to_a" (side A: left-hand side walking the line from
	// its first to its second point as drawn on screen).
	Direction string `json:"direction"`
}

// Match pairs one prediction with one truth crossing.
type Match struct {
	Pred, Truth int     // indices into the slices given to Score
	DT          float64 // pred.T - truth.T, seconds
}

// Result is the outcome of one matching.
type Result struct {
	TP, FP, FN int
	// Precision is TP/(TP+FP), 1 when nothing was predicted.
	Precision float64
	// Recall is TP/(TP+FN), 1 when there was nothing to find.
	Recall float64
	// F1 is the harmonic mean of Precision and Recall, 0 when both are 0.
	F1 float64
	// MeanAbsDT is the mean |pred.T - truth.T| over the matches, seconds.
	MeanAbsDT float64
	Matches   []Match
}

// Report holds the two matchings Score computes.
type Report struct {
	// Directed requires line and direction to agree.
	Directed Result
	// Undirected requires only the line to agree.
	Undirected Result
}

// Score matches pred to truth, each crossing at most once, when the line (and for
// Directed also the direction) agrees and |pred.T - truth.T| <= tol seconds.
func Score(pred, truth []Crossing, tol float64) Report {
	return Report{
		Directed:   MatchCrossings(pred, truth, tol, true),
		Undirected: MatchCrossings(pred, truth, tol, false),
	}
}

// MatchCrossings finds a maximum matching between pred and truth: within each line (and
// direction, when useDirection is set), both lists are swept in time order and each truth
// crossing takes the earliest unmatched prediction inside its window. With equal windows
// this greedy sweep matches as many pairs as any assignment can (Hungarian would only
// reshuffle which pairs, never how many).
func MatchCrossings(pred, truth []Crossing, tol float64, useDirection bool) Result {
	key := func(c Crossing) string {
		if useDirection {
			return c.Line + "\x00" + c.Direction
		}
		return c.Line
	}
	predBy, truthBy := groupIndices(pred, key), groupIndices(truth, key)
	var res Result
	for k, ti := range truthBy {
		res.Matches = append(res.Matches, sweep(pred, truth, predBy[k], ti, tol)...)
	}
	slices.SortFunc(res.Matches, func(a, b Match) int { return cmp.Compare(a.Truth, b.Truth) })
	res.TP = len(res.Matches)
	res.FP = len(pred) - res.TP
	res.FN = len(truth) - res.TP
	res.Precision, res.Recall, res.F1 = rates(res.TP, res.FP, res.FN)
	for _, m := range res.Matches {
		res.MeanAbsDT += abs(m.DT) / float64(res.TP)
	}
	return res
}

// groupIndices returns, per key, the indices of cs sorted by time (then index).
func groupIndices(cs []Crossing, key func(Crossing) string) map[string][]int {
	by := map[string][]int{}
	for i, c := range cs {
		by[key(c)] = append(by[key(c)], i)
	}
	for _, idx := range by {
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(cs[a].T, cs[b].T) })
	}
	return by
}

// sweep matches time-sorted truth indices ti against time-sorted prediction indices pi.
func sweep(pred, truth []Crossing, pi, ti []int, tol float64) []Match {
	var out []Match
	j := 0
	for _, t := range ti {
		for j < len(pi) && pred[pi[j]].T < truth[t].T-tol {
			j++ // too early for this and every later truth crossing: a false positive
		}
		if j < len(pi) && pred[pi[j]].T <= truth[t].T+tol {
			out = append(out, Match{Pred: pi[j], Truth: t, DT: pred[pi[j]].T - truth[t].T})
			j++
		}
	}
	return out
}

func rates(tp, fp, fn int) (p, r, f1 float64) {
	p, r = 1, 1
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return p, r, f1
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
