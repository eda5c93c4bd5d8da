package lpr

import (
	"image"
	"math"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// reading is what the recogniser made of one rectified plate.
type reading struct {
	text      string
	charConf  []float64
	conf      float64
	color     plate.Color
	colorConf float64
	// quality ranks layouts and candidate regions: the mean log probability of the
	// characters plus the colour's layout prior.
	quality float64
	// chars are the character boxes in the segmenter's plane.
	chars []image.Rectangle
	// outline is the plate's outline in crop pixels (TL, TR, BR, BL).
	outline [4]seg.Point
}

// readPlate segments and classifies a rectified plate picture (any size). With
// verify, layouts whose slots do not hold characters the way a plate does
// (plausible) are dropped before they are classified; a crop none fits reads as
// the empty text.
func (c *Classic) readPlate(crop plate.Picture, verify bool) reading {
	s := seg.Segment(crop)
	res := reading{quality: math.Inf(-1), color: s.Color, colorConf: s.ColorConf}
	for _, row := range s.Rows {
		glyphs, ok := cutRow(s.Ink, row.Slots)
		if verify && !plausible(s, row.Slots, glyphs, ok) {
			continue
		}
		probs := make([][]float32, len(row.Slots))
		boxes := make([]image.Rectangle, len(row.Slots))
		for i := range row.Slots {
			probs[i] = make([]float32, len(glyph.Classes))
			if !ok[i] {
				continue // all zero: the slot votes for nothing
			}
			c.classify(glyphs[i], probs[i])
			boxes[i] = glyphs[i].Box
		}
		d := decode(probs)
		if q := d.logProb + layoutPrior(row.Len, s.Color); q > res.quality {
			res.text, res.charConf, res.quality, res.chars = d.text, d.charConf, q, boxes
			res.outline = row.Outline
		}
	}
	res.conf = geomean(res.charConf)
	return res
}

// cutRow cuts the character out of each slot; ok[i] is false where slot i holds
// no ink.
func cutRow(ink glyph.Image, slots []image.Rectangle) ([]glyph.Glyph, []bool) {
	gs, ok := make([]glyph.Glyph, len(slots)), make([]bool, len(slots))
	for i, r := range slots {
		gs[i], ok[i] = glyph.Cut(ink, r)
	}
	return gs, ok
}

// layoutPrior nudges the layout choice by colour: green plates carry 8 characters,
// the others 7.
func layoutPrior(n int, col plate.Color) float64 {
	eight := n == 8
	switch {
	case col == plate.ColorUnknown:
		return 0
	case col == plate.ColorGreen && eight, col != plate.ColorGreen && !eight:
		return 0.3
	}
	return -0.3
}

func geomean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += math.Log(math.Max(1e-6, x))
	}
	return math.Exp(s / float64(len(v)))
}
