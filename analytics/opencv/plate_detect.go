package opencv

import (
	"cmp"
	"fmt"
	"image"
	"math"
	"slices"

	"gocv.io/x/gocv"
)

// HyperLPR3 detector constants (/work/shared/models/README.md).
const (
	plateObjMin  = 0.25 // objectness a candidate needs before scoring
	plateNMSIoU  = 0.5
	plateDetCols = 15 // cx cy w h obj, 4 corners (x, y), p_single, p_double
)

// corner is a sub-pixel plate corner in picture pixels.
type corner struct{ x, y float64 }

// plateBox is one detected plate in the pixels of the image given to detect.
type plateBox struct {
	x1, y1, x2, y2 float64
	corners        [4]corner // TL TR BR BL
	score          float64
	double         bool
}

// plateDetector runs the HyperLPR3 y5fu detector. It owns its net and canvas.
type plateDetector struct {
	net     *plateNet
	size    int
	minConf float64
	canvas  gocv.Mat // size×size BGR letterbox canvas
}

func newPlateDetector(net *plateNet, size int, minConf float64) *plateDetector {
	return &plateDetector{net: net, size: size, minConf: minConf,
		canvas: gocv.NewMatWithSize(size, size, gocv.MatTypeCV8UC3)}
}

func (d *plateDetector) close() {
	d.net.close()
	_ = d.canvas.Close()
}

// plateDetectRows is the number of output rows at input size s: three anchors
// per cell of the stride 8, 16 and 32 grids.
func plateDetectRows(s int) int {
	return 3 * (gridCells(s, 8) + gridCells(s, 16) + gridCells(s, 32))
}

// checkPlateDetector wants one output [1, N, 15].
func checkPlateDetector(outs []tensor, size int) error {
	if len(outs) != 1 || outs[0].cols() != plateDetCols || outs[0].rows() != plateDetectRows(size) {
		return fmt.Errorf("wrong output shape for %s at %d: got %s, want one [1 %d %d]",
			FormatHyperLPR3, size, shapes(outs), plateDetectRows(size), plateDetCols)
	}
	return nil
}

// detect finds plates in img (BGR, any size) and returns them best first, in
// img's pixels, after NMS.
func (d *plateDetector) detect(img gocv.Mat) ([]plateBox, error) {
	lb := d.letterbox(img)
	blob := gocv.BlobFromImage(d.canvas, 1.0/255, image.Pt(d.size, d.size), gocv.NewScalar(0, 0, 0, 0), true, false)
	defer blob.Close()
	outs, ts, err := d.net.forward(blob)
	if err != nil {
		return nil, err
	}
	defer closeMats(outs)
	if err := checkPlateDetector(ts, d.size); err != nil {
		return nil, err
	}
	var boxes []plateBox
	t := ts[0]
	for i := range t.rows() {
		p := t.data[i*plateDetCols : (i+1)*plateDetCols]
		if p[4] <= plateObjMin {
			continue
		}
		score := float64(p[4] * max(p[13], p[14]))
		if score < d.minConf {
			continue
		}
		boxes = append(boxes, decodePlateBox(p, score, lb))
	}
	return plateNMS(boxes, plateNMSIoU), nil
}

// decodePlateBox maps one output row from network input pixels back to image pixels.
func decodePlateBox(p []float32, score float64, lb letterbox) plateBox {
	mx := func(v float32) float64 { return (float64(v) - lb.padX) / lb.r }
	my := func(v float32) float64 { return (float64(v) - lb.padY) / lb.r }
	b := plateBox{
		x1: mx(p[0] - p[2]/2), y1: my(p[1] - p[3]/2),
		x2: mx(p[0] + p[2]/2), y2: my(p[1] + p[3]/2),
		score: score, double: p[14] > p[13],
	}
	for k := range b.corners {
		b.corners[k] = corner{mx(p[5+2*k]), my(p[6+2*k])}
	}
	return b
}

// letterbox scales img into the centre of the canvas, the rest black.
func (d *plateDetector) letterbox(img gocv.Mat) letterbox {
	w, h, s := img.Cols(), img.Rows(), d.size
	r := math.Min(float64(s)/float64(w), float64(s)/float64(h))
	nw := min(max(int(math.Round(float64(w)*r)), 1), s)
	nh := min(max(int(math.Round(float64(h)*r)), 1), s)
	px, py := (s-nw)/2, (s-nh)/2
	d.canvas.SetTo(gocv.NewScalar(0, 0, 0, 0))
	roi := d.canvas.Region(image.Rect(px, py, px+nw, py+nh))
	gocv.Resize(img, &roi, image.Pt(nw, nh), 0, 0, gocv.InterpolationLinear)
	_ = roi.Close()
	return letterbox{r: r, padX: float64(px), padY: float64(py)}
}

// plateNMS sorts boxes best first and drops any that overlaps a kept one by
// more than iou.
func plateNMS(boxes []plateBox, iou float64) []plateBox {
	slices.SortStableFunc(boxes, func(a, b plateBox) int { return cmp.Compare(b.score, a.score) })
	var kept []plateBox
	for _, b := range boxes {
		if !slices.ContainsFunc(kept, func(k plateBox) bool { return boxIoU(k, b) > iou }) {
			kept = append(kept, b)
		}
	}
	return kept
}

func boxIoU(a, b plateBox) float64 {
	iw := min(a.x2, b.x2) - max(a.x1, b.x1)
	ih := min(a.y2, b.y2) - max(a.y1, b.y1)
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	return inter / ((a.x2-a.x1)*(a.y2-a.y1) + (b.x2-b.x1)*(b.y2-b.y1) - inter)
}
