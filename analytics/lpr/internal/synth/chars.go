package synth

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
)

// plateFontShare is the share of Latin characters drawn in the plate-font skeletons.
const plateFontShare = 0.5

// Sample is one training character: a grey picture (ink bright), the slot a
// segmenter would hand to glyph.Cut, and the class.
type Sample struct {
	Img   glyph.Image
	Slot  image.Rectangle
	Class int
}

// Char renders one degraded character of class (an index into glyph.Classes) the way
// it appears on a rectified plate: its neighbours, the frame, the separator dot and
// rivets sometimes intrude, the slot is jittered as segmentation jitters it, and blur,
// noise, uneven light and JPEG follow.
func (s *Set) Char(rng *rand.Rand, class int) (Sample, error) {
	if class < 0 || class >= len(glyph.Classes) {
		return Sample{}, fmt.Errorf("synth: class %d out of range", class)
	}
	r := glyph.Classes[class]
	sh := s.pick(r, rng.IntN(16), rng.Float64() < plateFontShare)
	if sh == nil {
		return Sample{}, fmt.Errorf("synth: no shape for %q", r)
	}
	chinese := glyph.IsChinese(class)

	hc := uniform(rng, 12, 38)
	wc := charWidth(rng, sh, hc, chinese)
	side := hc * 0.75 // room for a neighbour on each side
	mt, mb := hc*uniform(rng, 0.12, 0.5), hc*uniform(rng, 0.12, 0.5)
	w := int(math.Ceil(wc + 2*side))
	h := int(math.Ceil(hc + mt + mb))
	cov := make([]float32, w*h)
	x0, y0 := side, mt
	shear, rot := uniform(rng, -0.18, 0.18), uniform(rng, -0.05, 0.05)
	bold := uniform(rng, -0.035, 0.035) * float64(sh.H)
	sh.Paint(cov, w, h, Placement{X: x0, Y: y0, W: wc, H: hc, Shear: shear, Rot: rot, Bold: bold})

	s.neighbours(rng, cov, w, h, x0, y0, wc, hc, shear, chinese)
	clutter(rng, cov, w, h, x0, y0, wc, hc)

	img := shade(rng, cov, w, h)
	slot := image.Rect(
		int(math.Round(x0-hc*uniform(rng, -0.06, 0.22))),
		int(math.Round(y0-hc*uniform(rng, -0.05, 0.12))),
		int(math.Round(x0+wc+hc*uniform(rng, -0.06, 0.22))),
		int(math.Round(y0+hc+hc*uniform(rng, -0.05, 0.12))),
	).Intersect(image.Rect(0, 0, w, h))
	return Sample{Img: img, Slot: slot, Class: class}, nil
}

// charWidth picks the drawn width: Chinese characters are squeezed into the 45×90 mm
// cell; Latin ones drift towards the plate font's half-height width, except narrow
// glyphs such as 1, which stay narrow.
func charWidth(rng *rand.Rand, sh *Shape, hc float64, chinese bool) float64 {
	natural := float64(sh.W) / float64(sh.H)
	switch {
	case chinese:
		return hc * uniform(rng, 0.4, 0.56)
	case natural < 0.33:
		return hc * natural * uniform(rng, 0.8, 1.25)
	default:
		a := natural + (0.5-natural)*rng.Float64()
		return hc * a * uniform(rng, 0.85, 1.1)
	}
}

