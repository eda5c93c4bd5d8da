package opencv

// The update loop in median_shim.cpp is written for the compiler to vectorise,
// which GCC does at -O3 (twice as fast as at the default -O2).

// #cgo CXXFLAGS: -O3
// #include "median_shim.h"
import "C"

import (
	"errors"
	"image"
	"slices"
	"unsafe"

	"gocv.io/x/gocv"
)

// DefaultMotionGreyThreshold is how many grey levels a pixel must differ from
// the running median by to count as moving.
const DefaultMotionGreyThreshold = 20

// Running-median constants.
const (
	// medianBootFrames pictures, one every medianBootEvery frames, start the
	// model: their per-pixel median is the scene without whoever walks through
	// it, since a walker covers a pixel in fewer than half of them. Until then
	// the model starts from the first picture and learns medianBootStep grey
	// levels a frame.
	medianBootFrames = 15
	medianBootEvery  = 2
	medianBootStep   = 4
	// medianSlowEvery: the slow model moves one grey level every that many
	// frames, and only where the fast one sees no motion.
	medianSlowEvery = 8
	// medianResetShare of the picture moving at once means the light changed or
	// the camera moved, not the scene: the model starts again.
	medianResetShare = 0.5
)

// medianBackground is a running median of the blurred grey picture (the
// approximate median filter): each frame moves every background pixel one grey
// level towards the picture. A passer-by moves it a few levels and leaves no
// trail, unlike a running average; someone standing still fades in after as
// many frames as they differ from the ground in grey levels (40 or so).
//
// A second, slow median remembers the scene from before: a pixel moves only when
// it differs from both. So when a car or person that stood long enough to fade
// in leaves, the ground it uncovers matches the slow model and leaves no ghost.
type medianBackground struct {
	threshold int
	maxMoving int      // moving pixels above which the model starts again
	frames    int      // frames since the model (re)started
	boot      [][]byte // the first grey pictures, until the model starts from their median
	grey      gocv.Mat // the blurred grey picture
	fast      gocv.Mat // follows the picture, one grey level a frame
	slow      gocv.Mat // follows fast's background, one level every medianSlowEvery frames
}

func newMedianBackground(threshold, pixels int) *medianBackground {
	return &medianBackground{
		threshold: threshold, maxMoving: int(medianResetShare * float64(pixels)),
		grey: gocv.NewMat(), fast: gocv.NewMat(), slow: gocv.NewMat(),
	}
}

func (b *medianBackground) apply(img gocv.Mat, fg *gocv.Mat) error {
	gocv.CvtColor(img, &b.grey, gocv.ColorBGRToGray)
	gocv.GaussianBlur(b.grey, &b.grey, image.Pt(5, 5), 0, 0, gocv.BorderDefault)
	step := 1
	if b.frames < medianBootFrames*medianBootEvery {
		step = medianBootStep
		if err := b.bootstrap(); err != nil {
			return err
		}
	}
	learnSlow := 0
	if b.frames%medianSlowEvery == 0 {
		learnSlow = 1
	}
	b.frames++
	n := C.se_median_apply(unsafe.Pointer(b.grey.Ptr()), unsafe.Pointer(b.fast.Ptr()), unsafe.Pointer(b.slow.Ptr()),
		unsafe.Pointer(fg.Ptr()), C.int(b.threshold), C.int(step), C.int(learnSlow))
	if n < 0 {
		return errors.New("median background: the picture does not fit the model")
	}
	if int(n) > b.maxMoving {
		b.frames = 0
		fg.SetTo(gocv.NewScalar(0, 0, 0, 0))
	}
	return nil
}

// bootstrap keeps every medianBootEvery-th picture and, once it has
// medianBootFrames of them, starts both models from their per-pixel median.
// The first picture starts them as it is.
func (b *medianBackground) bootstrap() error {
	if b.frames == 0 {
		b.boot = b.boot[:0]
		b.grey.CopyTo(&b.fast)
		b.grey.CopyTo(&b.slow)
	}
	if b.frames%medianBootEvery != 0 {
		return nil
	}
	b.boot = append(b.boot, b.grey.ToBytes())
	if len(b.boot) < medianBootFrames {
		return nil
	}
	med := medianOf(b.boot)
	b.boot = nil
	m, err := gocv.NewMatFromBytes(b.grey.Rows(), b.grey.Cols(), gocv.MatTypeCV8U, med)
	if err != nil {
		return err
	}
	defer m.Close()
	m.CopyTo(&b.fast)
	m.CopyTo(&b.slow)
	return nil
}

// medianOf returns the per-pixel median of equally long pictures.
func medianOf(pics [][]byte) []byte {
	out := make([]byte, len(pics[0]))
	v := make([]byte, len(pics))
	for i := range out {
		for k, p := range pics {
			v[k] = p[i]
		}
		slices.Sort(v)
		out[i] = v[len(v)/2]
	}
	return out
}

func (b *medianBackground) close() {
	for _, m := range []*gocv.Mat{&b.grey, &b.fast, &b.slow} {
		_ = m.Close()
	}
}
