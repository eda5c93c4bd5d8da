package main

import (
	"cmp"
	"image"
	"math"
	"slices"
	"strconv"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// minIoU is the overlap a finding's box needs with a truth box to count as detecting it.
const minIoU = 0.5

// rotatedBounds is the axis-aligned bounding box of an OpenCV-style rotated rectangle
// (centre, size, angle in degrees). The sign and the width/height order of the angle
// convention do not matter for the bounding box.
func rotatedBounds(cx, cy, w, h, angle float64) image.Rectangle {
	s, c := math.Sincos(angle * math.Pi / 180)
	hw := (w*math.Abs(c) + h*math.Abs(s)) / 2
	hh := (w*math.Abs(s) + h*math.Abs(c)) / 2
	return image.Rect(int(math.Round(cx-hw)), int(math.Round(cy-hh)), int(math.Round(cx+hw)), int(math.Round(cy+hh)))
}

// iou is the intersection over union of two rectangles (0 when either is empty).
func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ia := float64(in.Dx() * in.Dy())
	union := float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia
	if union <= 0 {
		return 0
	}
	return ia / union
}

// matchBoxes pairs truth boxes with found boxes one to one, greedily by the highest
// IoU first, keeping pairs with IoU >= minIoU. It returns, per truth box, the index of
// its found box or -1.
func matchBoxes(truth, found []image.Rectangle) []int {
	var pairs []boxPair
	for t, tb := range truth {
		for f, fb := range found {
			if v := iou(tb, fb); v >= minIoU {
				pairs = append(pairs, boxPair{t, f, v})
			}
		}
	}
	// Highest IoU first; ties by truth, then found index, so the result is stable.
	slices.SortFunc(pairs, func(a, b boxPair) int {
		return cmp.Or(cmp.Compare(b.iou, a.iou), cmp.Compare(a.t, b.t), cmp.Compare(a.f, b.f))
	})
	match := make([]int, len(truth))
	for i := range match {
		match[i] = -1
	}
	used := make([]bool, len(found))
	for _, p := range pairs {
		if match[p.t] < 0 && !used[p.f] {
			match[p.t], used[p.f] = p.f, true
		}
	}
	return match
}

// boxPair is a truth box and a found box that overlap enough.
type boxPair struct {
	t, f int
	iou  float64
}

// charsCorrect aligns the normalised read with the normalised truth by Levenshtein
// distance (unit costs for substitution, insertion, deletion), choosing among the
// alignments of least cost one with the most equal pairs, and returns how many truth
// characters are aligned with an equal read character, and the truth's length. A
// missing character shifts nothing: "粤B12345" read as "粤B1345" still has 6 correct.
func charsCorrect(truth, read string) (correct, total int) {
	t, r := []rune(plate.Normalize(truth)), []rune(plate.Normalize(read))
	type cell struct{ cost, match int }
	less := func(a, b cell) bool { return a.cost < b.cost || a.cost == b.cost && a.match > b.match }
	prev, cur := make([]cell, len(r)+1), make([]cell, len(r)+1)
	for j := range prev {
		prev[j] = cell{cost: j}
	}
	for i := 1; i <= len(t); i++ {
		cur[0] = cell{cost: i}
		for j := 1; j <= len(r); j++ {
			diag := prev[j-1]
			if t[i-1] == r[j-1] {
				diag.match++
			} else {
				diag.cost++
			}
			best := diag
			for _, c := range []cell{{prev[j].cost + 1, prev[j].match}, {cur[j-1].cost + 1, cur[j-1].match}} {
				if less(c, best) {
					best = c
				}
			}
			cur[j] = best
		}
		prev, cur = cur, prev
	}
	return prev[len(r)].match, len(t)
}

// tally accumulates one engine's results on one data set.
type tally struct {
	Images, Plates, Findings, Detected int
	Exact, CharsRight, Chars           int
	ColorJudged, ColorRight            int
	Errors                             int
	Seconds                            float64
}

// addPlate counts one truth plate: whether it was detected, what was read and which
// colour (ColorUnknown when the truth has none: not judged).
func (t *tally) addPlate(truth string, truthColor plate.Color, detected bool, read string, color plate.Color) {
	t.Plates++
	c, n := charsCorrect(truth, "")
	if detected {
		t.Detected++
		c, n = charsCorrect(truth, read)
		if plate.Normalize(read) == plate.Normalize(truth) {
			t.Exact++
		}
		if truthColor != plate.ColorUnknown {
			t.ColorJudged++
			if color == truthColor {
				t.ColorRight++
			}
		}
	}
	t.CharsRight += c
	t.Chars += n
}

// rate is a fraction in [0, 1], NaN when there was nothing to measure; JSON writes
// NaN as null.
type rate float64

// MarshalJSON writes the number, or null for NaN.
func (r rate) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(r)) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(r), 'f', 4, 64), nil
}

// ratio is a/b, or NaN when b is 0.
func ratio(a, b int) rate {
	if b == 0 {
		return rate(math.NaN())
	}
	return rate(float64(a) / float64(b))
}

// metrics are a tally's rates.
type metrics struct {
	Recall     rate    `json:"detection_recall"`
	Precision  rate    `json:"detection_precision"`
	Exact      rate    `json:"whole_plate_accuracy"`
	Chars      rate    `json:"char_accuracy"`
	Color      rate    `json:"color_accuracy"`
	MsPerImage float64 `json:"ms_per_image"`
}

func (t tally) metrics() metrics {
	return metrics{
		Recall: ratio(t.Detected, t.Plates), Precision: ratio(t.Detected, t.Findings),
		Exact: ratio(t.Exact, t.Plates), Chars: ratio(t.CharsRight, t.Chars),
		Color: ratio(t.ColorRight, t.ColorJudged), MsPerImage: 1000 * t.Seconds / float64(max(1, t.Images)),
	}
}
