package lpr

import (
	"image"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
)

// Candidate verification. A region found by colour or edge density is read
// whatever it holds, and the classifier names something in every slot: the side
// of a headlight or a wheel reads as "1", a dark block framed by a bright body as
// a plate of 1s. Read keeps a reading only when its slots hold characters the way
// a plate does (GA 36): every character has ink across the middle of the band, and
// it stands on the plate's background, with a margin above and below it, rather
// than running on like a grille bar or the edge of a body panel; and the 1, the
// only thin character, never stands first (a province, a letter or 使 does), so a
// row of thin strokes that starts with one is a grille, not a plate.
const (
	// blankInk is the share of ink in the middle half of the band below which a
	// slot holds no character: every character of the plate alphabet crosses the
	// middle (a 1's stroke alone fills about a fifth of its slot).
	blankInk = 0.05
	// maxBlank is the most blank slots a plate may show (a smudged or hidden
	// character or two); a block with an edge at each end leaves four or five.
	maxBlank = 2
	// barShare is the share of its slot's width under which a glyph is a thin
	// stroke: a 1 (its 10 mm stroke in a 45 mm cell) or a bar; every other
	// character fills most of its cell, also on a plate seen at an angle.
	barShare = 0.45
	// maxBars is the most thin strokes whose ink runs on past the glyph, up or
	// down, a plate may show; a grille or a row of stripes shows more.
	maxBars = 3
	// maxThin is the most thin strokes of one width a row starting with one may
	// hold.
	maxThin = 4
)

// plausible reports whether the glyphs cut from a layout's slots look like a
// plate's characters (see above); ok[i] is false where slot i held no ink.
func plausible(s seg.Result, slots []image.Rectangle, glyphs []glyph.Glyph, ok []bool) bool {
	band := s.Bottom - s.Top
	if s.Ink.W == 0 || band <= 0 {
		return false
	}
	t := bandThreshold(s.Ink, s.Top, s.Bottom)
	// a stroke runs on when its ink continues over an eighth of the band (the frame
	// line of a plate is thinner), or up to the plane's border
	runOn := max(2, band/8)
	blank, bars, thin := 0, 0, 0
	thinFirst := false
	minW, maxW := s.Ink.W, 0 // of the thin strokes
	for i, slot := range slots {
		if middleInk(s.Ink, slot, s.Top, s.Bottom, t) < blankInk {
			blank++
		}
		b := glyphs[i].Box
		if !ok[i] || float64(b.Dx()) >= barShare*float64(slot.Dx()) {
			continue
		}
		thin++
		thinFirst = thinFirst || i == 0
		minW, maxW = min(minW, b.Dx()), max(maxW, b.Dx())
		up, upEdge := inkRun(s.Ink, b, -1, t)
		down, downEdge := inkRun(s.Ink, b, 1, t)
		if up >= runOn || down >= runOn || (upEdge && up > 0) || (downEdge && down > 0) {
			bars++
		}
	}
	grille := thinFirst && thin > maxThin && maxW <= 2*minW
	return blank <= maxBlank && bars <= maxBars && !grille
}

// bandThreshold is the Otsu threshold of the ink plane's rows top..bottom.
func bandThreshold(img glyph.Image, top, bottom int) float32 {
	return glyph.Otsu(img.Pix[top*img.W : bottom*img.W])
}

// middleInk is the share of ink (above t) in the middle half of the band
// top..bottom inside slot.
func middleInk(img glyph.Image, slot image.Rectangle, top, bottom int, t float32) float64 {
	b := bottom - top
	n, on := 0, 0
	for y := top + b/4; y < bottom-b/4; y++ {
		for x := slot.Min.X; x < slot.Max.X; x++ {
			n++
			if img.At(x, y) > t {
				on++
			}
		}
	}
	return float64(on) / float64(max(1, n))
}

// inkRun counts the rows beyond box b (dir -1: up, 1: down) in which at least
// half of b's columns are ink; edge reports that the run reached the plane's
// border.
func inkRun(img glyph.Image, b image.Rectangle, dir int, t float32) (n int, edge bool) {
	y := b.Max.Y
	if dir < 0 {
		y = b.Min.Y - 1
	}
	for ; y >= 0 && y < img.H; y += dir {
		if rowInk(img, b, y, t) < 0.5 {
			return n, false
		}
		n++
	}
	return n, true
}

// rowInk is the share of b's columns that are ink in row y.
func rowInk(img glyph.Image, b image.Rectangle, y int, t float32) float64 {
	n := 0
	for x := b.Min.X; x < b.Max.X; x++ {
		if img.At(x, y) > t {
			n++
		}
	}
	return float64(n) / float64(max(1, b.Dx()))
}
