package lpr

import (
	"context"
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/synth"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// loadGlyphs rasterises the training fonts (needs ffmpeg and the font packages of
// scripts/setup.sh).
func loadGlyphs(t testing.TB) *synth.Set {
	t.Helper()
	set, err := synth.Load(context.Background(), glyph.Classes)
	require.NoError(t, err, "synthetic plates need ffmpeg and the fonts of scripts/setup.sh")
	return set
}

func TestReadSyntheticScenes(t *testing.T) {
	set := loadGlyphs(t)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	cases := []struct {
		name   string
		plates []synth.ScenePlate
	}{
		{"blue and yellow", []synth.ScenePlate{
			{Text: "粤B12345", Color: plate.ColorBlue, X: 160, Y: 120, Height: 34},
			{Text: "京A9K7M2", Color: plate.ColorYellow, X: 460, Y: 260, Height: 40, Angle: 0.05},
		}},
		{"new energy", []synth.ScenePlate{
			{Text: "沪AD12345", Color: plate.ColorGreen, X: 320, Y: 180, Height: 36, Angle: -0.04},
		}},
		{"police and hong kong", []synth.ScenePlate{
			{Text: "苏E0001警", Color: plate.ColorWhite, X: 180, Y: 250, Height: 36},
			{Text: "粤Z1234港", Color: plate.ColorBlack, X: 470, Y: 110, Height: 36},
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pic, boxes, err := set.Scene(rand.New(rand.NewPCG(42, uint64(i))), 640, 360, tc.plates)
			require.NoError(t, err)
			start := time.Now()
			got, err := c.Read(pic, image.Rectangle{}, 0)
			t.Logf("%d findings in %v", len(got), time.Since(start))
			require.NoError(t, err)
			for k, p := range tc.plates {
				best := -1
				for j, f := range got {
					if iou(f.Box, boxes[k]) >= 0.5 && (best < 0 || f.Conf > got[best].Conf) {
						best = j
					}
				}
				for _, f := range got {
					t.Logf("finding %q conf %.2f box %v color %v (want box %v)", f.Text, f.Conf, f.Box, f.Color, boxes[k])
				}
				require.GreaterOrEqual(t, best, 0, "plate %s not found", p.Text)
				require.Equal(t, p.Text, got[best].Text)
				require.Equal(t, p.Color, got[best].Color)
			}
		})
	}
}

// TestRecognizeHeldOutSynthetic reads random synthetic crops drawn from a random
// stream the trainer never uses.
func TestRecognizeHeldOutSynthetic(t *testing.T) {
	set := loadGlyphs(t)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	const n = 200
	whole, chars, total := 0, 0, 0
	for i := range n {
		cr, err := set.RandomCrop(rand.New(rand.NewPCG(777, uint64(i))))
		require.NoError(t, err)
		f, err := c.Recognize(cr.Pic)
		require.NoError(t, err)
		if f.Text == cr.Text {
			whole++
		}
		w, g := []rune(cr.Text), []rune(f.Text)
		for k := range w {
			total++
			if k < len(g) && g[k] == w[k] {
				chars++
			}
		}
	}
	wp, cp := float64(whole)/n, float64(chars)/float64(total)
	t.Logf("held-out synthetic crops: whole-plate %.1f%%, characters %.1f%%", 100*wp, 100*cp)
	require.GreaterOrEqual(t, wp, heldOutWholeFloor)
	require.GreaterOrEqual(t, cp, heldOutCharFloor)
}

// Floors about 5 points under the measured figures (see README.md).
const (
	heldOutWholeFloor = 0.76
	heldOutCharFloor  = 0.845
)

func TestReadROIAndMinHeight(t *testing.T) {
	set := loadGlyphs(t)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	pic, boxes, err := set.Scene(rand.New(rand.NewPCG(43, 1)), 640, 360, []synth.ScenePlate{
		{Text: "粤B12345", Color: plate.ColorBlue, X: 160, Y: 120, Height: 34},
		{Text: "浙A6M88Q", Color: plate.ColorBlue, X: 470, Y: 250, Height: 34},
	})
	require.NoError(t, err)
	roi := image.Rect(340, 180, 620, 330)
	got, err := c.Read(pic, roi, 0)
	require.NoError(t, err)
	require.Len(t, got, 1, "only the plate inside the roi")
	require.Equal(t, "浙A6M88Q", got[0].Text)
	require.GreaterOrEqual(t, iou(got[0].Box, boxes[1]), 0.5, "box in picture pixels")
	require.True(t, got[0].Box.In(roi.Inset(-4)))
	require.True(t, got[0].Crop.Valid())
	require.Len(t, got[0].CharConf, 7)

	got, err = c.Read(pic, image.Rectangle{}, 80)
	require.NoError(t, err)
	require.Empty(t, got, "both plates are under 80 px high")
}
