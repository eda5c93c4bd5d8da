package track

import "math"

// hungarian solves the rectangular assignment problem (minimum total cost) with
// the O(n²m) shortest augmenting path method and row/column potentials. It keeps
// its buffers between calls; the zero value is ready to use.
type hungarian struct {
	u, v, minv []float64
	p, way     []int
	used       []bool
	rowCol     []int
	tcost      []float64
}

// solve assigns rows to columns of the n×m row-major cost matrix and returns,
// for each row, its column or -1. Every row gets a column when n <= m, every
// column a row otherwise. The result is valid until the next call.
func (h *hungarian) solve(cost []float64, n, m int) []int {
	h.rowCol = resize(h.rowCol, n)
	for i := range h.rowCol {
		h.rowCol[i] = -1
	}
	if n == 0 || m == 0 {
		return h.rowCol
	}
	if n <= m {
		h.run(cost, n, m)
		for j := 1; j <= m; j++ {
			if h.p[j] > 0 {
				h.rowCol[h.p[j]-1] = j - 1
			}
		}
		return h.rowCol
	}
	h.tcost = resize(h.tcost, n*m)
	for i := range n {
		for j := range m {
			h.tcost[j*n+i] = cost[i*m+j]
		}
	}
	h.run(h.tcost, m, n)
	for j := 1; j <= n; j++ {
		if h.p[j] > 0 {
			h.rowCol[j-1] = h.p[j] - 1
		}
	}
	return h.rowCol
}

// run solves an n×m problem with n <= m; afterwards p[j] is the 1-based row
// assigned to 1-based column j (0: none).
func (h *hungarian) run(a []float64, n, m int) {
	h.u = zeroed(h.u, n+1)
	h.v = zeroed(h.v, m+1)
	h.p = zeroedInt(h.p, m+1)
	h.way = zeroedInt(h.way, m+1)
	h.minv = resize(h.minv, m+1)
	h.used = resize(h.used, m+1)
	for i := 1; i <= n; i++ {
		h.augment(a, i, m)
	}
}

// augment adds row i to the matching along a shortest augmenting path.
func (h *hungarian) augment(a []float64, i, m int) {
	u, v, p, way, minv, used := h.u, h.v, h.p, h.way, h.minv, h.used
	p[0] = i
	j0 := 0
	for j := range minv {
		minv[j] = math.Inf(1)
		used[j] = false
	}
	for {
		used[j0] = true
		i0, delta, j1 := p[j0], math.Inf(1), 0
		for j := 1; j <= m; j++ {
			if used[j] {
				continue
			}
			cur := a[(i0-1)*m+j-1] - u[i0] - v[j]
			if cur < minv[j] {
				minv[j], way[j] = cur, j0
			}
			if minv[j] < delta {
				delta, j1 = minv[j], j
			}
		}
		for j := 0; j <= m; j++ {
			if used[j] {
				u[p[j]] += delta
				v[j] -= delta
			} else {
				minv[j] -= delta
			}
		}
		j0 = j1
		if p[j0] == 0 {
			break
		}
	}
	for j0 != 0 {
		j1 := way[j0]
		p[j0] = p[j1]
		j0 = j1
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func zeroed(s []float64, n int) []float64 {
	s = resize(s, n)
	clear(s)
	return s
}

func zeroedInt(s []int, n int) []int {
	s = resize(s, n)
	clear(s)
	return s
}
