package lpr

import (
	"image"
	"math"
	"sort"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// candidate is a region that may be a plate: a rotated rectangle in picture pixels.
type candidate struct {
	cx, cy        float64 // centre
	angle         float64 // of the long side, radians
	length, thick float64 // extent along and across the long side
	color         plate.Color
	// edgeOnly marks a region found by edge density alone: it covers the character
	// band rather than the whole plate, so it is grown more before reading.
	edgeOnly bool
	prior    float64
}

// Plate shapes accepted (length/thickness of the region): single-row plates are 3.1
// (440×140 mm) or 3.4 (480×140), double-row ones 2 (440×220); masks lose or gain a
// little, and the edge band of a plate is longer than the plate is high.
const (
	minAspect = 1.6
	maxAspect = 7.5
	minFill   = 0.4
)

// pixel classes of the colour masks
const (
	pixNone = iota
	pixBlue
	pixYellow
	pixGreen
)

// locate finds plate candidates in pic: regions of plate colour (blue, yellow,
// green including the pale top of new-energy plates) and regions dense in vertical
// edges (any colour, white and black plates included), each closed morphologically,
// labelled, and kept when their size, aspect ratio and fill fit a plate.
func (s *scratch) locate(pic plate.Picture, minH int) []candidate {
	// Plates of 16 pixels and more are found at half resolution, 4 times cheaper;
	// in large pictures big plates (48 px and more, whose characters break the colour
	// masks apart at fine scales) are looked for at a quarter resolution too.
	if minH < 16 || pic.W < 64 || pic.H < 64 {
		return dedupe(s.locateAt(pic, minH))
	}
	half := halve(pic, s.half)
	s.half = half.Pix
	cands := scaled(s.locateAt(half, minH/2), 2)
	if pic.W >= bigPicture && half.W >= 64 && half.H >= 64 {
		quarter := halve(half, s.quarter)
		s.quarter = quarter.Pix
		cands = append(cands, scaled(s.locateAt(quarter, max(minH, 48)/4), 4)...)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].prior > cands[j].prior })
	return dedupe(cands)
}

// bigPicture is the width from which locate also works at a quarter resolution.
const bigPicture = 1200

func scaled(cands []candidate, f float64) []candidate {
	for i := range cands {
		c := &cands[i]
		c.cx, c.cy, c.length, c.thick = c.cx*f, c.cy*f, c.length*f, c.thick*f
	}
	return cands
}

// locateAt is locate at the picture's own resolution.
func (s *scratch) locateAt(pic plate.Picture, minH int) []candidate {
	w, h := pic.W, pic.H
	gray, colors := grayAndColors(pic, s.gray, &s.masks)
	s.gray = gray
	edges, resp := sobelX(gray, w, h, s.resp, &s.masks)
	s.resp = resp

	var cands []candidate
	rx := max(4, min(12, minH/2+2))
	closedEdges := edges.close(rx, 1)
	edgeBand := closedEdges.open(2, max(1, minH/6))
	cands = append(cands, blobCandidates(edgeBand, minH, plate.ColorUnknown, true)...)
	closedEdges.release()
	edgeBand.release()
	for k, m := range colors {
		closed := m.close(max(2, minH/6), max(1, minH/8))
		cs := blobCandidates(closed, minH, []plate.Color{plate.ColorBlue, plate.ColorYellow, plate.ColorGreen}[k], false)
		for i := range cs {
			cs[i].prior += edgeShare(edges, cs[i])
		}
		cands = append(cands, cs...)
		m.release()
		closed.release()
	}
	edges.release()
	for i := range cands {
		cands[i].prior += stripes(gray, w, h, cands[i])
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].prior > cands[j].prior })
	return cands
}

// sameRegion is the overlap above which two candidates are read once.
const sameRegion = 0.7

// dedupe drops candidates that overlap a stronger one by more than sameRegion.
func dedupe(cands []candidate) []candidate {
	var kept []candidate
	for _, c := range cands {
		dup := false
		for _, k := range kept {
			if iou(c.bounds(), k.bounds()) > sameRegion {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, c)
		}
	}
	return kept
}

// bounds is the axis-aligned bounding box of the candidate's rectangle.
func (c candidate) bounds() image.Rectangle {
	hx := math.Abs(c.length/2*math.Cos(c.angle)) + math.Abs(c.thick/2*math.Sin(c.angle))
	hy := math.Abs(c.length/2*math.Sin(c.angle)) + math.Abs(c.thick/2*math.Cos(c.angle))
	return image.Rect(int(c.cx-hx), int(c.cy-hy), int(math.Ceil(c.cx+hx)), int(math.Ceil(c.cy+hy)))
}

