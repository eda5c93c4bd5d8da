package seg

import (
	"image"
	"math"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
)

// layout is the GA 36 character geometry of one row of a plate, in millimetres:
// the left edge of each character, their width and height.
type layout struct {
	name   string
	starts []float64
	width  float64
	height float64
}

// Single-row layouts: 7 characters 45×90 mm at a 57 mm pitch with a 34 mm gap after
// the second (440×140 mm plates); new-energy plates carry 8 narrower characters on
// a 480 mm plate (the 43 mm width, 9 mm spacing and 49 mm gap are our estimate; the
// template's horizontal scale is fitted anyway).
var (
	layout7 = layout{name: "7", starts: []float64{0, 57, 136, 193, 250, 307, 364}, width: 45, height: 90}
	layout8 = layout{name: "8", starts: []float64{0, 52, 144, 196, 248, 300, 352, 404}, width: 43, height: 90}
)

// span is the width of the whole layout in mm.
func (l layout) span() float64 { return l.starts[len(l.starts)-1] + l.width }

// Local threshold: a pixel is ink when it exceeds the mean of its neighbourhood
// (a square of side 2·radius+1, radius a quarter of the plate height) by localGap,
// so uneven light and the car around a loose crop do not swamp the characters.
const localGap = 0.06

// binarise thresholds img against its local mean.
func binarise(img glyph.Image) []bool {
	w, h := img.W, img.H
	r := max(2, h/4)
	// integral image with a zero row and column
	sum := make([]float64, (w+1)*(h+1))
	for y := range h {
		var row float64
		for x := range w {
			row += float64(img.Pix[y*w+x])
			sum[(y+1)*(w+1)+x+1] = sum[y*(w+1)+x+1] + row
		}
	}
	b := make([]bool, len(img.Pix))
	for y := range h {
		y0, y1 := max(0, y-r), min(h, y+r+1)
		for x := range w {
			x0, x1 := max(0, x-r), min(w, x+r+1)
			s := sum[y1*(w+1)+x1] - sum[y0*(w+1)+x1] - sum[y1*(w+1)+x0] + sum[y0*(w+1)+x0]
			mean := s / float64((y1-y0)*(x1-x0))
			b[y*w+x] = float64(img.Pix[y*w+x]) > mean+localGap
		}
	}
	return b
}

// deshear finds the horizontal shear (x += k·(y − h/2)) that makes the characters'
// vertical strokes upright, judged by how peaked the column projection of the ink
// becomes, and returns the corrected plane with k.
func deshear(img glyph.Image, maxK float64) (glyph.Image, float64) {
	bin := binarise(img)
	best, bestK := -1.0, 0.0
	cols := make([]float64, img.W)
	for step := -10; step <= 10; step++ {
		k := maxK * float64(step) / 10
		clear(cols)
		for y := range img.H {
			off := k * (float64(y) - float64(img.H)/2)
			for x := range img.W {
				if bin[y*img.W+x] {
					if c := int(math.Round(float64(x) + off)); c >= 0 && c < img.W {
						cols[c]++
					}
				}
			}
		}
		var s float64
		for _, c := range cols {
			s += c * c
		}
		// prefer no shear on ties
		if s > best*1.0001 || (s >= best && math.Abs(k) < math.Abs(bestK)) {
			best, bestK = s, k
		}
	}
	if bestK == 0 {
		return img, 0
	}
	out := glyph.Image{W: img.W, H: img.H, Pix: make([]float32, len(img.Pix))}
	for y := range img.H {
		off := bestK * (float64(y) - float64(img.H)/2)
		for x := range img.W {
			sx := float64(x) - off
			x0 := int(math.Floor(sx))
			f := float32(sx - float64(x0))
			out.Pix[y*img.W+x] = img.At(x0, y)*(1-f) + img.At(x0+1, y)*f
		}
	}
	return out, bestK
}

