package synth

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestRotatedBoxBounds(t *testing.T) {
	cases := []struct {
		name string
		box  RotatedBox
		want image.Rectangle
	}{
		{"upright", RotatedBox{CX: 100, CY: 50, W: 40, H: 10}, image.Rect(80, 45, 120, 55)},
		{"quarter turn", RotatedBox{CX: 100, CY: 50, W: 40, H: 10, Angle: -90}, image.Rect(95, 30, 105, 70)},
		{"opencv style -86", RotatedBox{CX: 298, CY: 229, W: 50, H: 175, Angle: -86}, image.Rect(209, 198, 387, 260)},
		{"30 degrees", RotatedBox{CX: 0, CY: 0, W: 20, H: 0, Angle: 30}, image.Rect(-9, -5, 9, 5)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, c.box.Bounds()) })
	}
}

func TestStillOptionsValidate(t *testing.T) {
	cases := []struct {
		o   StillOptions
		err string
	}{
		{StillOptions{N: 0}, "n: 0"},
		{StillOptions{N: 10001}, "n: 10001"},
		{StillOptions{N: 3, Width: 100, Height: 100}, "width/height"},
	}
	for _, c := range cases {
		_, err := WriteStills(context.Background(), c.o, t.TempDir())
		require.ErrorContains(t, err, c.err)
	}
}

// TestWriteStills generates every style (and a few more) and checks the pictures against
// their truth: sizes, every kind and colour, plates inside the picture and of the
// right colour where the truth puts them, the TSV matching the in-memory truth, and
// byte-identical output for the same seed.
func TestWriteStills(t *testing.T) {
	ctx := context.Background()
	o := StillOptions{N: len(plateStyles) + 3, Seed: 3}
	a, err := WriteStills(ctx, o, t.TempDir())
	require.NoError(t, err)
	require.Len(t, a.Stills, o.N)

	kinds, colors, modes := map[plate.Kind]int{}, map[string]int{}, map[string]int{}
	for _, s := range a.Stills {
		p := plate.Parse(s.Text)
		require.True(t, p.Valid, "%s: %s", s.Text, p.Reason)
		kinds[p.Kind]++
		colors[s.Color]++
		modes[s.Mode]++
		require.Equal(t, s.Rows == 2, p.Kind == plate.KindTrailer || s.Color == PlateYellow && p.Kind == plate.KindOrdinary && s.Rows == 2)

		img := decodeJPEG(t, filepath.Join(a.Dir, s.Image))
		require.Equal(t, image.Rect(0, 0, 640, 480), img.Bounds())
		b := s.Box.Bounds()
		require.True(t, b.In(img.Bounds()), "%s: plate %v outside the picture", s.Image, b)
		require.True(t, s.Box.W >= 79 && s.Box.W <= 221 && b.Dx() <= 240, "%s: plate %d px wide", s.Image, b.Dx())
		require.Equal(t, s.Color, guessColor(img, s.Box), "%s (%s, %s)", s.Image, s.Text, s.Mode)
	}
	require.Len(t, kinds, 12)
	for _, c := range plateColors {
		require.Positive(t, colors[c], c)
	}
	require.Positive(t, modes[StillCar])
	require.Positive(t, modes[StillCloseUp])
	tsv := readStillsTSV(t, a.TruthPath)
	require.Len(t, tsv, len(a.Stills))
	for i, s := range a.Stills {
		got := tsv[i]
		require.Equal(t, [3]string{s.Image, s.Text, s.Color}, [3]string{got.Image, got.Text, got.Color})
		require.InDelta(t, 0, math.Abs(s.Box.CX-got.Box.CX)+math.Abs(s.Box.CY-got.Box.CY)+math.Abs(s.Box.W-got.Box.W)+math.Abs(s.Box.H-got.Box.H), 1e-9)
		require.InDelta(t, s.Box.Angle, got.Box.Angle, 0.5)
	}

	// Picture i depends only on the seed and i: a shorter set is a prefix of this one.
	o.N = 4
	b, err := WriteStills(ctx, o, t.TempDir())
	require.NoError(t, err)
	for _, s := range append([]Still{{Image: StillsTruthFile}}, a.Stills[:o.N]...) {
		x, err := os.ReadFile(filepath.Join(a.Dir, s.Image))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b.Dir, s.Image))
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(x, y) && len(y) > 0, "%s differs between runs", s.Image)
	}
	o.Seed++
	c, err := WriteStills(ctx, StillOptions{N: 1, Seed: o.Seed}, t.TempDir())
	require.NoError(t, err)
	require.NotEqual(t, a.Stills[0].Text, c.Stills[0].Text)
}

