package synth

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestPlateDefaults(t *testing.T) {
	cases := []struct {
		name, text string
		rows       int
		wantColor  string
		wantRows   int
	}{
		{"ordinary", "粤D·12345", 0, PlateBlue, 0},
		{"spelled-out single row", "粤D·12345", 1, PlateBlue, 0},
		{"new energy small", "粤B·D12345", 0, PlateGreen, 0},
		{"new energy large", "沪A·12116D", 0, PlateGreen, 0},
		{"police", "京A·0001警", 0, PlateWhite, 0},
		{"coach", "粤A·1234学", 0, PlateYellow, 0},
		{"trailer is double-row", "苏E·1234挂", 0, PlateYellow, 2},
		{"hong kong", "粤Z·1234港", 0, PlateBlack, 0},
		{"embassy", "使014·578", 0, PlateBlack, 0},
		{"consulate", "沪A·1234领", 0, PlateBlack, 0},
		{"military", "VA·12345", 0, PlateWhite, 0},
		{"armed police", "WJ粤·12345", 0, PlateWhite, 0},
		{"foreign", "B123ABC", 0, PlateBlue, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := normalizeActor(Actor{ID: 1, Class: ClassCar, Plate: c.text, PlateRows: c.rows, Path: []Waypoint{{}}})
			require.Equal(t, c.wantColor, a.PlateColor)
			require.Equal(t, c.wantRows, a.PlateRows)
			require.NoError(t, validateActor(0, a))
		})
	}
}

// TestPlateStylesParse: every still style makes numbers of its own kind, and together
// the styles cover every kind and colour.
func TestPlateStylesParse(t *testing.T) {
	kinds, colors := map[plate.Kind]bool{}, map[string]bool{}
	for i, st := range plateStyles {
		r := newRand(5, uint64(i))
		for range 50 {
			text := st.gen(r)
			p := plate.Parse(text)
			require.True(t, p.Valid, "style %d: %s: %s", i, text, p.Reason)
			require.Equal(t, st.kind, p.Kind, text)
			c, err := plate.ParseColor(st.color)
			require.NoError(t, err)
			require.True(t, plate.CheckColor(p, c), "%s is not %s", text, st.color)
			require.NoError(t, validatePlate(Actor{Plate: text, PlateColor: st.color, PlateRows: st.rows}))
		}
		kinds[st.kind], colors[st.color] = true, true
	}
	require.Len(t, kinds, 12, "every kind but unknown")
	require.ElementsMatch(t, plateColors, keys(colors))
}

func keys[K comparable, V any](m map[K]V) []K {
	var out []K
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestPlateLooks renders one plate of each style at 1 px/mm and checks its paint:
// the background next to the top-left corner (and the right end for yellow-green
// plates), the gradient of small new-energy plates, red characters exactly where GA 36
// puts them, ink on both rows of double-row plates, and the plate's size.
func TestPlateLooks(t *testing.T) {
	cases := []struct {
		text, color   string
		rows          int
		bg, bgRight   rgb
		red           bool
		wMM, hMM      int
		gradient, two bool
	}{
		{text: "粤D·12345", color: PlateBlue, bg: paintBlue, wMM: 440, hMM: 140},
		{text: "沪C·3Q2R5", color: PlateYellow, bg: paintYellow, wMM: 440, hMM: 140},
		{text: "鲁C·6Y337", color: PlateYellow, rows: 2, bg: paintYellow, wMM: 440, hMM: 220, two: true},
		{text: "粤B·D12345", color: PlateGreen, bg: mix(paintGreenTop, paintGreen, 10.5/140*1.25), wMM: 480, hMM: 140, gradient: true},
		{text: "沪A·12116D", color: PlateGreen, bg: paintYellow, bgRight: paintGreen, wMM: 480, hMM: 140},
		{text: "苏A·0417警", color: PlateWhite, bg: paintWhite, red: true, wMM: 440, hMM: 140},
		{text: "浙A·3861学", color: PlateYellow, bg: paintYellow, wMM: 440, hMM: 140},
		{text: "豫H·0526挂", color: PlateYellow, rows: 2, bg: paintYellow, wMM: 440, hMM: 220, two: true},
		{text: "粤Z·F023港", color: PlateBlack, bg: paintBlack, wMM: 440, hMM: 140},
		{text: "粤Z·1A07澳", color: PlateBlack, bg: paintBlack, wMM: 440, hMM: 140},
		{text: "使014·578", color: PlateBlack, bg: paintBlack, red: true, wMM: 440, hMM: 140},
		{text: "沪A·0032领", color: PlateBlack, bg: paintBlack, red: true, wMM: 440, hMM: 140},
		{text: "VA·10568", color: PlateWhite, bg: paintWhite, red: true, wMM: 440, hMM: 140},
		{text: "WJ川·16254", color: PlateWhite, bg: paintWhite, red: true, wMM: 440, hMM: 140},
	}
	var runes []rune
	for _, c := range cases {
		runes = append(runes, plateRunes(c.text)...)
	}
	glyphs, err := rasterGlyphs(context.Background(), dedupe(runes))
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			w, h := plateSizeMM(c.text, c.rows)
			require.Equal(t, [2]float64{float64(c.wMM), float64(c.hMM)}, [2]float64{w, h})
			pi := renderPlate(c.text, c.color, c.rows, glyphs, c.wMM, c.hMM)
			at := func(x, y int) rgb { return pi.pix[y*pi.w+x] }
			requireNear(t, c.bg, at(9, 10), "background")
			if c.bgRight != (rgb{}) {
				requireNear(t, c.bgRight, at(c.wMM-9, 10), "right part")
			}
			if c.gradient {
				top, bottom := at(9, 6), at(9, c.hMM-8)
				require.Greater(t, int(top[0]), int(bottom[0])+80, "lighter at the top")
				require.Greater(t, int(bottom[1]), int(bottom[0])+60, "green at the bottom")
			}
			require.Equal(t, c.red, countRed(pi, 0, pi.h) > 40, "red characters")
			if c.two {
				require.Greater(t, countInk(pi, c.bg, 15, 75), 300, "top row")
				require.Greater(t, countInk(pi, c.bg, 92, 202), 1500, "bottom row")
			}
		})
	}
}

func dedupe(rs []rune) []rune {
	seen := map[rune]bool{}
	var out []rune
	for _, r := range rs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func requireNear(t *testing.T, want, got rgb, what string) {
	t.Helper()
	for k := range 3 {
		require.LessOrEqual(t, math.Abs(float64(want[k])-float64(got[k])), 4.0, "%s: want %v, got %v", what, want, got)
	}
}

// countRed counts clearly red pixels in rows [y0, y1).
func countRed(pi *plateImage, y0, y1 int) int {
	n := 0
	for _, p := range pi.pix[y0*pi.w : y1*pi.w] {
		if p[0] > 150 && p[1] < 110 && p[2] < 110 {
			n++
		}
	}
	return n
}

// countInk counts pixels in rows [y0, y1) (inside the frame) far from the background.
func countInk(pi *plateImage, bg rgb, y0, y1 int) int {
	n := 0
	for y := y0; y < y1; y++ {
		for x := 8; x < pi.w-8; x++ {
			p := pi.pix[y*pi.w+x]
			d := math.Abs(float64(p[0])-float64(bg[0])) + math.Abs(float64(p[1])-float64(bg[1])) + math.Abs(float64(p[2])-float64(bg[2]))
			if d > 150 {
				n++
			}
		}
	}
	return n
}
