package seg

import (
	"math"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Affine maps output coordinates (u, v) to source coordinates:
// x = A·u + B·v + C, y = D·u + E·v + F.
type Affine struct{ A, B, C, D, E, F float64 }

// Apply maps (u, v).
func (m Affine) Apply(u, v float64) (float64, float64) {
	return m.A*u + m.B*v + m.C, m.D*u + m.E*v + m.F
}

// Warp samples src through m into a new w×h BGR picture: output pixel centres
// (u+0.5, v+0.5) map to source positions, sampled bilinearly with the edge pixels
// repeated outside.
func Warp(src plate.Picture, m Affine, w, h int) plate.Picture {
	out := plate.Picture{W: w, H: h, Pix: make([]byte, w*h*3)}
	for v := range h {
		for u := range w {
			x, y := m.Apply(float64(u)+0.5, float64(v)+0.5)
			sampleBGR(src, x-0.5, y-0.5, out.Pix[(v*w+u)*3:(v*w+u)*3+3])
		}
	}
	return out
}

// sampleBGR writes the bilinear sample of src at (x, y) (pixel-index coordinates)
// into dst[0:3].
func sampleBGR(src plate.Picture, x, y float64, dst []byte) {
	x = math.Min(math.Max(x, 0), float64(src.W-1))
	y = math.Min(math.Max(y, 0), float64(src.H-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, src.W-1), min(y0+1, src.H-1)
	fx, fy := x-float64(x0), y-float64(y0)
	for c := range 3 {
		a := float64(src.Pix[(y0*src.W+x0)*3+c])*(1-fx) + float64(src.Pix[(y0*src.W+x1)*3+c])*fx
		b := float64(src.Pix[(y1*src.W+x0)*3+c])*(1-fx) + float64(src.Pix[(y1*src.W+x1)*3+c])*fx
		dst[c] = uint8(math.Round(a*(1-fy) + b*fy))
	}
}

// Resize scales pic to w×h; shrinking averages over each output pixel's footprint.
func Resize(pic plate.Picture, w, h int) plate.Picture {
	sx, sy := float64(pic.W)/float64(w), float64(pic.H)/float64(h)
	if sx <= 1 && sy <= 1 {
		return Warp(pic, Affine{A: sx, E: sy}, w, h)
	}
	out := plate.Picture{W: w, H: h, Pix: make([]byte, w*h*3)}
	nx, ny := max(1, int(math.Ceil(sx))), max(1, int(math.Ceil(sy)))
	var px [3]byte
	for v := range h {
		for u := range w {
			var acc [3]float64
			for j := range ny {
				for i := range nx {
					x := (float64(u) + (float64(i)+0.5)/float64(nx)) * sx
					y := (float64(v) + (float64(j)+0.5)/float64(ny)) * sy
					sampleBGR(pic, x-0.5, y-0.5, px[:])
					for c := range 3 {
						acc[c] += float64(px[c])
					}
				}
			}
			for c := range 3 {
				out.Pix[(v*w+u)*3+c] = uint8(math.Round(acc[c] / float64(nx*ny)))
			}
		}
	}
	return out
}

// inkPlane turns a plate picture into a grey plane with the characters bright,
// choosing the channel mix by plate colour: white characters on blue and black
// plates; black (or red) characters on yellow, green and white plates. For an
// unknown colour the minority of the picture after an Otsu split is taken as ink.
// The result is stretched between its 2nd and 98th percentiles.
func inkPlane(pic plate.Picture, color plate.Color) glyph.Image {
	img := glyph.Image{W: pic.W, H: pic.H, Pix: make([]float32, pic.W*pic.H)}
	for i := range img.Pix {
		b, g, r := float32(pic.Pix[i*3]), float32(pic.Pix[i*3+1]), float32(pic.Pix[i*3+2])
		var v float32
		switch color {
		case plate.ColorBlue:
			v = (r + g) / 2
		case plate.ColorYellow:
			v = 255 - (r+g)/2
		case plate.ColorGreen, plate.ColorWhite:
			v = 255 - g
		case plate.ColorBlack:
			v = (r + g + b) / 3
		default:
			v = 0.299*r + 0.587*g + 0.114*b
		}
		img.Pix[i] = v / 255
	}
	stretch(img.Pix, 0.02, 0.98)
	if color == plate.ColorUnknown {
		t := glyph.Otsu(img.Pix)
		bright := 0
		for _, v := range img.Pix {
			if v > t {
				bright++
			}
		}
		if bright > len(img.Pix)/2 {
			for i, v := range img.Pix {
				img.Pix[i] = 1 - v
			}
		}
	}
	return img
}

// stretch maps the lo and hi quantiles of p (values in [0, 1]) to 0 and 1,
// clamping; quantiles come from a 256-bin histogram.
func stretch(p []float32, lo, hi float64) {
	if len(p) == 0 {
		return
	}
	var hist [256]int
	for _, v := range p {
		hist[min(255, max(0, int(v*255)))]++
	}
	quantile := func(q float64) float32 {
		want := int(q * float64(len(p)-1))
		n := 0
		for i, c := range hist {
			n += c
			if n > want {
				return float32(i) / 255
			}
		}
		return 1
	}
	a, b := quantile(lo), quantile(hi)
	if b-a < 1e-3 {
		return
	}
	for i, v := range p {
		p[i] = min(1, max(0, (v-a)/(b-a)))
	}
}
