package glyph

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"
)

// canvas returns a w×h image with the rectangles set to level (background 0.1).
func canvas(w, h int, level float32, rects ...image.Rectangle) Image {
	m := Image{W: w, H: h, Pix: make([]float32, w*h)}
	for i := range m.Pix {
		m.Pix[i] = 0.1
	}
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m.Pix[y*w+x] = level
			}
		}
	}
	return m
}

func TestCut(t *testing.T) {
	bar := image.Rect(10, 4, 14, 36)
	cases := []struct {
		name    string
		img     Image
		slot    image.Rectangle
		wantBox image.Rectangle
		ok      bool
	}{
		{"bar in the middle", canvas(30, 40, 0.9, bar), image.Rect(2, 0, 24, 40), bar, true},
		{"neighbour sliver at the left edge dropped", canvas(30, 40, 0.9, bar, image.Rect(0, 4, 4, 36)),
			image.Rect(2, 0, 24, 40), bar, true},
		{"speck dropped", canvas(30, 40, 0.9, bar, image.Rect(20, 20, 21, 21)), image.Rect(2, 0, 24, 40), bar, true},
		{"two parts of one character", canvas(30, 40, 0.9, image.Rect(6, 4, 9, 36), image.Rect(12, 10, 18, 30)),
			image.Rect(2, 0, 24, 40), image.Rect(6, 4, 18, 36), true},
		{"slot clipped to the picture", canvas(30, 40, 0.9, bar), image.Rect(-5, -5, 24, 50), bar, true},
		{"empty slot", canvas(30, 40, 0.9), image.Rect(2, 0, 24, 40), image.Rectangle{}, false},
		{"slot outside", canvas(30, 40, 0.9, bar), image.Rect(40, 0, 50, 40), image.Rectangle{}, false},
		{"slot too small", canvas(30, 40, 0.9, bar), image.Rect(10, 10, 11, 12), image.Rectangle{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, ok := Cut(tc.img, tc.slot)
			require.Equal(t, tc.ok, ok)
			if !ok {
				return
			}
			require.Equal(t, tc.wantBox, g.Box)
			require.InDelta(t, 0.8, g.Contrast, 0.01)
			require.Equal(t, NormW*NormH, len(g.Norm.Pix))
			require.Len(t, Features(g), FeatureLen)
		})
	}
}

func TestNormaliseKeepsAspect(t *testing.T) {
	// a 4×32 bar becomes a centred bar 5 pixels wide (4·40/32) at full height
	g, ok := Cut(canvas(30, 40, 0.9, image.Rect(10, 4, 14, 36)), image.Rect(2, 0, 24, 40))
	require.True(t, ok)
	row := g.Norm.Pix[NormH/2*NormW : (NormH/2+1)*NormW]
	lit := 0
	for _, v := range row {
		if v > 0.5 {
			lit++
		}
	}
	require.InDelta(t, 5, lit, 1)
	require.Greater(t, row[NormW/2], float32(0.9))
	require.Less(t, row[0], float32(0.1))
}

func TestOtsu(t *testing.T) {
	vals := []float32{0.1, 0.12, 0.11, 0.1, 0.8, 0.82, 0.79}
	th := Otsu(vals)
	require.Greater(t, th, float32(0.12))
	require.Less(t, th, float32(0.79))
}

func TestClasses(t *testing.T) {
	require.Len(t, Classes, 10+24+31+7)
	seen := map[rune]bool{}
	for k, r := range Classes {
		require.False(t, seen[r], "duplicate class %q", r)
		seen[r] = true
		require.Equal(t, k, Index(r))
		require.Equal(t, r > 127, IsChinese(k))
	}
	require.Equal(t, -1, Index('I'))
	require.Equal(t, -1, Index('O'))
}
