package synth

import (
	"math"
	"slices"
)

// rgb is an 8-bit colour.
type rgb [3]uint8

// shade scales a colour by f (clamped).
func (c rgb) shade(f float64) rgb {
	var o rgb
	for i, v := range c {
		o[i] = clamp8(float64(v) * f)
	}
	return o
}

// canvas is a packed rgb24 picture. Shapes cover the pixels whose centres fall inside.
type canvas struct {
	w, h int
	pix  []byte
}

func (c *canvas) set(x, y int, col rgb) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	i := (y*c.w + x) * 3
	c.pix[i], c.pix[i+1], c.pix[i+2] = col[0], col[1], col[2]
}

// blend mixes col over the pixel with opacity a in [0,1].
func (c *canvas) blend(x, y int, col rgb, a float64) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h || a <= 0 {
		return
	}
	i := (y*c.w + x) * 3
	for k := range 3 {
		c.pix[i+k] = clamp8(float64(c.pix[i+k])*(1-a) + float64(col[k])*a)
	}
}

// span fills row y from the first pixel centre at or after xa to the last before xb.
func (c *canvas) span(y int, xa, xb float64, col rgb) {
	if y < 0 || y >= c.h {
		return
	}
	x0 := max(0, int(math.Ceil(xa-0.5)))
	x1 := min(c.w, int(math.Ceil(xb-0.5)))
	if x1 <= x0 {
		return
	}
	row := c.pix[(y*c.w+x0)*3 : (y*c.w+x1)*3]
	row[0], row[1], row[2] = col[0], col[1], col[2]
	for n := 3; n < len(row); n *= 2 {
		copy(row[n:], row[:n]) // doubling: few copy calls per span
	}
}

// rows returns the pixel rows whose centres lie in [y0, y1).
func (c *canvas) rows(y0, y1 float64) (int, int) {
	return max(0, int(math.Ceil(y0-0.5))), min(c.h, int(math.Ceil(y1-0.5)))
}

func (c *canvas) fillRect(x0, y0, x1, y1 float64, col rgb) {
	r0, r1 := c.rows(y0, y1)
	for y := r0; y < r1; y++ {
		c.span(y, x0, x1, col)
	}
}

func (c *canvas) fillEllipse(cx, cy, rx, ry float64, col rgb) {
	r0, r1 := c.rows(cy-ry, cy+ry)
	for y := r0; y < r1; y++ {
		dy := (float64(y) + 0.5 - cy) / ry
		if dy*dy >= 1 {
			continue
		}
		hw := rx * math.Sqrt(1-dy*dy)
		c.span(y, cx-hw, cx+hw, col)
	}
}

// fillPoly fills a polygon with the even-odd rule.
func (c *canvas) fillPoly(pts []Point, col rgb) {
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		minY, maxY = min(minY, p.Y), max(maxY, p.Y)
	}
	r0, r1 := c.rows(minY, maxY)
	xs := make([]float64, 0, 8)
	for y := r0; y < r1; y++ {
		yc := float64(y) + 0.5
		xs = xs[:0]
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			a, b := pts[j], pts[i]
			if (a.Y <= yc) != (b.Y <= yc) {
				xs = append(xs, a.X+(yc-a.Y)/(b.Y-a.Y)*(b.X-a.X))
			}
		}
		slices.Sort(xs)
		for k := 0; k+1 < len(xs); k += 2 {
			c.span(y, xs[k], xs[k+1], col)
		}
	}
}

// fillLimb fills a limb from (x0,y0) to (x1,y1), w0 wide at the start and w1 at
// the end (widths measured horizontally, good for near-vertical limbs).
func (c *canvas) fillLimb(x0, y0, x1, y1, w0, w1 float64, col rgb) {
	c.fillPoly([]Point{{X: x0 - w0/2, Y: y0}, {X: x0 + w0/2, Y: y0}, {X: x1 + w1/2, Y: y1}, {X: x1 - w1/2, Y: y1}}, col)
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