// TestStillsSmallPictures: at the smallest size the plates still fit the picture.
func TestStillsSmallPictures(t *testing.T) {
	set, err := WriteStills(context.Background(), StillOptions{N: 3, Seed: 5, Width: 480, Height: 360}, t.TempDir())
	require.NoError(t, err)
	for _, s := range set.Stills {
		img := decodeJPEG(t, filepath.Join(set.Dir, s.Image))
		require.Equal(t, image.Rect(0, 0, 480, 360), img.Bounds())
		require.True(t, s.Box.Bounds().In(img.Bounds()), "%s: plate %v outside the picture", s.Image, s.Box.Bounds())
	}
}

func TestStillsCache(t *testing.T) {
	t.Setenv(CacheEnv, t.TempDir())
	o := StillOptions{N: 2, Seed: 9}
	a, err := Stills(context.Background(), o)
	require.NoError(t, err)
	st1, err := os.Stat(a.TruthPath)
	require.NoError(t, err)
	b, err := Stills(context.Background(), o)
	require.NoError(t, err)
	require.Equal(t, a, b)
	st2, err := os.Stat(b.TruthPath)
	require.NoError(t, err)
	require.Equal(t, st1.ModTime(), st2.ModTime(), "the second call reuses the set")
	c, err := Stills(context.Background(), StillOptions{N: 3, Seed: 9})
	require.NoError(t, err)
	require.NotEqual(t, a.Dir, c.Dir)
}

func decodeJPEG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := jpeg.Decode(f)
	require.NoError(t, err)
	return img
}

// guessColor names the plate colour from the per-channel medians of the middle of
// the plate (the background is most of it, the characters about a third): a
// deliberately simple check that the right paint landed in the right place.
func guessColor(img image.Image, b RotatedBox) string {
	var ch [3][]float64
	for y := int(b.CY - b.H*0.3); y <= int(b.CY+b.H*0.3); y++ {
		for x := int(b.CX - b.W*0.3); x <= int(b.CX+b.W*0.3); x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			ch[0], ch[1], ch[2] = append(ch[0], float64(r>>8)), append(ch[1], float64(g>>8)), append(ch[2], float64(bl>>8))
		}
	}
	var m [3]float64
	for k := range ch {
		slices.Sort(ch[k])
		m[k] = ch[k][len(ch[k])/2]
	}
	r, g, bl := m[0], m[1], m[2]
	hi, lo := max(r, g, bl), min(r, g, bl)
	switch {
	case hi-lo < 0.3*hi && hi < 80:
		return PlateBlack
	case hi-lo < 0.3*hi:
		return PlateWhite
	case bl == hi:
		return PlateBlue
	case g == hi:
		return PlateGreen
	case r > 1.25*bl && g > 1.25*bl:
		return PlateYellow
	}
	return "unknown"
}

func readStillsTSV(t *testing.T, path string) []Still {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []Still
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 3)
		label := strings.SplitN(cols[1], ":", 2)
		c, err := plate.ParseColor(label[0])
		require.NoError(t, err)
		var v [5]float64
		for i, s := range strings.Split(cols[2], ",") {
			v[i], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		out = append(out, Still{Image: cols[0], Text: label[1], Color: c.String(), Box: RotatedBox{v[0], v[1], v[2], v[3], v[4]}})
	}
	require.NoError(t, sc.Err())
	return out
}
