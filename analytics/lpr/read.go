package lpr

import (
	"fmt"
	"image"
	"math"
	"sort"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Growth of a candidate region before reading: colour regions cover the plate,
// edge regions only its character band.
const (
	growColorL, growColorT = 1.08, 1.2
	growEdgeL, growEdgeT   = 1.12, 1.6
)

// maxPrior is about the largest candidate prior (fill and shape, edge share, stripes).
const maxPrior = 3

// maxOverlap is the IoU above which a weaker finding is dropped as a duplicate.
const maxOverlap = 0.3

// Read finds and reads the plates inside roi (the empty rectangle: the whole
// picture). Plates under minHeight pixels (0: ClassicOptions.MinHeight) are skipped.
// Findings come strongest first; Read keeps no reference to pic.Pix.
func (c *Classic) Read(pic plate.Picture, roi image.Rectangle, minHeight int) ([]plate.Finding, error) {
	if !pic.Valid() {
		return nil, fmt.Errorf("lpr: read: picture %dx%d with %d bytes is not a BGR picture", pic.W, pic.H, len(pic.Pix))
	}
	if minHeight < 0 {
		return nil, fmt.Errorf("lpr: read: minHeight is %d, want >= 0", minHeight)
	}
	if minHeight == 0 {
		minHeight = c.opts.MinHeight
	}
	bounds := image.Rect(0, 0, pic.W, pic.H)
	if roi.Empty() {
		roi = bounds
	}
	roi = roi.Intersect(bounds)
	if roi.Dx() < minCrop || roi.Dy() < minCrop {
		return nil, fmt.Errorf("lpr: read: roi %v leaves under 8x8 pixels of the %dx%d picture", roi, pic.W, pic.H)
	}
	sub := pic // Read only reads pic: the whole picture needs no copy
	if roi != bounds {
		sub = cropRect(pic, roi, c.scratch.sub)
		c.scratch.sub = sub.Pix
	}
	cands := c.scratch.locate(sub, minHeight)
	var found []plate.Finding
	var line []int32
	read := 0
	for _, cand := range cands {
		if read >= c.opts.MaxCandidates {
			break
		}
		if covered(found, cand.bounds().Add(roi.Min)) {
			continue
		}
		var ok bool
		if line, ok = striped(sub, cand, line); !ok {
			continue // not a row of characters: not worth reading
		}
		read++
		if f, ok := c.readCandidate(sub, cand, minHeight); ok {
			f.Box = f.Box.Add(roi.Min)
			for k := range f.Corners {
				f.Corners[k] = f.Corners[k].Add(roi.Min)
			}
			found = append(found, f)
		}
	}
	return suppress(found), nil
}

// sureConf is the confidence above which a finding's region is not read again.
const sureConf = 0.8

// covered reports whether a confident finding (in roi pixels) already overlaps r.
func covered(found []plate.Finding, r image.Rectangle) bool {
	for _, f := range found {
		if f.Conf >= sureConf && iou(f.Box, r) > maxOverlap {
			return true
		}
	}
	return false
}

// readCandidate rectifies one candidate, reads it and maps the plate's outline back
// into the picture.
func (c *Classic) readCandidate(pic plate.Picture, cand candidate, minH int) (plate.Finding, bool) {
	gl, gt := growColorL, growColorT
	if cand.edgeOnly {
		gl, gt = growEdgeL, growEdgeT
	}
	length, thick := cand.length*gl, cand.thick*gt
	ow, oh := max(minCrop, int(math.Round(length))), max(minCrop, int(math.Round(thick)))
	m := rotRect(cand.cx, cand.cy, cand.angle, length, thick, ow, oh)
	crop := seg.Warp(pic, m, ow, oh)
	r := c.readPlate(crop, true)
	if r.conf < c.opts.MinConf || r.text == "" {
		return plate.Finding{}, false
	}
	var quad [4]seg.Point
	for i, p := range r.outline {
		x, y := m.Apply(p.X, p.Y)
		quad[i] = seg.Point{X: x, Y: y}
	}
	plateH := math.Hypot(quad[3].X-quad[0].X, quad[3].Y-quad[0].Y)
	area := plateH * math.Hypot(quad[1].X-quad[0].X, quad[1].Y-quad[0].Y)
	if ratio := area / (length * thick); ratio < 0.3 || ratio > 3 || plateH < float64(minH) {
		return plate.Finding{}, false
	}
	f := plate.Finding{
		Text: r.text, CharConf: r.charConf, Conf: r.conf,
		Color: r.color, ColorConf: r.colorConf,
		DetectConf: 0.5*math.Min(1, math.Max(0, cand.prior/maxPrior)) + 0.5*r.conf,
	}
	bounds := image.Rect(0, 0, pic.W, pic.H)
	for i, p := range quad {
		f.Corners[i] = image.Pt(int(math.Round(p.X)), int(math.Round(p.Y)))
	}
	f.Box = quadBox(quad).Intersect(bounds)
	f.Crop = rectifyQuad(pic, quad)
	return f, !f.Box.Empty()
}

// rotRect maps an ow×oh output onto the rotated rectangle of the given centre,
// angle and size.
func rotRect(cx, cy, angle, length, thick float64, ow, oh int) seg.Affine {
	cos, sin := math.Cos(angle), math.Sin(angle)
	su, sv := length/float64(ow), thick/float64(oh)
	// x = cx + (u - ow/2)·su·cos − (v − oh/2)·sv·sin, likewise y
	return seg.Affine{
		A: su * cos, B: -sv * sin, C: cx - float64(ow)/2*su*cos + float64(oh)/2*sv*sin,
		D: su * sin, E: sv * cos, F: cy - float64(ow)/2*su*sin - float64(oh)/2*sv*cos,
	}
}

// rectifyQuad samples the parallelogram spanned by quad's top-left, top-right and
// bottom-left corners into an upright picture of its own size.
func rectifyQuad(pic plate.Picture, q [4]seg.Point) plate.Picture {
	w := max(minCrop, int(math.Round(math.Hypot(q[1].X-q[0].X, q[1].Y-q[0].Y))))
	h := max(minCrop, int(math.Round(math.Hypot(q[3].X-q[0].X, q[3].Y-q[0].Y))))
	m := seg.Affine{
		A: (q[1].X - q[0].X) / float64(w), B: (q[3].X - q[0].X) / float64(h), C: q[0].X,
		D: (q[1].Y - q[0].Y) / float64(w), E: (q[3].Y - q[0].Y) / float64(h), F: q[0].Y,
	}
	return seg.Warp(pic, m, w, h)
}

func quadBox(q [4]seg.Point) image.Rectangle {
	x0, y0, x1, y1 := q[0].X, q[0].Y, q[0].X, q[0].Y
	for _, p := range q[1:] {
		x0, y0 = math.Min(x0, p.X), math.Min(y0, p.Y)
		x1, y1 = math.Max(x1, p.X), math.Max(y1, p.Y)
	}
	return image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
}

// suppress keeps the most confident of overlapping findings, strongest first.
func suppress(fs []plate.Finding) []plate.Finding {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Conf > fs[j].Conf })
	var kept []plate.Finding
	for _, f := range fs {
		dup := false
		for _, k := range kept {
			if iou(f.Box, k.Box) > maxOverlap {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, f)
		}
	}
	return kept
}

func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ia := float64(in.Dx() * in.Dy())
	return ia / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia)
}
