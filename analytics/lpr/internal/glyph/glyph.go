package glyph

import (
	"image"
	"math"
)

// Image is a grey picture with the ink bright: values in [0, 1], row-major, W×H.
type Image struct {
	W, H int
	Pix  []float32
}

// At returns the value at (x, y), 0 outside the picture.
func (m Image) At(x, y int) float32 {
	if x < 0 || y < 0 || x >= m.W || y >= m.H {
		return 0
	}
	return m.Pix[y*m.W+x]
}

// Size of the normalised glyph the features are computed on.
const (
	NormW = 20
	NormH = 40
)

// Glyph is one character cut out of a plate: its ink box in the source picture, the
// contrast of its ink and the normalised NormW×NormH picture.
type Glyph struct {
	// Box is the ink's bounding box in the source picture.
	Box image.Rectangle
	// Contrast is the mean ink level minus the mean background level inside Box, in
	// the source's units; near 0 means the slot held no character.
	Contrast float32
	// Ink is the share of Box's pixels that are ink.
	Ink float32
	// Norm is the ink box scaled into NormW×NormH (aspect kept, centred), contrast
	// stretched to [0, 1].
	Norm Image
}

// minComponent is the smallest connected ink area kept, as a share of the slot.
const minComponent = 0.015

// Cut finds the character inside slot (Otsu threshold, ink components above a speck
// size) and normalises it. It returns false when slot is too small or holds no ink.
func Cut(img Image, slot image.Rectangle) (Glyph, bool) {
	slot = slot.Intersect(image.Rect(0, 0, img.W, img.H))
	if slot.Dx() < 2 || slot.Dy() < 5 {
		return Glyph{}, false
	}
	w, h := slot.Dx(), slot.Dy()
	vals := make([]float32, 0, w*h)
	for y := slot.Min.Y; y < slot.Max.Y; y++ {
		vals = append(vals, img.Pix[y*img.W+slot.Min.X:y*img.W+slot.Max.X]...)
	}
	// The threshold comes from the slot's middle rows: a bright frame line along the
	// top or bottom would otherwise take the ink class to itself.
	t := Otsu(vals[h/10*w : (h-h/10)*w])
	ink := make([]bool, w*h)
	for i, v := range vals {
		ink[i] = v > t
	}
	box, ok := inkBox(ink, w, h, max(2, int(minComponent*float64(w*h))))
	if !ok {
		return Glyph{}, false
	}
	// ink level: the ink inside the box; background: everything else in the slot
	var lo, hi float64
	var nlo, nhi int
	for y := range h {
		for x := range w {
			v := float64(vals[y*w+x])
			switch {
			case !ink[y*w+x]:
				lo += v
				nlo++
			case image.Pt(x, y).In(box):
				hi += v
				nhi++
			}
		}
	}
	if nhi == 0 || nlo == 0 {
		return Glyph{}, false
	}
	hi /= float64(nhi)
	lo /= float64(nlo)
	g := Glyph{
		Box:      box.Add(slot.Min),
		Contrast: float32(hi - lo),
		Ink:      float32(nhi) / float32(box.Dx()*box.Dy()),
	}
	if g.Contrast <= 0 {
		return Glyph{}, false
	}
	g.Norm = normalise(img, g.Box, float32(lo), float32(hi))
	return g, true
}

// inkBox is the bounding box of the ink components of at least minArea pixels,
// leaving out slivers cut off at the slot's sides (a neighbour's edge, the frame):
// components that touch the left or right side and stay within its outer 30 %, and
// frame lines: components at least 70 % of the slot wide and at most 20 % high.
// When only such pieces are found they are kept.
func inkBox(ink []bool, w, h, minArea int) (image.Rectangle, bool) {
	comps := components(ink, w, h)
	var box, slivers image.Rectangle
	for _, c := range comps {
		if c.area < minArea {
			continue
		}
		edge := (c.box.Min.X == 0 && c.box.Max.X <= w*3/10) || (c.box.Max.X == w && c.box.Min.X >= w-w*3/10)
		line := c.box.Dx() >= w*7/10 && c.box.Dy() <= h/5
		if edge || line {
			slivers = slivers.Union(c.box)
		} else {
			box = box.Union(c.box)
		}
	}
	if box.Empty() {
		box = slivers
	}
	return box, !box.Empty()
}

