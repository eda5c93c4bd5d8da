package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// GA 36 geometry in millimetres: character cells of 7-character plates (440×140) and
// of new-energy plates (480×140; our estimate of their spacing), 25 mm from the top.
var (
	cells7 = []float64{15.5, 72.5, 151.5, 208.5, 265.5, 322.5, 379.5}
	cells8 = []float64{16.5, 68.5, 160.5, 212.5, 264.5, 316.5, 368.5, 420.5}
)

const (
	plateHmm = 140.0
	charHmm  = 90.0
	charTop  = 25.0
)

// Point is a position in pixels.
type Point struct{ X, Y float64 }

// Flat is a plate drawn upright: a BGR picture exactly covering the plate and the
// centres of its characters in that picture's pixels.
type Flat struct {
	Pic     plate.Picture
	Centres []Point
	// Pitch is the distance between neighbouring character centres (pixels).
	Pitch float64
}

// Style varies the look of a plate; RandomStyle draws one.
type Style struct {
	LatinFont, CJKFont int     // indices into a rune's shapes (taken modulo)
	Bold               float64 // stroke offset as a share of the master height
	Brightness         float64 // multiplies every colour
	Cast               [3]float64
	Gradient           float64 // left-to-right brightness change
	CJKBold            float64 // stroke offset of Chinese characters
	Rivets             bool
	RivetY, RivetR     float64 // rivet centre below the top and radius, mm
	RivetDX            float64 // rivet shift from the cell centre, mm
	LatinWidth         float64 // share of the 45 mm cell a Latin character fills
	PlateFont          bool    // Latin characters in the plate-font skeletons
}

// RandomStyle draws a plausible style.
func RandomStyle(rng *rand.Rand) Style {
	return Style{
		LatinFont:  rng.IntN(16),
		CJKFont:    rng.IntN(16),
		Bold:       uniform(rng, -0.03, 0.04),
		Brightness: uniform(rng, 0.45, 1.15),
		Cast:       [3]float64{uniform(rng, 0.85, 1.15), uniform(rng, 0.9, 1.1), uniform(rng, 0.85, 1.15)},
		Gradient:   uniform(rng, -0.3, 0.3),
		CJKBold:    uniform(rng, -0.025, 0.03),
		Rivets:     rng.Float64() < 0.7,
		RivetY:     uniform(rng, 8, 20),
		RivetR:     uniform(rng, 3, 5.5),
		RivetDX:    uniform(rng, -8, 8),
		LatinWidth: uniform(rng, 0.78, 1),
		PlateFont:  rng.Float64() < plateFontShare,
	}
}

// colours returns the background (top and bottom, for the new-energy gradient) and
// character colours of a plate colour, RGB in [0, 1].
func colours(c plate.Color) (top, bottom, fg [3]float64, err error) {
	switch c {
	case plate.ColorBlue:
		bg := [3]float64{0.08, 0.28, 0.72}
		return bg, bg, [3]float64{0.93, 0.94, 0.95}, nil
	case plate.ColorYellow:
		bg := [3]float64{0.9, 0.7, 0.08}
		return bg, bg, [3]float64{0.06, 0.06, 0.06}, nil
	case plate.ColorGreen:
		return [3]float64{0.9, 0.96, 0.9}, [3]float64{0.2, 0.72, 0.34}, [3]float64{0.05, 0.05, 0.05}, nil
	case plate.ColorWhite:
		bg := [3]float64{0.93, 0.93, 0.92}
		return bg, bg, [3]float64{0.05, 0.05, 0.05}, nil
	case plate.ColorBlack:
		bg := [3]float64{0.07, 0.07, 0.08}
		return bg, bg, [3]float64{0.93, 0.93, 0.93}, nil
	}
	return top, bottom, fg, fmt.Errorf("synth: no plate colour %v", c)
}

