package lpr

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// bruteMorph dilates (all=false) or erodes (all=true) with a (2rx+1)×(2ry+1)
// rectangle, outside the picture counting as unset for dilation and ignored for
// erosion, like the word-wise implementation.
func bruteMorph(m mask, rx, ry int, all bool) mask {
	out := newMask(m.w, m.h)
	for y := range m.h {
		for x := range m.w {
			any, every := false, true
			for dy := -ry; dy <= ry; dy++ {
				for dx := -rx; dx <= rx; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= m.w || ny >= m.h {
						continue
					}
					v := m.at(nx, ny)
					any = any || v
					every = every && v
				}
			}
			if (all && every) || (!all && any) {
				out.set(x, y)
			}
		}
	}
	return out
}

// bruteBlobs labels m pixel by pixel (8-connected flood fill) in row-major order
// of the regions' first pixels.
func bruteBlobs(m mask, minArea int) []blob {
	seen := make([]bool, m.w*m.h)
	var out []blob
	for start := range seen {
		if seen[start] || !m.at(start%m.w, start/m.w) {
			continue
		}
		seen[start] = true
		stack := []int{start}
		b := blob{minX: m.w, minY: m.h, maxX: -1, maxY: -1}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%m.w, i/m.w
			b.addRun(run{y: y, x0: x, x1: x})
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx >= 0 && ny >= 0 && nx < m.w && ny < m.h && !seen[ny*m.w+nx] && m.at(nx, ny) {
						seen[ny*m.w+nx] = true
						stack = append(stack, ny*m.w+nx)
					}
				}
			}
		}
		if b.n >= minArea {
			out = append(out, b)
		}
	}
	return out
}

func randomMask(seed uint64, w, h int, p float64) mask {
	rng := rand.New(rand.NewPCG(seed, 2))
	m := newMask(w, h)
	for y := range h {
		for x := range w {
			if rng.Float64() < p {
				m.set(x, y)
			}
		}
	}
	return m
}

func TestMorphologyMatchesBruteForce(t *testing.T) {
	cases := []struct {
		name   string
		w, h   int
		rx, ry int
	}{
		{"1x1", 23, 17, 1, 1},
		{"3x1", 23, 17, 3, 1},
		{"2x4", 23, 17, 2, 4},
		{"wider than the picture", 23, 17, 30, 2},
		{"zero", 23, 17, 0, 0},
		{"across words", 150, 9, 5, 1},
		{"one word exactly", 64, 5, 3, 1},
		{"radius over a word", 200, 6, 70, 1},
		{"plate size", 333, 20, 12, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range []float64{0.1, 0.4, 0.9} {
				m := randomMask(uint64(tc.w), tc.w, tc.h, p)
				require.Equal(t, bruteMorph(m, tc.rx, tc.ry, false).bits, m.dilateX(tc.rx).dilateY(tc.ry).bits, "dilate, density %g", p)
				require.Equal(t, bruteMorph(m, tc.rx, tc.ry, true).bits, m.erodeX(tc.rx).erodeY(tc.ry).bits, "erode, density %g", p)
			}
			// From a pool whose words are stale: the same closings and openings.
			pool := &maskPool{}
			for _, p := range []float64{0.9, 0.1, 0.4} {
				m := randomMask(uint64(tc.w)+1, tc.w, tc.h, p)
				pm := pool.get(tc.w, tc.h)
				copy(pm.bits, m.bits)
				for _, op := range []struct {
					name        string
					plain, pool mask
				}{
					{"close", m.close(tc.rx, tc.ry), pm.close(tc.rx, tc.ry)},
					{"open", m.open(tc.rx, tc.ry), pm.open(tc.rx, tc.ry)},
				} {
					require.Equal(t, op.plain.bits, op.pool.bits, "pooled %s, density %g", op.name, p)
					op.pool.release()
				}
				pm.release()
			}
		})
	}
}

func TestBlobs(t *testing.T) {
	m := newMask(20, 10)
	set := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				m.set(x, y)
			}
		}
	}
	set(1, 1, 9, 4)   // 24 pixels
	set(12, 5, 14, 6) // 2 pixels
	set(9, 4, 10, 5)  // touches the first diagonally: one blob of 25
	bs := m.blobs(3)
	require.Len(t, bs, 1)
	require.Equal(t, 25, bs[0].n)
	require.Equal(t, [4]int{1, 1, 9, 4}, [4]int{bs[0].minX, bs[0].minY, bs[0].maxX, bs[0].maxY})
	require.Len(t, m.blobs(1), 2)
}

func TestBlobsMatchBruteForce(t *testing.T) {
	cases := []struct {
		name    string
		w, h    int
		density float64
		minArea int
	}{
		{"sparse", 50, 30, 0.2, 1},
		{"percolating", 130, 40, 0.5, 1},
		{"dense", 70, 20, 0.8, 1},
		{"min area", 130, 40, 0.45, 6},
		{"one word wide", 64, 64, 0.5, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := randomMask(uint64(tc.w*tc.h), tc.w, tc.h, tc.density)
			require.Equal(t, bruteBlobs(m, tc.minArea), m.blobs(tc.minArea))
		})
	}
}

func TestMaskCount(t *testing.T) {
	m := randomMask(5, 150, 12, 0.5)
	cases := []struct{ x0, y0, x1, y1 int }{
		{0, 0, 150, 12}, {3, 2, 61, 5}, {60, 0, 70, 12}, {64, 1, 128, 2}, {5, 5, 5, 9}, {100, 3, 149, 11},
	}
	for _, c := range cases {
		want := 0
		for y := c.y0; y < c.y1; y++ {
			for x := c.x0; x < c.x1; x++ {
				if m.at(x, y) {
					want++
				}
			}
		}
		require.Equal(t, want, m.count(c.x0, c.y0, c.x1, c.y1), "%+v", c)
	}
}
