package lpr

import (
	"image"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// scratch holds the frame-sized buffers of Read, reused from one call to the
// next. Filling freshly allocated memory costs more than the passes that fill it
// (page faults, garbage collection; under the race detector, new shadow memory,
// ten times the pass itself), and a camera worker reads frames of one size.
type scratch struct {
	sub           []byte  // the roi's pixels, when the roi is not the whole picture
	half, quarter []byte  // the picture at half and quarter resolution
	gray, resp    []int32 // one resolution's gray levels and Sobel responses
	masks         maskPool
}

// grow returns buf resliced to n elements, reallocated when too short; the
// contents are stale.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// cropRect copies r (inside pic) into buf, reusing it, as a picture of its own.
func cropRect(pic plate.Picture, r image.Rectangle, buf []byte) plate.Picture {
	w, h := r.Dx(), r.Dy()
	out := plate.Picture{W: w, H: h, Pix: grow(buf, w*h*3)}
	for y := range h {
		src := ((r.Min.Y+y)*pic.W + r.Min.X) * 3
		copy(out.Pix[y*w*3:(y+1)*w*3], pic.Pix[src:src+w*3])
	}
	return out
}