// DrawPlate draws text (7 characters, or 8 for new-energy plates) as an upright
// plate of the given colour at pxPerMM pixels per millimetre.
func (s *Set) DrawPlate(text string, col plate.Color, pxPerMM float64, st Style) (Flat, error) {
	rs := []rune(text)
	cells := cells7
	plateW := 440.0
	cellW := 45.0
	switch len(rs) {
	case 7:
	case 8:
		cells, plateW, cellW = cells8, 480, 43
	default:
		return Flat{}, fmt.Errorf("synth: plate %q has %d characters, want 7 or 8", text, len(rs))
	}
	top, bottom, fg, err := colours(col)
	if err != nil {
		return Flat{}, err
	}
	w, h := int(math.Round(plateW*pxPerMM)), int(math.Round(plateHmm*pxPerMM))
	cov := make([]float32, w*h)
	red := make([]float32, w*h) // coverage of red characters (警 on police plates)
	flat := Flat{Pitch: 57 * pxPerMM}
	for i, r := range rs {
		var sh *Shape
		cw := cellW * pxPerMM
		ch := charHmm * pxPerMM
		if r < 128 {
			sh = s.pick(r, st.LatinFont, st.PlateFont)
		} else {
			sh = s.pick(r, st.CJKFont, false)
		}
		if sh == nil {
			return Flat{}, fmt.Errorf("synth: no shape for %q", r)
		}
		if r < 128 {
			if nat := float64(sh.W) / float64(sh.H) * ch; nat < 0.6*cw {
				cw = nat
			} else {
				cw *= st.LatinWidth
			}
		}
		x := cells[i]*pxPerMM + (cellW*pxPerMM-cw)/2
		y := charTop * pxPerMM
		dst := cov
		if r == '警' && col == plate.ColorWhite {
			dst = red
		}
		bold := st.Bold
		if r >= 128 {
			bold = st.CJKBold
		}
		sh.Paint(dst, w, h, Placement{X: x, Y: y, W: cw, H: ch, Bold: bold * float64(sh.H)})
		flat.Centres = append(flat.Centres, Point{x + cw/2, y + ch/2})
	}
	if len(rs) == 7 {
		fillDisk(cov, w, h, (cells[1]+cellW+17)*pxPerMM, 70*pxPerMM, 5*pxPerMM)
	}
	inset, thick := 3*pxPerMM, math.Max(1, 1.5*pxPerMM)
	fillRect(cov, w, h, inset, inset, float64(w)-2*inset, thick)
	fillRect(cov, w, h, inset, float64(h)-inset-thick, float64(w)-2*inset, thick)
	fillRect(cov, w, h, inset, inset, thick, float64(h)-2*inset)
	fillRect(cov, w, h, float64(w)-inset-thick, inset, thick, float64(h)-2*inset)

	flat.Pic = plate.Picture{W: w, H: h, Pix: make([]byte, w*h*3)}
	redFg := [3]float64{0.8, 0.1, 0.1}
	for y := range h {
		t := float64(y) / float64(h-1)
		for x := range w {
			i := y*w + x
			light := st.Brightness * (1 + st.Gradient*(float64(x)/float64(w)-0.5))
			a, ar := float64(cov[i]), float64(red[i])
			for k := range 3 {
				bg := top[k]*(1-t) + bottom[k]*t
				v := bg*(1-a) + fg[k]*a
				v = v*(1-ar) + redFg[k]*ar
				v *= light * st.Cast[k]
				flat.Pic.Pix[i*3+2-k] = uint8(min(255, max(0, math.Round(v*255))))
			}
		}
	}
	if st.Rivets {
		for _, rx := range []float64{cells[1] + cellW/2, cells[len(cells)-2] + cellW/2} {
			rivet(flat.Pic, (rx+st.RivetDX)*pxPerMM, st.RivetY*pxPerMM, st.RivetR*pxPerMM)
		}
	}
	return flat, nil
}

// rivet darkens a small ring and lightens its centre, like a screw head.
func rivet(p plate.Picture, cx, cy, r float64) {
	for y := max(0, int(cy-r-1)); y < min(p.H, int(cy+r+2)); y++ {
		for x := max(0, int(cx-r-1)); x < min(p.W, int(cx+r+2)); x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			if d > r {
				continue
			}
			for k := range 3 {
				v := float64(p.Pix[(y*p.W+x)*3+k])
				if d > r*0.6 {
					v *= 0.5
				} else {
					v = 0.5*v + 0.5*200
				}
				p.Pix[(y*p.W+x)*3+k] = uint8(v)
			}
		}
	}
}

// RandomText draws a plate number and its colour following GA 36: mostly blue and
// yellow ordinary plates, some police, coach, trailer, Hong Kong, Macau, consulate
// and embassy plates, and new-energy plates of both kinds.
func RandomText(rng *rand.Rand) (string, plate.Color) {
	prov := []rune(glyph.Provinces)
	letters := []rune(glyph.Letters)
	digits := []rune(glyph.Digits)
	serial := func(n int, digitShare float64) []rune {
		out := make([]rune, n)
		for i := range out {
			if rng.Float64() < digitShare {
				out[i] = digits[rng.IntN(len(digits))]
			} else {
				out[i] = letters[rng.IntN(len(letters))]
			}
		}
		return out
	}
	head := []rune{prov[rng.IntN(len(prov))], letters[rng.IntN(len(letters))]}
	nev := []rune("ABCDEFGHJK")
	switch p := rng.Float64(); {
	case p < 0.5:
		return string(append(head, serial(5, 0.7)...)), plate.ColorBlue
	case p < 0.68:
		return string(append(head, serial(5, 0.7)...)), plate.ColorYellow
	case p < 0.74:
		return string(append(append(head, serial(4, 0.8)...), '警')), plate.ColorWhite
	case p < 0.78:
		return string(append(append(head, serial(4, 0.8)...), []rune("学挂")[rng.IntN(2)])), plate.ColorYellow
	case p < 0.82:
		return string(append(append([]rune("粤Z"), serial(4, 0.8)...), []rune("港澳")[rng.IntN(2)])), plate.ColorBlack
	case p < 0.84:
		return string(append(append(head, serial(4, 0.8)...), '领')), plate.ColorBlack
	case p < 0.86:
		return string(append([]rune("使"), serial(6, 1)...)), plate.ColorBlack
	case p < 0.94:
		s := append(head, nev[rng.IntN(len(nev))])
		s = append(s, serial(1, 0.5)...)
		return string(append(s, serial(4, 1)...)), plate.ColorGreen
	default:
		s := append(head, serial(5, 1)...)
		return string(append(s, nev[rng.IntN(len(nev))])), plate.ColorGreen
	}
}