// component is one 8-connected ink region.
type component struct {
	box  image.Rectangle
	area int
}

// components finds the 8-connected ink regions.
func components(ink []bool, w, h int) []component {
	seen := make([]bool, len(ink))
	var comps []component
	stack := make([]int, 0, 64)
	for start, on := range ink {
		if !on || seen[start] {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		c := component{box: image.Rectangle{Min: image.Pt(w, h)}}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			c.area++
			x, y := i%w, i/w
			c.box.Min.X, c.box.Min.Y = min(c.box.Min.X, x), min(c.box.Min.Y, y)
			c.box.Max.X, c.box.Max.Y = max(c.box.Max.X, x+1), max(c.box.Max.Y, y+1)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					if j := ny*w + nx; ink[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		comps = append(comps, c)
	}
	return comps
}

// normalise scales box of img into NormW×NormH keeping the aspect (centred), mapping
// lo..hi to 0..1.
func normalise(img Image, box image.Rectangle, lo, hi float32) Image {
	out := Image{W: NormW, H: NormH, Pix: make([]float32, NormW*NormH)}
	bw, bh := float64(box.Dx()), float64(box.Dy())
	s := math.Min(NormW/bw, NormH/bh)
	dw, dh := bw*s, bh*s
	ox, oy := (NormW-dw)/2, (NormH-dh)/2
	// Supersample when shrinking so thin strokes are averaged, not skipped.
	ss := max(1, int(math.Ceil(1/s)))
	scale := 1 / (hi - lo)
	for y := range NormH {
		for x := range NormW {
			var acc float64
			n := 0
			for sy := range ss {
				for sx := range ss {
					u := (float64(x) + (float64(sx)+0.5)/float64(ss) - ox) / s
					v := (float64(y) + (float64(sy)+0.5)/float64(ss) - oy) / s
					if u < 0 || v < 0 || u > bw || v > bh {
						continue
					}
					acc += float64(bilinear(img, float64(box.Min.X)+u-0.5, float64(box.Min.Y)+v-0.5, lo))
					n++
				}
			}
			if n == 0 {
				continue
			}
			// Samples outside the box count as background.
			mean := (float32(acc) + lo*float32(ss*ss-n)) / float32(ss*ss)
			out.Pix[y*NormW+x] = min(1, max(0, (mean-lo)*scale))
		}
	}
	return out
}

// bilinear samples img at (x, y) in pixel-centre coordinates, pad outside.
func bilinear(img Image, x, y float64, pad float32) float32 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	get := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= img.W || y >= img.H {
			return pad
		}
		return img.Pix[y*img.W+x]
	}
	a := get(x0, y0)*(1-fx) + get(x0+1, y0)*fx
	b := get(x0, y0+1)*(1-fx) + get(x0+1, y0+1)*fx
	return a*(1-fy) + b*fy
}

// Otsu returns the threshold that best splits vals (assumed in [0, 1]) into two
// classes, computed on a 64-bin histogram.
func Otsu(vals []float32) float32 {
	const bins = 64
	var hist [bins]float64
	for _, v := range vals {
		hist[min(bins-1, max(0, int(v*bins)))]++
	}
	var total, sum float64
	for i, c := range hist {
		total += c
		sum += float64(i) * c
	}
	var wB, sumB, best float64
	bestT := bins / 2
	for i := range bins - 1 {
		wB += hist[i]
		sumB += float64(i) * hist[i]
		wF := total - wB
		if wB == 0 || wF == 0 {
			continue
		}
		mB, mF := sumB/wB, (sum-sumB)/wF
		if between := wB * wF * (mB - mF) * (mB - mF); between > best {
			best, bestT = between, i
		}
	}
	return (float32(bestT) + 1) / bins
}
