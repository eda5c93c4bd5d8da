package synth

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Crop is a synthetic plate crop, as a detector or a data set would hand it over.
type Crop struct {
	Pic   plate.Picture
	Text  string
	Color plate.Color
	// Centres are the character centres in Pic pixels; Pitch their spacing.
	Centres []Point
	Pitch   float64
}

// RandomCrop draws a random plate and photographs it as a loose or tight crop:
// random size (plate height 16–56 px), margins (some cut into the frame), slight
// rotation and slant, sometimes squeezed to a fixed aspect as crop data sets are,
// then blurred, noised and JPEG-compressed.
func (s *Set) RandomCrop(rng *rand.Rand) (Crop, error) {
	text, col := RandomText(rng)
	return s.PhotoCrop(rng, text, col, uniform(rng, 16, 56))
}

// PhotoCrop photographs a given plate as RandomCrop does, with the plate hp pixels
// high.
func (s *Set) PhotoCrop(rng *rand.Rand, text string, col plate.Color, hp float64) (Crop, error) {
	flat, err := s.DrawPlate(text, col, 2*hp/plateHmm, RandomStyle(rng))
	if err != nil {
		return Crop{}, err
	}
	m := int(math.Ceil(0.4 * float64(flat.Pic.H)))
	canvas := background(rng, flat.Pic.W+2*m, flat.Pic.H+2*m)
	paste(canvas, flat.Pic, m, m)

	fh, fw := float64(flat.Pic.H), float64(flat.Pic.W)
	left, right := -fh*uniform(rng, -0.04, 0.3), fw+fh*uniform(rng, -0.04, 0.3)
	if rng.Float64() < 0.1 { // a crop that cuts into the first or last character
		if rng.IntN(2) == 0 {
			left = fh * uniform(rng, 0.04, 0.15)
		} else {
			right = fw - fh*uniform(rng, 0.04, 0.15)
		}
	}
	top, bottom := -fh*uniform(rng, -0.04, 0.25), fh+fh*uniform(rng, -0.04, 0.25)
	oh := max(12, int(math.Round((bottom-top)/2)))
	stretch := 1.0
	if rng.Float64() < 0.4 {
		stretch = uniform(rng, 0.95, 1.35)
	}
	ow := max(24, int(math.Round((right-left)/2*stretch)))
	sx, sy := (right-left)/float64(ow), (bottom-top)/float64(oh)
	rot, shear := uniform(rng, -0.1, 0.1), uniform(rng, -0.2, 0.2)
	cos, sin := math.Cos(rot), math.Sin(rot)
	// output (u, v) → box position (bx, by) → sheared and rotated about the plate
	// centre → canvas.
	pcx, pcy := float64(m)+fw/2, float64(m)+fh/2
	ox, oy := float64(m)+left-pcx, float64(m)+top-pcy
	// d = (ox + u·sx, oy + v·sy); d' = R·(dx + shear·dy, dy); canvas = centre + d'
	a := seg.Affine{
		A: cos * sx, B: cos*shear*sy - sin*sy, C: pcx + cos*(ox+shear*oy) - sin*oy,
		D: sin * sx, E: sin*shear*sy + cos*sy, F: pcy + sin*(ox+shear*oy) + cos*oy,
	}
	pic := seg.Warp(canvas, a, ow, oh)
	degrade(rng, pic)
	c := Crop{Pic: pic, Text: text, Color: col, Pitch: flat.Pitch / sx}
	for _, p := range flat.Centres {
		u, v := invert(a, p.X+float64(m), p.Y+float64(m))
		c.Centres = append(c.Centres, Point{u, v})
	}
	return c, nil
}

// background fills a w×h picture with a random dull colour, a light gradient and
// noise, like the car body around a plate.
func background(rng *rand.Rand, w, h int) plate.Picture {
	p := plate.Picture{W: w, H: h, Pix: make([]byte, w*h*3)}
	base := [3]float64{uniform(rng, 0.05, 0.85), uniform(rng, 0.05, 0.85), uniform(rng, 0.05, 0.85)}
	grey := rng.Float64() < 0.6
	if grey {
		base[1], base[2] = base[0], base[0]
	}
	grad := uniform(rng, -0.3, 0.3)
	for y := range h {
		for x := range w {
			l := 1 + grad*(float64(y)/float64(h)-0.5)
			for k := range 3 {
				v := base[k]*l + rng.NormFloat64()*0.03
				p.Pix[(y*w+x)*3+k] = uint8(min(255, max(0, math.Round(v*255))))
			}
		}
	}
	return p
}

func paste(dst, src plate.Picture, x0, y0 int) {
	for y := range src.H {
		copy(dst.Pix[((y0+y)*dst.W+x0)*3:((y0+y)*dst.W+x0+src.W)*3], src.Pix[y*src.W*3:(y+1)*src.W*3])
	}
}

// degrade blurs, noises and JPEG-compresses a BGR picture in place.
func degrade(rng *rand.Rand, p plate.Picture) {
	sigma := uniform(rng, 0.2, 0.9)
	ns := uniform(rng, 0, 0.03)
	plane := make([]float32, p.W*p.H)
	for k := range 3 {
		for i := range plane {
			plane[i] = float32(p.Pix[i*3+k]) / 255
		}
		blur(plane, p.W, p.H, sigma)
		noise(rng, plane, ns)
		for i, v := range plane {
			p.Pix[i*3+k] = uint8(min(255, max(0, math.Round(float64(v)*255))))
		}
	}
	if rng.Float64() < 0.7 {
		jpegBGR(p, 30+rng.IntN(60))
	}
}

// jpegBGR passes a BGR picture through JPEG (4:2:0 chroma) at the given quality.
func jpegBGR(p plate.Picture, quality int) {
	img := image.NewRGBA(image.Rect(0, 0, p.W, p.H))
	for i := range p.W * p.H {
		img.Pix[i*4], img.Pix[i*4+1], img.Pix[i*4+2], img.Pix[i*4+3] = p.Pix[i*3+2], p.Pix[i*3+1], p.Pix[i*3], 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return
	}
	dec, err := jpeg.Decode(&b)
	if err != nil {
		return
	}
	for y := range p.H {
		for x := range p.W {
			r, g, bl, _ := dec.At(x, y).RGBA()
			i := (y*p.W + x) * 3
			p.Pix[i], p.Pix[i+1], p.Pix[i+2] = byte(bl>>8), byte(g>>8), byte(r>>8)
		}
	}
}

// invert maps a source position back through a (which must not be singular).
func invert(a seg.Affine, x, y float64) (float64, float64) {
	det := a.A*a.E - a.B*a.D
	dx, dy := x-a.C, y-a.F
	return (a.E*dx - a.B*dy) / det, (a.A*dy - a.D*dx) / det
}
