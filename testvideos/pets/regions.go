package pets

import "github.com/sharpeyes/sharpeyes/testvideos/internal/geom"

// CountInPolygon returns, per 0-based video frame (Frames entries), how many tracks have
// their foot point inside poly (normalized coordinates, even-odd rule).
func (g *GT) CountInPolygon(poly []Point) []int {
	counts := make([]int, Frames)
	for _, b := range g.Boxes {
		f := b.VideoFrame()
		if f < 0 || f >= Frames {
			continue
		}
		if geom.InPolygon(poly, b.Foot()) {
			counts[f]++
		}
	}
	return counts
}
