package track

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHungarianMatchesBruteForce compares the solver with exhaustive search on
// random rectangular matrices, including forbidden entries.
func TestHungarianMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var h hungarian
	for range 2000 {
		n, m := rng.IntN(6), rng.IntN(6)
		cost := make([]float64, n*m)
		for i := range cost {
			cost[i] = math.Round(rng.Float64()*100) / 10
			if rng.IntN(5) == 0 {
				cost[i] = forbidden
			}
		}
		got := h.solve(cost, n, m)
		require.Len(t, got, n)
		total, used := 0.0, map[int]bool{}
		for r, c := range got {
			if c < 0 {
				continue
			}
			require.False(t, used[c], "column %d assigned twice", c)
			used[c] = true
			total += cost[r*m+c]
		}
		require.Equal(t, min(n, m), len(used))
		require.InDelta(t, bruteForce(cost, n, m), total, 1e-6, "n=%d m=%d cost=%v got=%v", n, m, cost, got)
	}
}

// bruteForce returns the minimum total cost over all assignments of
// min(n, m) rows and columns.
func bruteForce(cost []float64, n, m int) float64 {
	best := math.Inf(1)
	used := make([]bool, m)
	var rec func(r, left int, sum float64)
	rec = func(r, left int, sum float64) {
		if left == 0 {
			best = min(best, sum)
			return
		}
		if n-r < left {
			return
		}
		rec(r+1, left, sum) // row r unassigned
		for c := range m {
			if !used[c] {
				used[c] = true
				rec(r+1, left-1, sum+cost[r*m+c])
				used[c] = false
			}
		}
	}
	rec(0, min(n, m), 0)
	if math.IsInf(best, 1) {
		return 0
	}
	return best
}
