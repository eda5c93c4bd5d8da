package lpr

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/synth"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// bgr colours of the car fronts the distractors are painted on.
var (
	bodyRed   = [3]byte{30, 30, 165}
	bodyWhite = [3]byte{228, 225, 225}
	bodyDark  = [3]byte{45, 40, 40}
	lampWhite = [3]byte{215, 235, 235}
	grilleBar = [3]byte{190, 190, 190}
)

// fill paints r in colour c.
func fill(pic plate.Picture, r image.Rectangle, c [3]byte) {
	r = r.Intersect(image.Rect(0, 0, pic.W, pic.H))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			copy(pic.Pix[(y*pic.W+x)*3:], c[:])
		}
	}
}

// soften box-blurs r (3×3), as optics and compression would.
func soften(pic plate.Picture, r image.Rectangle) {
	src := append([]byte(nil), pic.Pix...)
	r = r.Intersect(image.Rect(1, 1, pic.W-1, pic.H-1))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			for k := range 3 {
				s := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += int(src[((y+dy)*pic.W+x+dx)*3+k])
					}
				}
				pic.Pix[(y*pic.W+x)*3+k] = byte(s / 9)
			}
		}
	}
}

// The parts of a car front that the locator takes for plates: a dark block (grille
// opening, wheel, air intake) framed by a bright body, whose two edges read as 1s;
// a grille of bright bars at about a plate's character pitch; a bright lamp on a
// dark body. Each is painted at 2-3 times a plate's height so the locator finds it.
var distractors = []struct {
	name  string
	paint func(pic plate.Picture, at image.Point)
}{
	{"dark block in a red body", func(pic plate.Picture, at image.Point) {
		fill(pic, image.Rect(0, 0, 150, 70).Add(at), bodyRed)
		fill(pic, image.Rect(22, 14, 128, 56).Add(at), bodyDark)
	}},
	{"dark block in a white body", func(pic plate.Picture, at image.Point) {
		fill(pic, image.Rect(0, 0, 150, 70).Add(at), bodyWhite)
		fill(pic, image.Rect(20, 16, 130, 54).Add(at), bodyDark)
	}},
	{"grille of bright bars", func(pic plate.Picture, at image.Point) {
		fill(pic, image.Rect(0, 0, 150, 60).Add(at), bodyDark)
		for x := 12; x+5 <= 140; x += 16 {
			fill(pic, image.Rect(x, 6, x+5, 54).Add(at), grilleBar)
		}
	}},
	{"bars running through a bumper", func(pic plate.Picture, at image.Point) {
		fill(pic, image.Rect(0, 0, 150, 70).Add(at), bodyWhite)
		fill(pic, image.Rect(0, 16, 150, 54).Add(at), bodyDark)
		for x := 10; x+5 <= 145; x += 15 {
			fill(pic, image.Rect(x, 0, x+5, 70).Add(at), bodyDark)
		}
	}},
	{"lamp on a dark body", func(pic plate.Picture, at image.Point) {
		fill(pic, image.Rect(0, 0, 150, 70).Add(at), bodyDark)
		fill(pic, image.Rect(25, 18, 125, 52).Add(at), lampWhite)
	}},
}

// TestReadRejectsCarParts puts one real plate and one car part into a scene: the
// plate is read, the part yields no finding.
func TestReadRejectsCarParts(t *testing.T) {
	set := loadGlyphs(t)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	for i, d := range distractors {
		t.Run(d.name, func(t *testing.T) {
			pic, boxes, err := set.Scene(rand.New(rand.NewPCG(44, uint64(i))), 640, 360, []synth.ScenePlate{
				{Text: "粤B12345", Color: plate.ColorBlue, X: 160, Y: 180, Height: 34},
			})
			require.NoError(t, err)
			at := image.Pt(400, 140)
			d.paint(pic, at)
			soften(pic, image.Rect(0, 0, 160, 80).Add(at).Inset(-2))
			got, err := c.Read(pic, image.Rectangle{}, 0)
			require.NoError(t, err)
			part := image.Rect(0, 0, 150, 70).Add(at)
			found := false
			for _, f := range got {
				require.False(t, f.Box.Overlaps(part), "the %s was read as plate %q (conf %.2f) at %v", d.name, f.Text, f.Conf, f.Box)
				if iou(f.Box, boxes[0]) >= 0.5 && f.Text == "粤B12345" {
					found = true
				}
			}
			require.True(t, found, "the real plate beside the %s is read: %+v", d.name, got)
		})
	}
}

// TestVerifyCrops reads crops of car parts as the locator hands them over (the
// region grown around it) with and without verification: unverified, the
// classifier names a plate of 1s; verified, nothing is read.
func TestVerifyCrops(t *testing.T) {
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	cases := []struct {
		name  string
		w, h  int
		paint func(pic plate.Picture)
	}{
		{"dark block framed by a bright body", 101, 46, func(pic plate.Picture) {
			fill(pic, image.Rect(0, 0, 101, 46), bodyWhite)
			fill(pic, image.Rect(11, 7, 91, 39), bodyDark)
		}},
		{"dark block open at the bottom", 101, 46, func(pic plate.Picture) {
			fill(pic, image.Rect(0, 0, 101, 46), lampWhite)
			fill(pic, image.Rect(10, 6, 92, 46), bodyDark)
		}},
		{"grille bars with a margin", 120, 46, func(pic plate.Picture) {
			fill(pic, image.Rect(0, 0, 120, 46), bodyDark)
			for x := 6; x+4 <= 116; x += 15 {
				fill(pic, image.Rect(x, 8, x+4, 38), grilleBar)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pic := plate.Picture{W: tc.w, H: tc.h, Pix: make([]byte, tc.w*tc.h*3)}
			tc.paint(pic)
			soften(pic, image.Rect(0, 0, tc.w, tc.h))
			raw := c.readPlate(pic, false)
			require.NotEmpty(t, raw.text, "unverified, the classifier names something")
			got := c.readPlate(pic, true)
			require.Empty(t, got.text, "verified, nothing is read (unverified: %q, conf %.2f)", raw.text, raw.conf)
		})
	}
}

// TestVerifyKeepsPlates reads random synthetic plate crops with and without
// verification: the check must not drop real plates.
func TestVerifyKeepsPlates(t *testing.T) {
	set := loadGlyphs(t)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	const n = 100
	kept, right := 0, 0
	for i := range n {
		cr, err := set.RandomCrop(rand.New(rand.NewPCG(991, uint64(i))))
		require.NoError(t, err)
		raw := c.readPlate(cr.Pic, false)
		if raw.text != cr.Text {
			continue // only plates read right unverified count
		}
		right++
		if c.readPlate(cr.Pic, true).text == cr.Text {
			kept++
		}
	}
	t.Logf("verification kept %d of %d plates read right", kept, right)
	require.Greater(t, right, n/2)
	require.GreaterOrEqual(t, float64(kept), 0.95*float64(right), "measured: 89 of 92")
}
