package opencv

/*
#cgo pkg-config: opencv4
#cgo CXXFLAGS: -std=c++11
#include <stdlib.h>
#include "hog_shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"math"
	"unsafe"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// HOG defaults.
const (
	DefaultHOGStride  = 8
	DefaultHOGPadding = 16
	DefaultHOGScale   = 1.05
	DefaultHOGMinHits = 2
	DefaultHOGNMSIoU  = 0.4
)

// hogWinW×hogWinH is the default people detector's window; a person must be
// about 100 pixels tall in the scanned image to be found.
const hogWinW, hogWinH = 64, 128

// maxHOGHits bounds the raw hits read back from one scan.
const maxHOGHits = 4096

// HOGConfig configures a HOG people detector. Zero fields take the defaults.
type HOGConfig struct {
	// HitThreshold is the SVM margin a window needs (0: OpenCV's default).
	HitThreshold float64
	// Stride is the window step in pixels, a multiple of 8.
	Stride int
	// Padding is added around the scanned image so that people at its edges
	// are found (pixels, a multiple of 8).
	Padding int
	// Scale is the pyramid step, above 1.
	Scale float64
	// MinHits is how many overlapping raw hits make a detection.
	MinHits int
	// Upscale enlarges the frame before scanning so that people shorter than
	// ~100 px are found, at Upscale² the cost; default 1.
	Upscale float64
	// NMSIoU drops grouped detections overlapping a better one by more.
	NMSIoU float64
}

func (c *HOGConfig) setDefaults() {
	if c.Stride == 0 {
		c.Stride = DefaultHOGStride
	}
	if c.Padding == 0 {
		c.Padding = DefaultHOGPadding
	}
	if c.Scale == 0 {
		c.Scale = DefaultHOGScale
	}
	if c.MinHits == 0 {
		c.MinHits = DefaultHOGMinHits
	}
	if c.Upscale == 0 {
		c.Upscale = 1
	}
	if c.NMSIoU == 0 {
		c.NMSIoU = DefaultHOGNMSIoU
	}
}

func (c *HOGConfig) validate() error {
	switch {
	case c.Stride < 8 || c.Stride%8 != 0:
		return fmt.Errorf("HOG stride %d: want a multiple of 8", c.Stride)
	case c.Padding < 0 || c.Padding%8 != 0:
		return fmt.Errorf("HOG padding %d: want a multiple of 8", c.Padding)
	case c.Scale <= 1:
		return fmt.Errorf("HOG scale %g: want above 1", c.Scale)
	case c.MinHits < 1:
		return fmt.Errorf("HOG min hits %d: want at least 1", c.MinHits)
	case c.Upscale < 1 || c.Upscale > 4:
		return fmt.Errorf("HOG upscale %g: want 1–4", c.Upscale)
	}
	return nil
}

// HOG finds people anywhere in the frame, moving or not, with OpenCV's
// built-in HOG + linear SVM people detector. Slow on whole frames: the People
// classifier runs the same scan on motion regions only. Not safe for
// concurrent use.
type HOG struct {
	cfg  HOGConfig
	scan *hogScanner
}

// NewHOG returns a HOG people detector.
func NewHOG(cfg HOGConfig) (*HOG, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s, err := newHOGScanner()
	if err != nil {
		return nil, err
	}
	return &HOG{cfg: cfg, scan: s}, nil
}

// Detect returns the people in f, class "person".
func (d *HOG) Detect(f *analytics.Frame) ([]analytics.Detection, error) {
	img, err := frameMat(f)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	hits, err := d.scan.detect(img, image.Rect(0, 0, f.Width, f.Height), d.cfg.Upscale, d.cfg)
	if err != nil {
		return nil, err
	}
	dets := make([]analytics.Detection, 0, len(hits))
	for _, h := range hits {
		dets = append(dets, analytics.Detection{Class: "person", Score: h.score(), Box: normBox(h.person(), f.Width, f.Height)})
	}
	return dets, nil
}

// Close frees the descriptor.
func (d *HOG) Close() error {
	d.scan.close()
	return nil
}

// hogHit is one grouped HOG detection in frame pixels.
type hogHit struct {
	window image.Rectangle // the detector window, person plus margins
	weight float64         // best SVM margin in the group
	hits   int             // raw hits grouped
}

// score maps the SVM margin to 0–1: 0.5 at the decision boundary.
func (h hogHit) score() float64 { return 1 / (1 + math.Exp(-2*h.weight)) }

// person returns the window without the detector's margins (the default
// people detector's window holds a person ~3/4 of its height, ~1/2 its width).
func (h hogHit) person() image.Rectangle {
	w, ht := h.window.Dx(), h.window.Dy()
	return image.Rect(h.window.Min.X+w/4, h.window.Min.Y+ht/10, h.window.Max.X-w/4, h.window.Max.Y-ht/14)
}

// hogScanner owns one C++ HOGDescriptor and the scratch Mat for scaled regions.
type hogScanner struct {
	h    *C.se_hog
	buf  []C.se_hog_hit
	work gocv.Mat // scaled region, owned here
	grey gocv.Mat
}

func newHOGScanner() (*hogScanner, error) {
	h := C.se_hog_new()
	if h == nil {
		return nil, errors.New("create HOG descriptor: OpenCV failed")
	}
	return &hogScanner{h: h, buf: make([]C.se_hog_hit, maxHOGHits), work: gocv.NewMat(), grey: gocv.NewMat()}, nil
}

func (s *hogScanner) close() {
	if s.h != nil {
		C.se_hog_free(s.h)
		s.h = nil
		_ = s.work.Close()
		_ = s.grey.Close()
	}
}

// detect scans the region roi of img enlarged by scale and returns grouped hits
// in img pixels; a region that no window fits in has none.
func (s *hogScanner) detect(img gocv.Mat, roi image.Rectangle, scale float64, cfg HOGConfig) ([]hogHit, error) {
	roi = roi.Intersect(image.Rect(0, 0, img.Cols(), img.Rows()))
	if float64(roi.Dx())*scale < hogWinW || float64(roi.Dy())*scale < hogWinH {
		return nil, nil // no window fits
	}
	region := img.Region(roi)
	defer region.Close()
	size := image.Pt(int(float64(roi.Dx())*scale), int(float64(roi.Dy())*scale))
	gocv.Resize(region, &s.work, size, 0, 0, gocv.InterpolationLinear)
	if s.work.Channels() == 3 {
		gocv.CvtColor(s.work, &s.grey, gocv.ColorBGRToGray)
	}
	var msg [256]C.char
	n := C.se_hog_detect(s.h, unsafe.Pointer(s.grey.Ptr()), C.double(cfg.HitThreshold), C.int(cfg.Stride), C.int(cfg.Padding),
		C.double(cfg.Scale), &s.buf[0], C.int(len(s.buf)), &msg[0], C.int(len(msg)))
	if n < 0 {
		return nil, fmt.Errorf("HOG detect: %s", C.GoString(&msg[0]))
	}
	raw := make([]hogHit, 0, min(int(n), len(s.buf)))
	for _, b := range s.buf[:min(int(n), len(s.buf))] {
		r := image.Rect(int(b.x), int(b.y), int(b.x+b.w), int(b.y+b.h))
		raw = append(raw, hogHit{window: unscale(r, scale, roi.Min), weight: float64(b.weight), hits: 1})
	}
	return groupHits(raw, cfg.MinHits, cfg.NMSIoU), nil
}

// unscale maps a rectangle of the scaled region back into image pixels.
func unscale(r image.Rectangle, scale float64, off image.Point) image.Rectangle {
	f := func(v int) int { return int(math.Round(float64(v) / scale)) }
	return image.Rect(f(r.Min.X), f(r.Min.Y), f(r.Max.X), f(r.Max.Y)).Add(off)
}
