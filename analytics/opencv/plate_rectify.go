package opencv

import (
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// Plate geometry (HyperLPR3's pipeline, /work/shared/models/README.md).
const (
	// plateExpandW and plateExpandH widen the detector's corner quad by these
	// fractions of its width and height in all (half on each side): its
	// corners sit on the plate's frame and clip the province character.
	plateExpandW = 0.06
	plateExpandH = 0.12
	// plateRotate: a rectified plate taller than this × its width is turned 90°.
	plateRotate = 1.5
	// plateSplit is where a two-row plate's top row (province, authority)
	// ends, as a fraction of its height.
	plateSplit = 0.4
	// plateDoubleAspect: a crop given to Recognize narrower than this × its
	// height is read as a two-row plate (440×220 mm against 440×140 mm).
	plateDoubleAspect = 2.5
	// plateAspect is a one-row plate's width over its height (440×140 mm).
	plateAspect = 440.0 / 140
	// plateMaxCropW bounds the width of a rectified crop; larger plates are
	// scaled down (the recogniser reads 94 pixels wide).
	plateMaxCropW = 376
)

// expandQuad widens a TL TR BR BL quad by ew of its width and eh of its height
// along its own axes, and returns it with its mean width and height.
func expandQuad(c [4]corner, ew, eh float64) (q [4]corner, w, h float64) {
	ux, uy := (c[1].x-c[0].x+c[2].x-c[3].x)/2, (c[1].y-c[0].y+c[2].y-c[3].y)/2
	vx, vy := (c[3].x-c[0].x+c[2].x-c[1].x)/2, (c[3].y-c[0].y+c[2].y-c[1].y)/2
	a, b := ew/2, eh/2
	sx := [4]float64{-1, 1, 1, -1} // direction along the width, per corner
	sy := [4]float64{-1, -1, 1, 1}
	for k := range c {
		q[k] = corner{c[k].x + sx[k]*a*ux + sy[k]*b*vx, c[k].y + sx[k]*a*uy + sy[k]*b*vy}
	}
	return q, math.Hypot(ux, uy) * (1 + ew), math.Hypot(vx, vy) * (1 + eh)
}

// quadSize returns a TL TR BR BL quad's mean width and height.
func quadSize(c [4]corner) (w, h float64) {
	_, w, h = expandQuad(c, 0, 0)
	return w, h
}

// rectifyPlate warps the plate quad c of img (BGR), widened by ew and eh (see
// expandQuad), to an upright rectangle of about its natural size, turned 90° when it stands on end. The caller owns the
// returned Mat.
func rectifyPlate(img gocv.Mat, c [4]corner, ew, eh float64) gocv.Mat {
	q, w, h := expandQuad(c, ew, eh)
	if w > plateMaxCropW {
		h, w = h*plateMaxCropW/w, plateMaxCropW
	}
	ow, oh := max(int(math.Round(w)), 2), max(int(math.Round(h)), 2)
	src := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: float32(q[0].x), Y: float32(q[0].y)}, {X: float32(q[1].x), Y: float32(q[1].y)},
		{X: float32(q[2].x), Y: float32(q[2].y)}, {X: float32(q[3].x), Y: float32(q[3].y)},
	})
	defer src.Close()
	dst := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: 0, Y: 0}, {X: float32(ow), Y: 0}, {X: float32(ow), Y: float32(oh)}, {X: 0, Y: float32(oh)},
	})
	defer dst.Close()
	m := gocv.GetPerspectiveTransform2f(src, dst)
	defer m.Close()
	out := gocv.NewMat()
	gocv.WarpPerspectiveWithParams(img, &out, m, image.Pt(ow, oh), gocv.InterpolationLinear,
		gocv.BorderReplicate, color.RGBA{})
	if float64(oh) <= plateRotate*float64(ow) {
		return out
	}
	turned := gocv.NewMat()
	gocv.Rotate(out, &turned, gocv.Rotate90CounterClockwise)
	_ = out.Close()
	return turned
}

// plateRows splits a two-row plate at plateSplit of its height. The caller
// owns both Mats (copies).
func plateRows(crop gocv.Mat) (top, bottom gocv.Mat) {
	w, h := crop.Cols(), crop.Rows()
	s := min(max(int(math.Round(float64(h)*plateSplit)), 1), h-1)
	t := crop.Region(image.Rect(0, 0, w, s))
	b := crop.Region(image.Rect(0, s, w, h))
	top, bottom = t.Clone(), b.Clone()
	_ = t.Close()
	_ = b.Close()
	return top, bottom
}

// sideBySide places the top row, scaled to the bottom row's size, left of the
// bottom row: one line of characters, HyperLPR3's layout for two-row plates.
// The caller owns the returned Mat.
func sideBySide(top, bottom gocv.Mat) gocv.Mat {
	scaled := gocv.NewMat()
	defer scaled.Close()
	gocv.Resize(top, &scaled, image.Pt(bottom.Cols(), bottom.Rows()), 0, 0, gocv.InterpolationLinear)
	out := gocv.NewMat()
	gocv.Hconcat(scaled, bottom, &out)
	return out
}