// neighbours paints parts of the characters (or the frame) beside the glyph.
func (s *Set) neighbours(rng *rand.Rand, cov []float32, w, h int, x0, y0, wc, hc, shear float64, chinese bool) {
	for _, left := range []bool{true, false} {
		gap := hc * uniform(rng, 0.08, 0.35)
		switch p := rng.Float64(); {
		case p < 0.15 && (chinese || left):
			// plate frame: a vertical bar
			t := max(1, hc*uniform(rng, 0.04, 0.1))
			x := x0 - gap - t
			if !left {
				x = x0 + wc + gap
			}
			fillRect(cov, w, h, x, 0, t, float64(h))
		case p < 0.25 && !chinese:
			// separator dot
			d := hc * uniform(rng, 0.08, 0.14)
			x := x0 - gap - d
			if !left {
				x = x0 + wc + gap
			}
			fillDisk(cov, w, h, x+d/2, y0+hc/2, d/2)
		case p < 0.85 && !(chinese && left):
			n := rng.IntN(len(glyph.Digits) + len(glyph.Letters))
			nb := s.pick(glyph.Classes[n], rng.IntN(16), rng.Float64() < plateFontShare)
			if nb == nil {
				continue
			}
			nw := charWidth(rng, nb, hc, false)
			x := x0 - gap - nw
			if !left {
				x = x0 + wc + gap
			}
			nb.Paint(cov, w, h, Placement{X: x, Y: y0 + hc*uniform(rng, -0.04, 0.04), W: nw, H: hc, Shear: shear,
				Bold: uniform(rng, -0.035, 0.035) * float64(nb.H)})
		}
	}
}

// clutter adds the plate's frame lines above or below and rivets.
func clutter(rng *rand.Rand, cov []float32, w, h int, x0, y0, wc, hc float64) {
	if rng.Float64() < 0.2 {
		t := max(1, hc*uniform(rng, 0.04, 0.1))
		fillRect(cov, w, h, 0, y0-hc*uniform(rng, 0.06, 0.3)-t, float64(w), t)
	}
	if rng.Float64() < 0.2 {
		t := max(1, hc*uniform(rng, 0.04, 0.1))
		fillRect(cov, w, h, 0, y0+hc+hc*uniform(rng, 0.06, 0.3), float64(w), t)
	}
	if rng.Float64() < 0.1 {
		rad := hc * uniform(rng, 0.05, 0.1)
		y := y0 - rad*1.5
		if rng.IntN(2) == 0 {
			y = y0 + hc + rad*1.5
		}
		fillDisk(cov, w, h, x0+wc*rng.Float64(), y, rad)
	}
}

// shade turns coverage into a degraded grey picture.
func shade(rng *rand.Rand, cov []float32, w, h int) glyph.Image {
	bg := uniform(rng, 0, 0.45)
	contrast := uniform(rng, 0.18, 1-bg)
	grad := uniform(rng, -0.15, 0.15)
	p := make([]float32, w*h)
	for y := range h {
		for x := range w {
			light := grad * (float64(x)/float64(w) - 0.5)
			p[y*w+x] = float32(bg + light + contrast*float64(cov[y*w+x]))
		}
	}
	blur(p, w, h, uniform(rng, 0.2, 1.1))
	noise(rng, p, min(0.04, contrast*uniform(rng, 0, 0.15)))
	clamp01(p)
	if rng.Float64() < 0.5 {
		jpegRoundTrip(p, w, h, 35+rng.IntN(56))
	}
	return glyph.Image{W: w, H: h, Pix: p}
}

func fillRect(cov []float32, w, h int, x, y, rw, rh float64) {
	for py := max(0, int(math.Floor(y))); py < min(h, int(math.Ceil(y+rh))); py++ {
		fy := math.Min(float64(py+1), y+rh) - math.Max(float64(py), y)
		for px := max(0, int(math.Floor(x))); px < min(w, int(math.Ceil(x+rw))); px++ {
			fx := math.Min(float64(px+1), x+rw) - math.Max(float64(px), x)
			cov[py*w+px] = max(cov[py*w+px], float32(fx*fy))
		}
	}
}

func fillDisk(cov []float32, w, h int, cx, cy, r float64) {
	for py := max(0, int(cy-r-1)); py < min(h, int(cy+r+2)); py++ {
		for px := max(0, int(cx-r-1)); px < min(w, int(cx+r+2)); px++ {
			d := math.Hypot(float64(px)+0.5-cx, float64(py)+0.5-cy)
			cov[py*w+px] = max(cov[py*w+px], float32(min(1, max(0, r-d+0.5))))
		}
	}
}
