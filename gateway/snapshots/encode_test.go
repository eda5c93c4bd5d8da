package snapshots

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/stretchr/testify/require"
)

// quadrants returns a BGR24 picture whose left half is pure blue and right half pure red.
func quadrants(w, h int) []byte {
	pix := make([]byte, w*h*3)
	for y := range h {
		for x := range w {
			i := (y*w + x) * 3
			if x < w/2 {
				pix[i] = 255 // B
			} else {
				pix[i+2] = 255 // R
			}
		}
	}
	return pix
}

func TestEncodeBGR(t *testing.T) {
	const w, h = 64, 48
	b, err := EncodeBGR(w, h, quadrants(w, h), 90)
	require.NoError(t, err)
	img, err := jpeg.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, w, img.Bounds().Dx())
	require.Equal(t, h, img.Bounds().Dy())

	for _, tc := range []struct {
		name    string
		x, y    int
		r, g, b uint32
	}{
		{"left is blue", 8, 24, 0, 0, 255},
		{"right is red", 56, 24, 255, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, g, bl, _ := img.At(tc.x, tc.y).RGBA()
			near := func(got, want uint32) bool { d := int(got>>8) - int(want); return d > -24 && d < 24 }
			require.True(t, near(r, tc.r) && near(g, tc.g) && near(bl, tc.b),
				"pixel (%d,%d) = %d,%d,%d", tc.x, tc.y, r>>8, g>>8, bl>>8)
		})
	}

	small, err := EncodeBGR(w, h, quadrants(w, h), 10)
	require.NoError(t, err)
	require.Less(t, len(small), len(b), "lower quality, fewer bytes")
}

func TestEncodeBGRRejects(t *testing.T) {
	for _, tc := range []struct {
		name    string
		w, h, q int
		pix     []byte
	}{
		{"zero width", 0, 4, 80, nil},
		{"negative height", 4, -1, 80, nil},
		{"too wide", 70000, 1, 80, make([]byte, 70000*3)},
		{"short buffer", 4, 4, 80, make([]byte, 47)},
		{"long buffer", 4, 4, 80, make([]byte, 49)},
		{"quality 0", 4, 4, 0, make([]byte, 48)},
		{"quality 101", 4, 4, 101, make([]byte, 48)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EncodeBGR(tc.w, tc.h, tc.pix, tc.q)
			require.Error(t, err)
		})
	}
}
