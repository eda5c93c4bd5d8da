package synth

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestRandomTextFollowsGA36(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	kinds := map[plate.Kind]int{}
	for range 2000 {
		text, col := RandomText(rng)
		p := plate.Parse(text)
		require.True(t, p.Valid, "%s: %s", text, p.Reason)
		require.True(t, plate.CheckColor(p, col), "%s is not %v", text, col)
		kinds[p.Kind]++
	}
	for _, k := range []plate.Kind{plate.KindOrdinary, plate.KindPolice, plate.KindCoach, plate.KindTrailer,
		plate.KindHongKong, plate.KindMacau, plate.KindConsulate, plate.KindEmbassy,
		plate.KindNewEnergySmall, plate.KindNewEnergyLarge} {
		require.Positive(t, kinds[k], "no %v plate drawn", k)
	}
}

func TestSkeletonsCoverTheLatinClasses(t *testing.T) {
	sk := skeletons()
	for _, r := range glyph.Digits + glyph.Letters {
		strokes, ok := sk[r]
		require.True(t, ok, "no skeleton for %q", r)
		sh := skeletonShape(strokes)
		require.Positive(t, sh.W)
		require.Equal(t, fontH*plateFontScale, float64(sh.H))
	}
}

func TestDrawPlate(t *testing.T) {
	set, err := Load(context.Background(), glyph.Classes)
	require.NoError(t, err, "needs ffmpeg and the fonts of scripts/setup.sh")
	cases := []struct {
		name  string
		text  string
		color plate.Color
		want  string
	}{
		{"blue", "粤B12345", plate.ColorBlue, ""},
		{"green new energy", "沪AD12345", plate.ColorGreen, ""},
		{"police", "京A0001警", plate.ColorWhite, ""},
		{"too short", "粤B123", plate.ColorBlue, "5 characters"},
		{"unknown colour", "粤B12345", plate.ColorUnknown, "no plate colour"},
		{"unknown character", "粤B1234Ω", plate.ColorBlue, "no shape"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := set.DrawPlate(tc.text, tc.color, 0.5, RandomStyle(rand.New(rand.NewPCG(1, 2))))
			if tc.want != "" {
				require.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.True(t, f.Pic.Valid())
			require.Len(t, f.Centres, len([]rune(tc.text)))
			require.InDelta(t, 70, f.Pic.H, 1)
			col, _ := plate.ClassifyColor(f.Pic)
			require.Equal(t, tc.color, col)
		})
	}
}