// derotate finds the small rotation (radians, up to ±maxA) that levels the plate,
// judged by how peaked the row projection of the ink becomes (the character band
// and the frame lines become sharp steps when level), and returns the levelled
// plane with the angle. The plane is rotated about its centre: a point p of the
// result comes from c + R(angle)·(p − c) of img.
func derotate(img glyph.Image, maxA float64) (glyph.Image, float64) {
	bin := binarise(img)
	cx, cy := float64(img.W)/2, float64(img.H)/2
	rows := make([]float64, img.H)
	best, bestA := -1.0, 0.0
	for step := -10; step <= 10; step++ {
		a := maxA * float64(step) / 10
		sin, cos := math.Sin(a), math.Cos(a)
		clear(rows)
		for y := range img.H {
			for x := range img.W {
				if bin[y*img.W+x] {
					r := int(math.Round(cy - sin*(float64(x)+0.5-cx) + cos*(float64(y)+0.5-cy) - 0.5))
					if r >= 0 && r < img.H {
						rows[r]++
					}
				}
			}
		}
		var s float64
		for _, c := range rows {
			s += c * c
		}
		if s > best*1.0001 || (s >= best && math.Abs(a) < math.Abs(bestA)) {
			best, bestA = s, a
		}
	}
	if bestA == 0 {
		return img, 0
	}
	out := glyph.Image{W: img.W, H: img.H, Pix: make([]float32, len(img.Pix))}
	sin, cos := math.Sin(bestA), math.Cos(bestA)
	for y := range img.H {
		for x := range img.W {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx, sy := cx+cos*dx-sin*dy-0.5, cy+sin*dx+cos*dy-0.5
			out.Pix[y*img.W+x] = sampleClamped(img, sx, sy)
		}
	}
	return out, bestA
}

