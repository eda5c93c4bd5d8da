// Package seg cuts a rectified plate picture into character slots along the GA 36
// geometry. The engine (package lpr) and the trainer (cmd/lprtrain) share it, so the
// classifier is trained on characters cut exactly as they are cut at run time.
package seg

import (
	"image"
	"math"
	"sort"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// PlateH is the height plates are scaled to before segmentation.
const PlateH = 48

// Bounds of the corrections: slant (tan of the angle, about 27°) and rotation
// (radians, about 11°); a detector's crop is levelled already, a data set's may not be.
const (
	maxShear = 0.5
	maxAngle = 0.2
)

// Point is a position in pixels.
type Point struct{ X, Y float64 }

// Result is a segmented plate: the ink plane and one slot set per layout.
type Result struct {
	// Color is the plate colour (plate.ClassifyColor) that chose the ink polarity.
	Color     plate.Color
	ColorConf float64
	// Ink is the plate scaled to PlateH, characters bright, slant removed.
	Ink glyph.Image
	// Angle is the rotation removed (radians) and Shear the slant removed after it
	// (x += Shear·(y − PlateH/2)); ScaleX and ScaleY are crop pixels per Ink pixel.
	Angle, Shear, ScaleX, ScaleY float64
	// Top and Bottom bound the character band in Ink.
	Top, Bottom int
	// Rows holds the placement of each layout that fitted.
	Rows []Row
}

// Row is one layout placed on a plate.
type Row struct {
	// Len is the number of characters (7 or 8).
	Len int
	// Slots are the character cells in Ink, left to right.
	Slots []image.Rectangle
	// Outline is the plate's outline in crop pixels (TL, TR, BR, BL), extrapolated
	// from the fitted characters.
	Outline [4]Point
	// Score is the layout's fit score (higher is better).
	Score float64
}

// Segment classifies the colour of crop, builds the ink plane and places the 7- and
// 8-character layouts.
func Segment(crop plate.Picture) Result {
	w := max(PlateH, int(math.Round(float64(crop.W)*PlateH/float64(crop.H))))
	pic := Resize(crop, w, PlateH)
	var r Result
	r.Color, r.ColorConf = plate.ClassifyColor(pic)
	ink := inkPlane(pic, r.Color)
	ink, r.Angle = derotate(ink, maxAngle)
	r.Ink, r.Shear = deshear(ink, maxShear)
	r.ScaleX, r.ScaleY = float64(crop.W)/float64(w), float64(crop.H)/PlateH
	bin := binarise(r.Ink)
	r.Top, r.Bottom = textBand(bin, r.Ink.W, r.Ink.H, 8)
	if top, bottom, ok := r.charRows(bin); ok {
		r.Top, r.Bottom = top, bottom
	}
	prof := newProfile(bin, r.Ink.W, r.Top, r.Bottom)
	for _, l := range []layout{layout7, layout8} {
		if !LayoutFits(len(l.starts), r.Color, r.ColorConf) {
			continue
		}
		f := fitLayout(prof, l, float64(r.Bottom-r.Top))
		if math.IsInf(f.score, -1) {
			continue
		}
		r.Rows = append(r.Rows, Row{
			Len:     len(l.starts),
			Slots:   slots(prof, l, f, r.Top, r.Bottom),
			Outline: r.outline(l, f),
			Score:   f.score,
		})
	}
	return r
}

// ToCrop maps a point of Ink to crop pixels.
func (r Result) ToCrop(p Point) Point {
	x := p.X - r.Shear*(p.Y-PlateH/2)
	cx, cy := float64(r.Ink.W)/2, float64(r.Ink.H)/2
	sin, cos := math.Sin(r.Angle), math.Cos(r.Angle)
	dx, dy := x-cx, p.Y-cy
	return Point{(cx + cos*dx - sin*dy) * r.ScaleX, (cy + sin*dx + cos*dy) * r.ScaleY}
}

// outline extrapolates the plate's outline from a layout fit: the characters sit
// 25 mm below the top and above the bottom of a 140 mm plate, with equal margins
// left and right.
func (r Result) outline(l layout, f fit) [4]Point {
	plateW := 440.0
	if len(l.starts) == 8 {
		plateW = 480
	}
	margin := (plateW - l.span()) / 2
	left, right := f.x0-margin*f.scale, f.x0+(l.span()+margin)*f.scale
	mmY := float64(r.Bottom-r.Top) / l.height
	y0, y1 := float64(r.Top)-25*mmY, float64(r.Bottom)+25*mmY
	var out [4]Point
	for i, p := range [4]Point{{left, y0}, {right, y0}, {right, y1}, {left, y1}} {
		out[i] = r.ToCrop(p)
	}
	return out
}

// charRows checks the band against the characters themselves: it places the
// 7-character layout, cuts the six Latin cells and, when the band is much taller than
// the median ink box (a loose crop whose band took in the bumper or the frame),
// returns the median ink rows instead.
func (r Result) charRows(bin []bool) (top, bottom int, ok bool) {
	prof := newProfile(bin, r.Ink.W, r.Top, r.Bottom)
	f := fitLayout(prof, layout7, float64(r.Bottom-r.Top))
	if math.IsInf(f.score, -1) {
		return 0, 0, false
	}
	var tops, bottoms []int
	for _, slot := range slots(prof, layout7, f, r.Top, r.Bottom)[1:] {
		if g, ok := glyph.Cut(r.Ink, slot); ok && g.Box.Dx() < g.Box.Dy() {
			tops = append(tops, g.Box.Min.Y)
			bottoms = append(bottoms, g.Box.Max.Y)
		}
	}
	if len(tops) < 4 {
		return 0, 0, false
	}
	sort.Ints(tops)
	sort.Ints(bottoms)
	top, bottom = tops[len(tops)/2], bottoms[len(bottoms)/2]
	if bottom-top < 8 || float64(r.Bottom-r.Top) < 1.25*float64(bottom-top) {
		return 0, 0, false
	}
	return top, bottom, true
}

// sureColor is the colour confidence above which the colour alone picks the layout.
const sureColor = 0.7

// LayoutFits reports whether a row of n characters is worth placing on a plate of
// this colour: a surely green plate is a new-energy one (8 characters), a surely
// blue, yellow, white or black one is not.
func LayoutFits(n int, col plate.Color, conf float64) bool {
	if col == plate.ColorUnknown || conf < sureColor {
		return true
	}
	return (n == 8) == (col == plate.ColorGreen)
}
