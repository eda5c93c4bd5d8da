package score

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScore(t *testing.T) {
	c := func(line string, tt float64, dir string) Crossing { return Crossing{Line: line, T: tt, Direction: dir} }
	cases := []struct {
		name           string
		pred, truth    []Crossing
		tol            float64
		dir, undir     [3]int // TP, FP, FN
		dirP, dirR     float64
		undirF1        float64
		matchedTruthOf []int // Directed: truth index matched by each match, in truth order
	}{
		{
			name:  "perfect",
			pred:  []Crossing{c("l", 1.1, "a_to_b"), c("l", 5, "b_to_a")},
			truth: []Crossing{c("l", 1, "a_to_b"), c("l", 5.2, "b_to_a")},
			tol:   1, dir: [3]int{2, 0, 0}, undir: [3]int{2, 0, 0}, dirP: 1, dirR: 1, undirF1: 1,
			matchedTruthOf: []int{0, 1},
		},
		{
			name:  "wrong direction counts only undirected",
			pred:  []Crossing{c("l", 1, "b_to_a")},
			truth: []Crossing{c("l", 1, "a_to_b")},
			tol:   1, dir: [3]int{0, 1, 1}, undir: [3]int{1, 0, 0}, dirP: 0, dirR: 0, undirF1: 1,
		},
		{
			name:  "outside tolerance",
			pred:  []Crossing{c("l", 2.5, "a_to_b")},
			truth: []Crossing{c("l", 1, "a_to_b")},
			tol:   1, dir: [3]int{0, 1, 1}, undir: [3]int{0, 1, 1}, dirP: 0, dirR: 0, undirF1: 0,
		},
		{
			name:  "other line never matches",
			pred:  []Crossing{c("m", 1, "a_to_b")},
			truth: []Crossing{c("l", 1, "a_to_b")},
			tol:   1, dir: [3]int{0, 1, 1}, undir: [3]int{0, 1, 1}, dirP: 0, dirR: 0, undirF1: 0,
		},
		{
			name:  "duplicate prediction is a false positive",
			pred:  []Crossing{c("l", 1, "a_to_b"), c("l", 1.2, "a_to_b")},
			truth: []Crossing{c("l", 1, "a_to_b")},
			tol:   1, dir: [3]int{1, 1, 0}, undir: [3]int{1, 1, 0}, dirP: 0.5, dirR: 1, undirF1: 2.0 / 3,
			matchedTruthOf: []int{0},
		},
		{
			name: "greedy sweep finds the maximum matching",
			// Nearest-first would pair 1.9 with 2.0 and leave 1.0 unmatched.
			pred:  []Crossing{c("l", 1.9, "a_to_b"), c("l", 2.8, "a_to_b")},
			truth: []Crossing{c("l", 1, "a_to_b"), c("l", 2, "a_to_b")},
			tol:   1, dir: [3]int{2, 0, 0}, undir: [3]int{2, 0, 0}, dirP: 1, dirR: 1, undirF1: 1,
			matchedTruthOf: []int{0, 1},
		},
		{
			name: "nothing predicted, nothing true",
			tol:  1, dir: [3]int{0, 0, 0}, undir: [3]int{0, 0, 0}, dirP: 1, dirR: 1, undirF1: 1,
		},
		{
			name:  "nothing predicted",
			truth: []Crossing{c("l", 1, "a_to_b")},
			tol:   1, dir: [3]int{0, 0, 1}, undir: [3]int{0, 0, 1}, dirP: 1, dirR: 0, undirF1: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Score(tc.pred, tc.truth, tc.tol)
			require.Equal(t, tc.dir, [3]int{r.Directed.TP, r.Directed.FP, r.Directed.FN})
			require.Equal(t, tc.undir, [3]int{r.Undirected.TP, r.Undirected.FP, r.Undirected.FN})
			require.InDelta(t, tc.dirP, r.Directed.Precision, 1e-9)
			require.InDelta(t, tc.dirR, r.Directed.Recall, 1e-9)
			require.InDelta(t, tc.undirF1, r.Undirected.F1, 1e-9)
			var got []int
			for _, m := range r.Directed.Matches {
				got = append(got, m.Truth)
				require.InDelta(t, tc.pred[m.Pred].T-tc.truth[m.Truth].T, m.DT, 1e-12)
			}
			require.Equal(t, tc.matchedTruthOf, got)
		})
	}
}

func TestMeanAbsDT(t *testing.T) {
	r := MatchCrossings(
		[]Crossing{{"l", 1.5, "a_to_b"}, {"l", 4.7, "a_to_b"}},
		[]Crossing{{"l", 1, "a_to_b"}, {"l", 5, "a_to_b"}}, 1, true)
	require.InDelta(t, 0.4, r.MeanAbsDT, 1e-9)
}
