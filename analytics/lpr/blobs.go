package lpr

import "math/bits"

// blob is one 8-connected region of a mask with its pixel moments.
type blob struct {
	minX, minY, maxX, maxY int // inclusive
	n                      int
	sx, sy, sxx, syy, sxy  float64
}

// run is a horizontal run of set pixels x0..x1 (inclusive) in row y; parent links
// the runs of one region (union-find).
type run struct {
	y, x0, x1 int
	parent    int32
}

// blobs labels the 8-connected regions of m and returns those of at least minArea
// pixels, in the order of their first pixel (row-major). It works on runs of set
// pixels, not pixels: two runs of neighbouring rows touch when their column ranges
// overlap or meet diagonally. A run's moments have closed forms.
func (m mask) blobs(minArea int) []blob {
	runs := m.runs()
	prev0, prev1 := 0, 0 // the previous row's runs
	for i := 0; i < len(runs); {
		y := runs[i].y
		j := i
		for j < len(runs) && runs[j].y == y {
			j++
		}
		if prev1 > prev0 && runs[prev0].y != y-1 {
			prev0 = prev1 // the previous runs are not in the row above
		}
		k := prev0
		for a := i; a < j; a++ {
			for k < prev1 && runs[k].x1 < runs[a].x0-1 {
				k++
			}
			for b := k; b < prev1 && runs[b].x0 <= runs[a].x1+1; b++ {
				union(runs, int32(a), int32(b))
			}
		}
		prev0, prev1 = i, j
		i = j
	}
	// Regions in order of their first run (runs are in row-major order, and a root
	// is always the earliest run of its region: union keeps the smaller index).
	label := make([]int32, len(runs)) // of each root: its blob
	var out []blob
	for i := range runs {
		root := find(runs, int32(i))
		if root == int32(i) {
			label[i] = int32(len(out))
			out = append(out, blob{minX: m.w, minY: m.h, maxX: -1, maxY: -1})
		}
		out[label[root]].addRun(runs[i])
	}
	kept := out[:0]
	for _, b := range out {
		if b.n >= minArea {
			kept = append(kept, b)
		}
	}
	return kept
}

// runs lists the runs of set pixels, row by row, left to right.
func (m mask) runs() []run {
	var out []run
	for y := range m.h {
		row := m.row(y)
		x := 0
		for {
			x0 := nextBit(row, x, true)
			if x0 >= m.w {
				break
			}
			x1 := min(m.w, nextBit(row, x0, false))
			out = append(out, run{y: y, x0: x0, x1: x1 - 1, parent: int32(len(out))})
			x = x1
		}
	}
	return out
}

// nextBit returns the first x >= from whose bit is set (set true) or clear (set
// false), or len(row)*64 when there is none.
func nextBit(row []uint64, from int, set bool) int {
	for i := from / 64; i < len(row); i++ {
		v := row[i]
		if !set {
			v = ^v
		}
		if i == from/64 {
			v &= ^uint64(0) << (from % 64)
		}
		if v != 0 {
			return i*64 + bits.TrailingZeros64(v)
		}
	}
	return len(row) * 64
}

func find(runs []run, i int32) int32 {
	for runs[i].parent != i {
		runs[i].parent = runs[runs[i].parent].parent
		i = runs[i].parent
	}
	return i
}

// union joins the regions of runs a and b under the earlier root.
func union(runs []run, a, b int32) {
	ra, rb := find(runs, a), find(runs, b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	runs[rb].parent = ra
}

// addRun adds the pixels of r to b: sums over x of 1, x and x² in closed form.
func (b *blob) addRun(r run) {
	b.minX, b.minY = min(b.minX, r.x0), min(b.minY, r.y)
	b.maxX, b.maxY = max(b.maxX, r.x1), max(b.maxY, r.y)
	n := r.x1 - r.x0 + 1
	sx := (r.x0 + r.x1) * n / 2
	sq := func(k int) int { return k * (k + 1) * (2*k + 1) / 6 } // Σ_{i=0..k} i²
	sxx := sq(r.x1) - sq(r.x0-1)
	fy := float64(r.y)
	b.n += n
	b.sx += float64(sx)
	b.sy += fy * float64(n)
	b.sxx += float64(sxx)
	b.syy += fy * fy * float64(n)
	b.sxy += fy * float64(sx)
}
