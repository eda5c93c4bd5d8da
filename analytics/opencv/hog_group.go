package opencv

import (
	"cmp"
	"image"
	"slices"
)

// hogGroupEps is how far (relative to size) raw windows may differ to group,
// as in OpenCV's groupRectangles.
const hogGroupEps = 0.2

// groupHits clusters raw HOG windows of about the same place and size, keeps
// clusters of at least minHits, averages their windows, scores each with its
// best margin, then drops clusters inside or overlapping a better one.
func groupHits(raw []hogHit, minHits int, iou float64) []hogHit {
	label := make([]int, len(raw))
	for i := range label {
		label[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for label[i] != i {
			label[i] = label[label[i]]
			i = label[i]
		}
		return i
	}
	for i := range raw {
		for j := i + 1; j < len(raw); j++ {
			if similar(raw[i].window, raw[j].window) {
				label[find(i)] = find(j)
			}
		}
	}
	sums := map[int]*[5]float64{} // x1 y1 x2 y2 count
	best := map[int]float64{}
	for i, h := range raw {
		l := find(i)
		s, ok := sums[l]
		if !ok {
			s = &[5]float64{}
			sums[l] = s
			best[l] = h.weight
		}
		s[0] += float64(h.window.Min.X)
		s[1] += float64(h.window.Min.Y)
		s[2] += float64(h.window.Max.X)
		s[3] += float64(h.window.Max.Y)
		s[4]++
		best[l] = max(best[l], h.weight)
	}
	var groups []hogHit
	for l, s := range sums {
		if int(s[4]) < minHits {
			continue
		}
		n := s[4]
		groups = append(groups, hogHit{
			window: image.Rect(int(s[0]/n+0.5), int(s[1]/n+0.5), int(s[2]/n+0.5), int(s[3]/n+0.5)),
			weight: best[l], hits: int(n),
		})
	}
	return suppress(groups, iou)
}

// similar is OpenCV's SimilarRects: every edge within eps of the mean size.
func similar(a, b image.Rectangle) bool {
	d := hogGroupEps * float64(min(a.Dx(), b.Dx())+min(a.Dy(), b.Dy())) * 0.5
	return absf(a.Min.X-b.Min.X) <= d && absf(a.Min.Y-b.Min.Y) <= d &&
		absf(a.Max.X-b.Max.X) <= d && absf(a.Max.Y-b.Max.Y) <= d
}

func absf(v int) float64 { return float64(max(v, -v)) }

// suppress keeps the best groups, dropping one that lies mostly inside or
// overlaps by more than iou a better one.
func suppress(groups []hogHit, iou float64) []hogHit {
	slices.SortFunc(groups, func(a, b hogHit) int { return cmp.Compare(b.weight, a.weight) })
	var kept []hogHit
	for _, g := range groups {
		ok := true
		for _, k := range kept {
			in := g.window.Intersect(k.window)
			area := func(r image.Rectangle) float64 { return float64(r.Dx() * r.Dy()) }
			if area(in) > 0.7*area(g.window) || area(in) > iou*(area(g.window)+area(k.window)-area(in)) {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, g)
		}
	}
	return kept
}