// hsvClass sorts a pixel into a plate-colour mask by hue, saturation and value.
func hsvClass(r, g, b int32) int {
	mx, mn := max(r, g, b), min(r, g, b)
	if mx < 50 || mx == mn {
		return pixNone
	}
	d := mx - mn
	s := d * 100 / mx // saturation in percent
	var h int32       // hue in degrees
	switch mx {
	case r:
		h = (60*(g-b)/d + 360) % 360
	case g:
		h = 60*(b-r)/d + 120
	default:
		h = 60*(r-g)/d + 240
	}
	switch {
	case h >= 195 && h <= 255 && s >= 35:
		return pixBlue
	case h >= 28 && h <= 62 && s >= 35 && mx >= 80:
		return pixYellow
	case h >= 70 && h <= 165 && s >= 18 && mx >= 70:
		return pixGreen
	}
	return pixNone
}

// blobCandidates turns the blobs of m into candidates that have a plate's shape.
func blobCandidates(m mask, minH int, col plate.Color, edgeOnly bool) []candidate {
	minThick := 0.75 * float64(minH)
	if edgeOnly {
		minThick *= 0.6 // the character band is about 90/140 of the plate
	}
	var out []candidate
	for _, b := range m.blobs(int(minThick * minThick * 1.5)) {
		n := float64(b.n)
		mx, my := b.sx/n, b.sy/n
		cxx, cyy, cxy := b.sxx/n-mx*mx, b.syy/n-my*my, b.sxy/n-mx*my
		tr, det := cxx+cyy, cxx*cyy-cxy*cxy
		disc := math.Sqrt(math.Max(0, tr*tr/4-det))
		l1, l2 := tr/2+disc, tr/2-disc
		length, thick := math.Sqrt(12*l1), math.Sqrt(12*math.Max(0, l2))
		if thick < minThick || thick > float64(m.h)*0.6 || length < 1 {
			continue
		}
		aspect := length / thick
		fill := n / (length * thick)
		if aspect < minAspect || aspect > maxAspect || fill < minFill {
			continue
		}
		angle := 0.5 * math.Atan2(2*cxy, cxx-cyy)
		shape := math.Abs(math.Log(aspect / 3.2))
		out = append(out, candidate{
			cx: mx + 0.5, cy: my + 0.5, angle: angle, length: length, thick: thick,
			color: col, edgeOnly: edgeOnly, prior: math.Min(1, fill) - 0.5*shape,
		})
	}
	return out
}

// edgeShare is the share of a candidate's bounding box pixels that are edges,
// scaled so that a typical plate scores about 1.
func edgeShare(edges mask, c candidate) float64 {
	b := c.bounds().Intersect(image.Rect(0, 0, edges.w, edges.h))
	n := b.Dx() * b.Dy()
	on := edges.count(b.Min.X, b.Min.Y, b.Max.X, b.Max.Y)
	if n <= 0 {
		return 0
	}
	return math.Min(1, float64(on)/float64(n)/0.15)
}

// stripes scores how much a candidate's middle line looks like a row of characters:
// the number of light/dark alternations along it (seven characters make at least
// fourteen), as a share of fourteen, at most 1.
func stripes(gray []int32, w, h int, c candidate) float64 {
	n := max(16, int(c.length))
	cos, sin := math.Cos(c.angle), math.Sin(c.angle)
	vals := make([]int32, 0, n)
	lo, hi := int32(255), int32(0)
	for i := range n {
		d := (float64(i)/float64(n-1) - 0.5) * c.length
		x, y := int(c.cx+d*cos), int(c.cy+d*sin)
		if x < 0 || y < 0 || x >= w || y >= h {
			continue
		}
		v := gray[y*w+x]
		vals = append(vals, v)
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 24 {
		return 0
	}
	return math.Min(1, float64(alternations(vals, lo, hi))/14)
}

// alternations counts how often vals cross from light to dark or back around
// the middle of lo and hi, with a hysteresis of a sixth of their spread.
func alternations(vals []int32, lo, hi int32) int {
	mid, band := (lo+hi)/2, (hi-lo)/6
	state, n := 0, 0
	for _, v := range vals {
		switch {
		case v > mid+band && state != 1:
			if state != 0 {
				n++
			}
			state = 1
		case v < mid-band && state != -1:
			if state != 0 {
				n++
			}
			state = -1
		}
	}
	return n
}
