package synth

import (
	"context"
	"math"
)

// Shape is one glyph of one font as a signed distance field (master pixels, positive
// inside the ink), so strokes can be made thinner or bolder when painted.
type Shape struct {
	Font string
	// W, H is the ink box in master pixels; the field has pad pixels around it.
	W, H int
	pad  int
	sd   []float32
}

// Set holds the shapes of every rune, in font order, and the plate-font skeleton
// shapes of the Latin runes.
type Set struct {
	shapes map[rune][]*Shape
	plate  map[rune][]*Shape
}

// Load rasterises runes in every font of Fonts (CJK fonts only for non-ASCII runes)
// and builds their distance fields.
func Load(ctx context.Context, runes []rune) (*Set, error) {
	s := &Set{shapes: map[rune][]*Shape{}, plate: map[rune][]*Shape{}}
	sk := skeletons()
	for _, r := range runes {
		if strokes, ok := sk[r]; ok {
			s.plate[r] = append(s.plate[r], skeletonShape(strokes))
			if r == '1' { // also the plain bar, without the flag
				s.plate[r] = append(s.plate[r], skeletonShape(strokes[:1]))
			}
		}
	}
	for _, f := range Fonts() {
		var rs []rune
		for _, r := range runes {
			if r < 128 || f.CJK {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		masks, err := Rasterize(ctx, f, rs)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			s.shapes[r] = append(s.shapes[r], newShape(f.Name, masks[r]))
		}
	}
	return s, nil
}

// Shapes returns the font shapes of r (nil when r was not loaded).
func (s *Set) Shapes(r rune) []*Shape { return s.shapes[r] }

// pick chooses a shape of r: a plate-font shape when usePlate and r has one, else
// font k of its fonts (modulo their number).
func (s *Set) pick(r rune, k int, usePlate bool) *Shape {
	if p := s.plate[r]; usePlate && len(p) > 0 {
		return p[k%len(p)]
	}
	if f := s.shapes[r]; len(f) > 0 {
		return f[k%len(f)]
	}
	return nil
}

// shapePad is the margin of the distance field, enough for the boldest stroke offset.
const shapePad = 8

// newShape computes a chamfer (3-4) distance field of m thresholded at one half.
func newShape(font string, m Mask) *Shape {
	p := shapePad
	w, h := m.W+2*p, m.H+2*p
	in := make([]bool, w*h)
	for y := range m.H {
		for x := range m.W {
			in[(y+p)*w+x+p] = m.A[y*m.W+x] >= 0.5
		}
	}
	dIn := chamfer(in, w, h, true)
	dOut := chamfer(in, w, h, false)
	sd := make([]float32, w*h)
	for i := range sd {
		if in[i] {
			sd[i] = dIn[i] - 0.5
		} else {
			sd[i] = 0.5 - dOut[i]
		}
	}
	return &Shape{Font: font, W: m.W, H: m.H, pad: p, sd: sd}
}

// chamfer returns, for every pixel whose in-ness equals inside, the distance to the
// nearest pixel of the other kind (0 elsewhere); the border counts as outside.
func chamfer(in []bool, w, h int, inside bool) []float32 {
	const big = 1e9
	d := make([]float32, w*h)
	for i, v := range in {
		if v == inside {
			d[i] = big
		}
	}
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			if inside {
				return 0
			}
			return big
		}
		return d[y*w+x]
	}
	for y := range h {
		for x := range w {
			if i := y*w + x; d[i] > 0 {
				d[i] = min(d[i], at(x-1, y)+1, at(x, y-1)+1, at(x-1, y-1)+4.0/3, at(x+1, y-1)+4.0/3)
			}
		}
	}
	for y := h - 1; y >= 0; y-- {
		for x := w - 1; x >= 0; x-- {
			if i := y*w + x; d[i] > 0 {
				d[i] = min(d[i], at(x+1, y)+1, at(x, y+1)+1, at(x+1, y+1)+4.0/3, at(x-1, y+1)+4.0/3)
			}
		}
	}
	return d
}

// field samples the distance field at master coordinates (u, v) of the ink box.
func (s *Shape) field(u, v float64) float32 {
	x, y := u+float64(s.pad)-0.5, v+float64(s.pad)-0.5
	w, h := s.W+2*s.pad, s.H+2*s.pad
	if x < 0 || y < 0 || x >= float64(w-1) || y >= float64(h-1) {
		return -float32(s.pad)
	}
	x0, y0 := int(x), int(y)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	i := y0*w + x0
	a := s.sd[i]*(1-fx) + s.sd[i+1]*fx
	b := s.sd[i+w]*(1-fx) + s.sd[i+w+1]*fx
	return a*(1-fy) + b*fy
}

// Placement puts a shape's ink box at X, Y with size W×H in target pixels, sheared
// (x += Shear·y about the box centre) and rotated by Rot radians; Bold (master
// pixels) thickens (> 0) or thins (< 0) the strokes.
type Placement struct {
	X, Y, W, H float64
	Shear, Rot float64
	Bold       float64
}

// supersample is the per-axis number of samples per target pixel.
const supersample = 3

// Paint draws s into the coverage buffer cov (w×h, max-composited).
func (s *Shape) Paint(cov []float32, w, h int, p Placement) {
	cx, cy := p.X+p.W/2, p.Y+p.H/2
	reach := math.Hypot(p.W, p.H)/2 + math.Abs(p.Shear)*p.H/2 + 2
	x0, x1 := max(0, int(cx-reach)), min(w, int(cx+reach)+1)
	y0, y1 := max(0, int(cy-reach)), min(h, int(cy+reach)+1)
	cos, sin := math.Cos(-p.Rot), math.Sin(-p.Rot)
	sx, sy := float64(s.W)/p.W, float64(s.H)/p.H
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			var acc float32
			for j := range supersample {
				for i := range supersample {
					dx := float64(x) + (float64(i)+0.5)/supersample - cx
					dy := float64(y) + (float64(j)+0.5)/supersample - cy
					qx, qy := dx*cos-dy*sin, dx*sin+dy*cos
					qx -= p.Shear * qy
					d := s.field((qx+p.W/2)*sx, (qy+p.H/2)*sy) + float32(p.Bold)
					acc += min(1, max(0, d+0.5))
				}
			}
			if a := acc / (supersample * supersample); a > cov[y*w+x] {
				cov[y*w+x] = a
			}
		}
	}
}
