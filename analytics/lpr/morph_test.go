package lpr

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// bruteMorph dilates (all=false) or erodes (all=true) with a (2rx+1)×(2ry+1)
// rectangle, outside the picture counting as unset for dilation and ignored for
// erosion, like the running-count implementation.
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
					v := m.on[ny*m.w+nx]
					any = any || v
					every = every && v
				}
			}
			out.on[y*m.w+x] = any
			if all {
				out.on[y*m.w+x] = every
			}
		}
	}
	return out
}

func TestMorphologyMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := newMask(23, 17)
	for i := range m.on {
		m.on[i] = rng.Float64() < 0.4
	}
	cases := []struct {
		name   string
		rx, ry int
	}{{"1x1", 1, 1}, {"3x1", 3, 1}, {"2x4", 2, 4}, {"wider than the picture", 30, 2}, {"zero", 0, 0}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, bruteMorph(m, tc.rx, tc.ry, false).on, m.dilateX(tc.rx).dilateY(tc.ry).on, "dilate")
			require.Equal(t, bruteMorph(m, tc.rx, tc.ry, true).on, m.erodeX(tc.rx).erodeY(tc.ry).on, "erode")
		})
	}
}

func TestBlobs(t *testing.T) {
	m := newMask(20, 10)
	set := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				m.on[y*m.w+x] = true
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
