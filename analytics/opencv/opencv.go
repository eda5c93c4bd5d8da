// Package opencv holds the analytics.Detector implementations built on OpenCV
// through gocv: motion (background subtraction), HOG people, a motion+HOG people
// classifier and ONNX object detectors. It is the only importer of gocv.
//
// Mat ownership: every gocv.Mat created here has exactly one owner that closes
// it; Mats kept across frames belong to the detector and are closed by Close.
package opencv

import (
	"errors"
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// frameMat wraps f.Pix without copying. The caller owns the returned Mat, must
// close it before Detect returns (f.Pix is only lent for the call) and must not
// write into it.
func frameMat(f *analytics.Frame) (gocv.Mat, error) {
	if f == nil || f.Width <= 0 || f.Height <= 0 {
		return gocv.Mat{}, errors.New("empty frame")
	}
	if len(f.Pix) != f.Width*f.Height*3 {
		return gocv.Mat{}, fmt.Errorf("frame %dx%d: %d bytes of pixels, want %d",
			f.Width, f.Height, len(f.Pix), f.Width*f.Height*3)
	}
	return gocv.NewMatFromBytes(f.Height, f.Width, gocv.MatTypeCV8UC3, f.Pix)
}

// normBox converts a pixel rectangle to a normalized box, clipped to the image.
func normBox(r image.Rectangle, w, h int) analytics.Box {
	return analytics.Box{
		X1: clamp01(float64(r.Min.X) / float64(w)),
		Y1: clamp01(float64(r.Min.Y) / float64(h)),
		X2: clamp01(float64(r.Max.X) / float64(w)),
		Y2: clamp01(float64(r.Max.Y) / float64(h)),
	}
}

// pixelRect converts a normalized box to a pixel rectangle inside w×h.
func pixelRect(b analytics.Box, w, h int) image.Rectangle {
	r := image.Rect(int(b.X1*float64(w)), int(b.Y1*float64(h)),
		int(b.X2*float64(w)+0.5), int(b.Y2*float64(h)+0.5))
	return r.Intersect(image.Rect(0, 0, w, h))
}

func clamp01(v float64) float64 { return min(max(v, 0), 1) }
