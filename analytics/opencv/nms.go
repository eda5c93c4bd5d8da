package opencv

import (
	"cmp"
	"slices"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// nms keeps, per class, the best-scoring detections and drops any that overlaps
// a kept one of the same class by more than iou. It sorts dets in place and
// returns them best first.
func nms(dets []analytics.Detection, iou float64) []analytics.Detection {
	slices.SortStableFunc(dets, func(a, b analytics.Detection) int { return cmp.Compare(b.Score, a.Score) })
	kept := dets[:0:0]
	for _, d := range dets {
		if !overlapsKept(kept, d, iou) {
			kept = append(kept, d)
		}
	}
	return kept
}

func overlapsKept(kept []analytics.Detection, d analytics.Detection, iou float64) bool {
	for _, k := range kept {
		if k.Class == d.Class && k.Box.IoU(d.Box) > iou {
			return true
		}
	}
	return false
}
