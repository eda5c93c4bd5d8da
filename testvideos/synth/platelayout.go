package synth

import (
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Plate colours an actor's PlateColor may name (analytics/plate spells them the same).
const (
	PlateBlue   = "blue"
	PlateYellow = "yellow"
	PlateGreen  = "green"
	PlateWhite  = "white"
	PlateBlack  = "black"
)

// plateColors are the valid PlateColor values.
var plateColors = []string{PlateBlue, PlateYellow, PlateGreen, PlateWhite, PlateBlack}

// Plate paint (GA 36 look): background, character ink and the red of the special
// characters (警, 使, 领, the unit letters of military plates, WJ).
var (
	paintBlue     = rgb{18, 62, 170}
	paintYellow   = rgb{232, 184, 22}
	paintWhite    = rgb{236, 236, 232}
	paintBlack    = rgb{22, 22, 24}
	paintGreenTop = rgb{236, 246, 236} // small new-energy plates fade from near white...
	paintGreen    = rgb{62, 178, 96}   // ...at the top to green at the bottom
	paintLightInk = rgb{240, 240, 240}
	paintDarkInk  = rgb{15, 15, 15}
	paintRed      = rgb{205, 32, 36}
)

// plateMMDefaultW is the width of every plate but the new-energy ones, in millimetres.
const plateMMDefaultW = 440.0

// plateCell is where one character sits on the plate, in millimetres.
type plateCell struct {
	x, y, w, h float64
	// stretch widens the glyph (the wide characters of a double-row plate's top row);
	// the glyph never exceeds the cell.
	stretch float64
	red     bool
}

// plateLayout is a plate's drawing plan in millimetres: its size, one cell per
// character, separator dots, and its paint.
type plateLayout struct {
	wMM, hMM float64
	cells    []plateCell
	dots     [][3]float64 // centre x, centre y, radius
	bg       func(u, v float64) rgb
	ink      rgb
}

// plateSizeMM returns the outline of a plate: 480x140 mm for new-energy plates,
// 440x220 mm for double-row plates, otherwise 440x140 mm.
func plateSizeMM(text string, rows int) (w, h float64) {
	switch {
	case rows == 2:
		return plateMMDefaultW, 220
	case isNewEnergy(plate.Parse(text).Kind):
		return 480, 140
	}
	return plateMMDefaultW, 140
}

func isNewEnergy(k plate.Kind) bool {
	return k == plate.KindNewEnergySmall || k == plate.KindNewEnergyLarge
}

// defaultPlateColor is the first colour GA 36 gives the plate's kind (blue for
// ordinary and unrecognised plates).
func defaultPlateColor(text string) string {
	if cs := plate.Parse(text).Kind.Colors(); len(cs) > 0 {
		return cs[0].String()
	}
	return PlateBlue
}

// layoutPlate plans a plate of n characters (the runes of plateRunes(text)) by the
// kind plate.Parse finds, the colour and the number of rows. Texts whose kind is not
// recognised, or whose length does not fit the kind's layout, get the single-row
// ordinary layout with the dot after the second character.
func layoutPlate(text, color string, rows, n int) plateLayout {
	kind := plate.Parse(text).Kind
	l := plateLayout{wMM: plateMMDefaultW, hMM: 140}
	switch {
	case rows == 2 && n == 7:
		l.doubleRow()
	case isNewEnergy(kind) && n == 8:
		l.newEnergy()
	case kind == plate.KindArmedPolice && n == 8:
		l.armedPolice()
	case kind == plate.KindEmbassy && n == 7:
		l.singleRow(n, 4)
		l.cells[0].red = true
	default:
		l.singleRow(n, 2)
		switch {
		case n == 7 && (kind == plate.KindPolice || kind == plate.KindConsulate):
			l.cells[6].red = true
		case n == 7 && kind == plate.KindMilitary:
			l.cells[0].red, l.cells[1].red = true, true
		}
	}
	l.paint(color, kind)
	return l
}

// singleRow is the GA 36 440x140 mm plate: 45x90 mm characters 12 mm apart and a
// 34 mm gap holding the separator dot after the dotAfter-th character.
func (l *plateLayout) singleRow(n, dotAfter int) {
	l.wMM = 2*15.5 + 45*float64(n) + 12*float64(max(0, n-2)) + 34
	x := 15.5
	for i := range n {
		l.cells = append(l.cells, plateCell{x: x, y: 25, w: 45, h: 90, stretch: 1})
		x += 45
		if i == dotAfter-1 {
			x += 34
			l.dots = append(l.dots, [3]float64{x - 17, 70, 5})
		} else {
			x += 12
		}
	}
}

// doubleRow is the 440x220 mm rear plate of large vehicles and trailers: province and
// authority letter as wide 80x60 mm characters on the top row, the five serial
// characters as 65x110 mm characters below.
func (l *plateLayout) doubleRow() {
	l.hMM = 220
	for _, x := range []float64{110, 250} {
		l.cells = append(l.cells, plateCell{x: x, y: 15, w: 80, h: 60, stretch: 1.35})
	}
	l.dots = append(l.dots, [3]float64{220, 45, 5})
	for k := range 5 {
		l.cells = append(l.cells, plateCell{x: 27.5 + 80*float64(k), y: 92, w: 65, h: 110, stretch: 1})
	}
}

// newEnergy is the 480x140 mm plate: eight 43x90 mm characters 9 mm apart, a 49 mm
// gap after the second (where the plate carries its new-energy emblem; no dot).
func (l *plateLayout) newEnergy() {
	l.wMM = 480
	x := 16.5
	for i := range 8 {
		l.cells = append(l.cells, plateCell{x: x, y: 25, w: 43, h: 90, stretch: 1})
		x += 43 + 9
		if i == 1 {
			x += 40
		}
	}
}

// armedPolice is WJ粤·12345: the red W and J share the first character cell, the
// province takes the second, then the dot and the serial.
func (l *plateLayout) armedPolice() {
	l.singleRow(7, 2)
	first := l.cells[0]
	w, j := first, first
	w.w, j.w = 21, 21
	j.x = first.x + 24
	w.red, j.red = true, true
	l.cells = append([]plateCell{w, j}, l.cells[1:]...)
}

// paint sets the background and ink: GA 36 colours, black characters on yellow,
// green and white plates, white characters on blue and black ones.
func (l *plateLayout) paint(color string, kind plate.Kind) {
	solid := func(c rgb) func(u, v float64) rgb { return func(float64, float64) rgb { return c } }
	l.bg, l.ink = solid(paintBlue), paintLightInk
	switch color {
	case PlateYellow:
		l.bg, l.ink = solid(paintYellow), paintDarkInk
	case PlateWhite:
		l.bg, l.ink = solid(paintWhite), paintDarkInk
	case PlateBlack:
		l.bg = solid(paintBlack)
	case PlateGreen:
		l.ink = paintDarkInk
		l.bg = func(_, v float64) rgb { return mix(paintGreenTop, paintGreen, min(1, v*1.25)) }
		if kind == plate.KindNewEnergyLarge && len(l.cells) > 2 {
			// Yellow-green: the region part (province and letter) is yellow.
			split := (l.cells[1].x + l.cells[1].w + l.cells[2].x) / 2 / l.wMM
			l.bg = func(u, _ float64) rgb {
				if u < split {
					return paintYellow
				}
				return paintGreen
			}
		}
	}
}

// mix blends a towards b by f in [0, 1].
func mix(a, b rgb, f float64) rgb {
	var o rgb
	for k := range 3 {
		o[k] = clamp8(float64(a[k])*(1-f) + float64(b[k])*f)
	}
	return o
}
