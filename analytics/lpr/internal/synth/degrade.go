package synth

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// blur applies a separable Gaussian of the given sigma (pixels) to a w×h plane.
func blur(p []float32, w, h int, sigma float64) {
	if sigma < 0.1 {
		return
	}
	r := int(math.Ceil(2.5 * sigma))
	k := make([]float32, 2*r+1)
	var sum float32
	for i := range k {
		x := float64(i - r)
		k[i] = float32(math.Exp(-x * x / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(p))
	clampAt := func(v, n int) int { return min(n-1, max(0, v)) }
	for y := range h {
		for x := range w {
			var a float32
			for i, kv := range k {
				a += kv * p[y*w+clampAt(x+i-r, w)]
			}
			tmp[y*w+x] = a
		}
	}
	for y := range h {
		for x := range w {
			var a float32
			for i, kv := range k {
				a += kv * tmp[clampAt(y+i-r, h)*w+x]
			}
			p[y*w+x] = a
		}
	}
}

// noise adds Gaussian noise of the given sigma.
func noise(rng *rand.Rand, p []float32, sigma float64) {
	if sigma <= 0 {
		return
	}
	for i := range p {
		p[i] += float32(rng.NormFloat64() * sigma)
	}
}

// jpegRoundTrip quantises a [0, 1] plane to 8 bits and passes it through JPEG at the
// given quality, as a camera or a compressed data set would.
func jpegRoundTrip(p []float32, w, h, quality int) {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range p {
		img.Pix[i] = uint8(min(255, max(0, math.Round(float64(v)*255))))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return
	}
	dec, err := jpeg.Decode(&b)
	if err != nil {
		return
	}
	g, ok := dec.(*image.Gray)
	if !ok {
		return
	}
	for y := range h {
		for x := range w {
			p[y*w+x] = float32(g.Pix[y*g.Stride+x]) / 255
		}
	}
}

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

func clamp01(p []float32) {
	for i, v := range p {
		p[i] = min(1, max(0, v))
	}
}