// sampleClamped samples img bilinearly at (x, y) (pixel-index coordinates), edge
// pixels repeated outside.
func sampleClamped(img glyph.Image, x, y float64) float32 {
	x = math.Min(math.Max(x, 0), float64(img.W-1))
	y = math.Min(math.Max(y, 0), float64(img.H-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, img.W-1), min(y0+1, img.H-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	a := img.Pix[y0*img.W+x0]*(1-fx) + img.Pix[y0*img.W+x1]*fx
	b := img.Pix[y1*img.W+x0]*(1-fx) + img.Pix[y1*img.W+x1]*fx
	return a*(1-fy) + b*fy
}

// textBand finds the rows holding the characters: the longest run of rows with many
// ink/background transitions (tolerating one quiet row). It falls back to the
// central 64 % (90 of 140 mm) when no run covers a third of the height.
func textBand(bin []bool, w, h int, minTransitions int) (top, bottom int) {
	trans := make([]int, h)
	for y := range h {
		for x := 1; x < w; x++ {
			if bin[y*w+x] != bin[y*w+x-1] {
				trans[y]++
			}
		}
	}
	bestLen, bestTop := 0, 0
	for y := 0; y < h; {
		if trans[y] < minTransitions {
			y++
			continue
		}
		start, end := y, y
		for y < h {
			if trans[y] >= minTransitions {
				end = y + 1
				y++
			} else if y+1 < h && trans[y+1] >= minTransitions {
				y++
			} else {
				break
			}
		}
		if end-start > bestLen {
			bestLen, bestTop = end-start, start
		}
		y++
	}
	if bestLen < h/3 {
		return int(0.18 * float64(h)), int(math.Ceil(0.82 * float64(h)))
	}
	top, bottom = bestTop, bestTop+bestLen
	// Glyph tops and bottoms (the bar of a 7, the foot of a 2) cross fewer times;
	// grow by a few such rows, never into the frame.
	grow := max(1, bestLen/12)
	for i := 0; i < grow && top > 0 && trans[top-1] >= minTransitions/2; i++ {
		top--
	}
	for i := 0; i < grow && bottom < h && trans[bottom] >= minTransitions/2; i++ {
		bottom++
	}
	return top, bottom
}

// profile is the share of ink in each column between rows top and bottom, with its
// prefix sum for fractional interval sums.
type profile struct {
	col    []float64
	prefix []float64 // prefix[i] = sum of col[:i]
}

func newProfile(bin []bool, w, top, bottom int) profile {
	p := profile{col: make([]float64, w), prefix: make([]float64, w+1)}
	n := float64(max(1, bottom-top))
	for y := top; y < bottom; y++ {
		for x := range w {
			if bin[y*w+x] {
				p.col[x]++
			}
		}
	}
	for x := range w {
		p.col[x] /= n
		p.prefix[x+1] = p.prefix[x] + p.col[x]
	}
	return p
}

// sum integrates the profile over [a, b) (fractional, clipped to the picture).
func (p profile) sum(a, b float64) float64 {
	w := float64(len(p.col))
	a, b = math.Max(0, math.Min(w, a)), math.Max(0, math.Min(w, b))
	if b <= a {
		return 0
	}
	return p.at(b) - p.at(a)
}

func (p profile) at(x float64) float64 {
	i := int(x)
	if i >= len(p.col) {
		return p.prefix[len(p.col)]
	}
	return p.prefix[i] + (x-float64(i))*p.col[i]
}

// fit is one placement of a layout: the left edge (px) and the scale (px per mm).
type fit struct {
	x0, scale float64
	score     float64
}

// fitLayout places l over the column profile: the scale ranges around bandH/90 px per
// mm (a crop may be stretched horizontally), and the score rewards ink inside the
// character cells, penalises ink in the gaps between them and rewards covering most
// of the plate's ink.
func fitLayout(p profile, l layout, bandH float64) fit {
	w := float64(len(p.col))
	total := p.sum(0, w)
	if total == 0 {
		return fit{score: math.Inf(-1)}
	}
	nominal := bandH / l.height
	best := fit{score: math.Inf(-1)}
	for s := 0.7; s <= 1.6; s *= 1.025 {
		scale := nominal * s
		span := l.span() * scale
		if span > w*1.1 || span < w*0.45 {
			continue
		}
		for x0 := -0.08 * w; x0+span <= w*1.08; x0 += 0.5 {
			if sc := layoutScore(p, l, x0, scale, total); sc > best.score {
				best = fit{x0: x0, scale: scale, score: sc}
			}
		}
	}
	return best
}

func layoutScore(p profile, l layout, x0, scale, total float64) float64 {
	var in, inW, gap, gapW float64
	cw := l.width * scale
	for i, st := range l.starts {
		a := x0 + st*scale
		in += p.sum(a, a+cw)
		inW += cw
		if i > 0 {
			prev := x0 + (l.starts[i-1]+l.width)*scale
			gap += p.sum(prev, a)
			gapW += a - prev
		}
	}
	return in/inW - 1.5*gap/gapW + 0.5*in/total
}

// slots turns a fit into one rectangle per character, each nudged (by up to a fifth
// of its width) to sit between the profile's valleys.
func slots(p profile, l layout, f fit, top, bottom int) []image.Rectangle {
	cw := l.width * f.scale
	rects := make([]image.Rectangle, len(l.starts))
	padY := 0.06 * float64(bottom-top)
	for i, st := range l.starts {
		a := f.x0 + st*f.scale
		if i > 0 {
			a = nudge(p, a, cw)
		}
		padX := 0.12 * cw
		rects[i] = image.Rect(
			int(math.Floor(a-padX)), int(math.Floor(float64(top)-padY)),
			int(math.Ceil(a+cw+padX)), int(math.Ceil(float64(bottom)+padY)))
	}
	return rects
}

// nudge moves a cell [a, a+cw) so that little ink lies on its edges.
func nudge(p profile, a, cw float64) float64 {
	best, bestA := math.Inf(1), a
	for d := -0.2 * cw; d <= 0.2*cw; d += 0.5 {
		edge := p.sum(a+d-1, a+d+1) + p.sum(a+d+cw-1, a+d+cw+1) + 0.02*math.Abs(d)
		if edge < best {
			best, bestA = edge, a+d
		}
	}
	return bestA
}
