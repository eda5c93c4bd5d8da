package lpr

import (
	"math"
	"slices"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Candidate gate. Reading a region (rectify, segment, cut, classify) costs about a
// hundred times more than looking along it, and on a road scene most regions the
// masks find are lane marks, panel edges and shadows. A row of characters crossed
// along its middle alternates between ink and background at least twice per
// character, so Read reads a region only when one of three lines along its long
// axis (the middle and a sixth of its thickness above and below) does so often
// enough, at full resolution.
const (
	// minFlips is the fewest light/dark alternations a region must show: three
	// characters' worth (seven make fourteen; a smudged, partly hidden or very
	// small plate keeps fewer).
	minFlips = 6
	// minContrast is the least spread (10th to 90th percentile of the gray levels
	// along a line) in which alternations are counted.
	minContrast = 20
)

// striped reports whether a candidate's region looks like a row of characters (see
// above). It reads about three times the region's length in pixels of pic.
func striped(pic plate.Picture, c candidate, buf []int32) ([]int32, bool) {
	cos, sin := math.Cos(c.angle), math.Sin(c.angle)
	n := max(16, int(c.length))
	for _, off := range [...]float64{0, -1.0 / 6, 1.0 / 6} {
		ox, oy := -off*c.thick*sin, off*c.thick*cos
		buf = lineGray(pic, c.cx+ox, c.cy+oy, c.length, cos, sin, n, buf[:0])
		if flips(buf) >= minFlips {
			return buf, true
		}
	}
	return buf, false
}

// lineGray appends the gray levels of n points spread over the segment of the
// given length centred on (cx, cy) along (cos, sin), skipping those outside pic.
func lineGray(pic plate.Picture, cx, cy, length, cos, sin float64, n int, out []int32) []int32 {
	for i := range n {
		d := (float64(i)/float64(n-1) - 0.5) * length
		x, y := int(cx+d*cos), int(cy+d*sin)
		if x < 0 || y < 0 || x >= pic.W || y >= pic.H {
			continue
		}
		p := pic.Pix[(y*pic.W+x)*3 : (y*pic.W+x)*3+3]
		out = append(out, (int32(p[0])+2*int32(p[1])+int32(p[2]))>>2)
	}
	return out
}

// flips counts the alternations of vals around the middle of their 10th and 90th
// percentiles, with a hysteresis of a sixth of that spread (0 when the spread is
// under minContrast). Bright or dark surroundings at the ends of the line do not
// shift the level, as they would with the extremes.
func flips(vals []int32) int {
	if len(vals) < 4 {
		return 0
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	lo, hi := sorted[len(sorted)/10], sorted[len(sorted)-1-len(sorted)/10]
	if hi-lo < minContrast {
		return 0
	}
	return alternations(vals, lo, hi)
}
