package seg_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/synth"
)

// TestSegmentAlignsSyntheticCrops photographs random plates and checks that the
// layout of the right length puts every slot on its character.
func TestSegmentAlignsSyntheticCrops(t *testing.T) {
	set, err := synth.Load(context.Background(), glyph.Classes)
	require.NoError(t, err, "needs ffmpeg and the fonts of scripts/setup.sh")
	const n = 300
	plates, aligned := 0, 0
	for i := range n {
		c, err := set.RandomCrop(rand.New(rand.NewPCG(5, uint64(i))))
		require.NoError(t, err)
		s := seg.Segment(c.Pic)
		ok := false
		for _, row := range s.Rows {
			if row.Len != len(c.Centres) {
				continue
			}
			ok = true
			for k, slot := range row.Slots {
				mid := s.ToCrop(seg.Point{X: float64(slot.Min.X+slot.Max.X) / 2, Y: float64(slot.Min.Y+slot.Max.Y) / 2})
				if math.Abs(mid.X-c.Centres[k].X) > 0.3*c.Pitch || math.Abs(mid.Y-c.Centres[k].Y) > 0.5*c.Pitch {
					ok = false
				}
			}
		}
		plates++
		if !ok && testing.Verbose() {
			t.Logf("%d %s %v %dx%d angle %.2f shear %.2f band %d-%d", i, c.Text, c.Color, c.Pic.W, c.Pic.H, s.Angle, s.Shear, s.Top, s.Bottom)
		}
		if ok {
			aligned++
		}
	}
	t.Logf("%d of %d synthetic crops segmented on every character", aligned, plates)
	require.GreaterOrEqual(t, float64(aligned)/float64(plates), 0.88, "measured 0.93")
}
