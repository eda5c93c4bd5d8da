package opencv

// The update loop in median_shim.cpp is written for the compiler to vectorise,
// which GCC does at -O3 (twice as fast as at the default -O2).

// #cgo CXXFLAGS: -O3
// #include "median_shim.h"
import "C"

import (
	"errors"
	"image"
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

// Shadow test of the running median, after MOG2's: a moving pixel is the
// ground in the shade when its colour is the ground's colour dimmed to between
// half (OpenCV's shadow threshold tau 0.5) and 90 % of its brightness, give or
// take shadowChroma levels scaled by the dimming. That is MOG2's tolerance at
// its smallest learnt variance (the square root of variance threshold 25 times
// variance 4): the strict end, because grey clothes on grey ground pass the
// test too. The upper bound stops at 90 % instead of MOG2's 100 % because this
// mask comes from a blurred picture: the ring of unchanged ground around an
// object that the blur adds would otherwise count as shadow and thin the object.
const (
	shadowTauLow  = 50 // percent
	shadowTauHigh = 90
	shadowChroma  = 10 // levels
	// Shadow pixels inside this elliptic closing of the object pixels are given
	// back (restoreEnclosed); sized for a person at the 320-pixel width the
	// models work at. (A rectangle closes faster, as two 1-D passes, but it
	// also fills the corners beside a person's legs and head, and lost the
	// synthetic lingering person of TestEndToEndTripwire its intrusion.)
	shadowEncloseW, shadowEncloseH = 7, 21
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
//
// A third, colour median (per channel, unblurred) tells shadows from objects
// the way MOG2 does: a moving pixel that is only the ground's colour dimmed
// does not count (see se_median_shadows), so a walker's shadow in the sun
// neither stretches the box nor moves the foot point the rules test.
type medianBackground struct {
	threshold int
	maxMoving int      // moving pixels above which the model starts again
	frames    int      // frames since the model (re)started
	boot      []byte   // the first grey pictures back to back, until the model starts from their median
	bootBGR   []byte   // the first colour pictures, likewise
	grey      gocv.Mat // the blurred grey picture
	fast      gocv.Mat // follows the picture, one grey level a frame
	slow      gocv.Mat // follows fast's background, one level every medianSlowEvery frames
	colour    gocv.Mat // follows the colour picture, one level a frame per channel
	spread    gocv.Mat // per pixel, follows four times its distance from fast, one level a frame
	moving    gocv.Mat // the mask before the shadow test
	enclose   gocv.Mat // structuring element of restoreEnclosed
	area      gocv.Mat // restoreEnclosed's copy of the area it closes
	scratch   gocv.Mat // restoreEnclosed's working memory
}

func newMedianBackground(threshold, pixels int) *medianBackground {
	return &medianBackground{
		threshold: threshold, maxMoving: int(medianResetShare * float64(pixels)),
		grey: gocv.NewMat(), fast: gocv.NewMat(), slow: gocv.NewMat(), colour: gocv.NewMat(),
		spread: gocv.NewMat(), moving: gocv.NewMat(), area: gocv.NewMat(), scratch: gocv.NewMat(),
		enclose: gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(shadowEncloseW, shadowEncloseH)),
	}
}

func (b *medianBackground) apply(img gocv.Mat, fg *gocv.Mat) error {
	gocv.CvtColor(img, &b.grey, gocv.ColorBGRToGray)
	gocv.GaussianBlur(b.grey, &b.grey, image.Pt(5, 5), 0, 0, gocv.BorderDefault)
	step := 1
	if b.frames < medianBootFrames*medianBootEvery {
		step = medianBootStep
		if err := b.bootstrap(img); err != nil {
			return err
		}
	}
	learnSlow := 0
	if b.frames%medianSlowEvery == 0 {
		learnSlow = 1
	}
	b.frames++
	n := C.se_median_apply(unsafe.Pointer(b.grey.Ptr()), unsafe.Pointer(b.fast.Ptr()), unsafe.Pointer(b.slow.Ptr()),
		unsafe.Pointer(b.spread.Ptr()), unsafe.Pointer(fg.Ptr()),
		C.int(b.threshold), C.int(step), C.int(learnSlow))
	if n < 0 {
		return errors.New("median background: the picture does not fit the model")
	}
	if int(n) > b.maxMoving {
		b.frames = 0
		fg.SetTo(gocv.NewScalar(0, 0, 0, 0))
		return nil
	}
	fg.CopyTo(&b.moving)
	var box [4]C.int // around the cleared pixels
	cleared := C.se_median_shadows(unsafe.Pointer(img.Ptr()), unsafe.Pointer(b.colour.Ptr()), unsafe.Pointer(fg.Ptr()),
		shadowTauLow, shadowTauHigh, shadowChroma, C.int(step), &box[0])
	if cleared < 0 {
		return errors.New("median background: the colour picture does not fit the model")
	}
	if cleared > 0 {
		return b.restoreEnclosed(fg, image.Rect(int(box[0]), int(box[1]), int(box[2])+1, int(box[3])+1))
	}
	return nil
}

// restoreEnclosed gives back the "shadow" pixels enclosed by what is left of
// an object: grey clothes on grey ground pass the shadow test too, but they lie
// between the head and the legs, while a cast shadow reaches out beside the
// object. A tall closing of the object pixels bridges the first, not the second.
// The closing runs only near r, which holds the cleared pixels: the rest of
// the mask cannot change.
func (b *medianBackground) restoreEnclosed(fg *gocv.Mat, r image.Rectangle) error {
	if r.Empty() {
		return nil
	}
	if C.se_median_restore(unsafe.Pointer(fg.Ptr()), unsafe.Pointer(b.moving.Ptr()), unsafe.Pointer(b.enclose.Ptr()),
		unsafe.Pointer(b.area.Ptr()), unsafe.Pointer(b.scratch.Ptr()), C.int(r.Min.X), C.int(r.Min.Y), C.int(r.Max.X-1), C.int(r.Max.Y-1)) < 0 {
		return errors.New("median background: the mask does not fit the model")
	}
	return nil
}

// bootstrap keeps every medianBootEvery-th picture and, once it has
// medianBootFrames of them, starts the models from their per-pixel median.
// The first picture starts them as it is.
func (b *medianBackground) bootstrap(img gocv.Mat) error {
	if b.frames == 0 {
		b.boot, b.bootBGR = nil, nil
		b.grey.CopyTo(&b.fast)
		b.grey.CopyTo(&b.slow)
		img.CopyTo(&b.colour)
		b.spread.Close()
		b.spread = gocv.NewMatWithSize(b.grey.Rows(), b.grey.Cols(), gocv.MatTypeCV8U)
		b.spread.SetTo(gocv.NewScalar(0, 0, 0, 0))
	}
	if b.frames%medianBootEvery != 0 {
		return nil
	}
	n := int(b.grey.Total())
	if b.boot == nil {
		b.boot = make([]byte, 0, medianBootFrames*n)
		b.bootBGR = make([]byte, 0, medianBootFrames*3*n)
	}
	grey, err := b.grey.DataPtrUint8()
	if err != nil {
		return err
	}
	bgr, err := img.DataPtrUint8()
	if err != nil {
		return err
	}
	b.boot = append(b.boot, grey...)
	b.bootBGR = append(b.bootBGR, bgr...)
	if len(b.boot) < medianBootFrames*n {
		return nil
	}
	med, spr := planesMedian(b.boot, medianBootFrames, true)
	colourMed, _ := planesMedian(b.bootBGR, medianBootFrames, false)
	b.boot, b.bootBGR = nil, nil
	for _, m := range []struct {
		dst  *gocv.Mat
		pix  []byte
		typ  gocv.MatType
		rows int
		cols int
	}{
		{&b.fast, med, gocv.MatTypeCV8U, b.grey.Rows(), b.grey.Cols()},
		{&b.slow, med, gocv.MatTypeCV8U, b.grey.Rows(), b.grey.Cols()},
		{&b.spread, spr, gocv.MatTypeCV8U, b.grey.Rows(), b.grey.Cols()},
		{&b.colour, colourMed, gocv.MatTypeCV8UC3, img.Rows(), img.Cols()},
	} {
		src, err := gocv.NewMatFromBytes(m.rows, m.cols, m.typ, m.pix)
		if err != nil {
			return err
		}
		src.CopyTo(m.dst)
		src.Close()
	}
	return nil
}

// planesMedian returns, for k equally long pictures back to back in planes
// (reordered on return), each byte's median over them and, when spread is
// set, four times each byte's median distance from it (saturated): where the
// Sigma-Delta spread settles for a pixel that keeps varying like that, such
// as leaves in the wind. A walker that crosses a pixel in a few of the
// pictures moves neither. The work is in se_planes_median, vectorised across
// pixels.
func planesMedian(planes []byte, k int, spread bool) (med, spr []byte) {
	n := len(planes) / k
	med = make([]byte, n)
	var sp *C.uint8_t
	if spread {
		spr = make([]byte, n)
		sp = (*C.uint8_t)(unsafe.Pointer(&spr[0]))
	}
	C.se_planes_median((*C.uint8_t)(unsafe.Pointer(&planes[0])), C.int(k), C.int(n), (*C.uint8_t)(unsafe.Pointer(&med[0])), sp)
	return med, spr
}

func (b *medianBackground) close() {
	for _, m := range []*gocv.Mat{&b.grey, &b.fast, &b.slow, &b.colour, &b.spread, &b.moving, &b.enclose, &b.area, &b.scratch} {
		_ = m.Close()
	}
}

// maskMorph opens (close false) or closes mask in place by kernel, exactly as
// gocv.MorphologyEx does, by the element's row runs where it can (a few times
// cheaper for the small ellipses motion uses; see se_mask_morph). scratch is
// working memory kept between calls.
func maskMorph(mask *gocv.Mat, kernel gocv.Mat, scratch *gocv.Mat, close bool) error {
	c := C.int(0)
	if close {
		c = 1
	}
	if C.se_mask_morph(unsafe.Pointer(mask.Ptr()), unsafe.Pointer(kernel.Ptr()), unsafe.Pointer(scratch.Ptr()), c) < 0 {
		return errors.New("motion mask: morphology failed")
	}
	return nil
}
