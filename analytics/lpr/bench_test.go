package lpr

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/synth"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// BenchmarkRead640x360 reads a 640×360 street-like frame holding two plates.
func BenchmarkRead640x360(b *testing.B) {
	set := loadGlyphs(b)
	pic, _, err := set.Scene(rand.New(rand.NewPCG(7, 7)), 640, 360, []synth.ScenePlate{
		{Text: "粤B12345", Color: plate.ColorBlue, X: 160, Y: 120, Height: 34},
		{Text: "沪AD12345", Color: plate.ColorGreen, X: 460, Y: 260, Height: 36},
	})
	require.NoError(b, err)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Read(pic, image.Rectangle{}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecognize94x24 reads one crop of the size of the crops data set.
func BenchmarkRecognize94x24(b *testing.B) {
	set := loadGlyphs(b)
	flat, err := set.DrawPlate("皖A12345", plate.ColorBlue, 24.0/140, synth.RandomStyle(rand.New(rand.NewPCG(1, 1))))
	require.NoError(b, err)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Recognize(flat.Pic); err != nil {
			b.Fatal(err)
		}
	}
}
