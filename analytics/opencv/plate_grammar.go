package opencv

import (
	"strings"
)

// Mainland plate grammar for the constrained decode: the shapes of GA 36 that
// analytics/plate validates, for plates that start with a province.
const (
	plateProvinces  = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
	plateNewEnergy  = "ABCDEFGHJK" // marks a new-energy serial
	plateSuffixes   = "警学挂领"       // ends a 7-character police, coach, trailer or consulate plate
	plateHKMSuffix  = "港澳"         // ends a 粤Z Hong Kong or Macau plate
	plateMaxLen     = 8
	plateStateShift = 5 // state = length << plateStateShift | shape bits
)

// Shapes a prefix can still grow into (bits of a grammar state).
const (
	shapeOrdinary = 1 << iota // province, letter, 5 letters/digits
	shapeNewSmall             // province, letter, A–K, letter/digit, 4 digits
	shapeNewLarge             // province, letter, 5 digits, A–K
	shapeSuffix               // province, letter, 4 letters/digits, 警 学 挂 领
	shapeHKMacau              // 粤Z, 4 letters/digits, 港 澳
	shapeAll      = 1<<iota - 1
)

func isDigitRune(r rune) bool   { return r >= '0' && r <= '9' }
func isPlateLetter(r rune) bool { return r >= 'A' && r <= 'Z' && r != 'I' && r != 'O' }
func isSerialRune(r rune) bool  { return isDigitRune(r) || isPlateLetter(r) }
func runeIn(set string, r rune) bool {
	return strings.ContainsRune(set, r)
}

// plateGrammar is a finite automaton over the characters of a text: step
// returns the state after r, or -1 when r may not come next.
type plateGrammar struct {
	start  int
	step   func(state int, r rune) int
	accept func(state int) bool
}

// fullPlateGrammar accepts the single-line mainland plates: ordinary (7),
// new-energy small and large (8), 警 学 挂 领 plates and 粤Z 港 澳 plates (7).
var fullPlateGrammar = plateGrammar{start: shapeAll, step: fullPlateStep, accept: func(s int) bool {
	n, shapes := s>>plateStateShift, s&shapeAll
	return n == 7 && shapes&(shapeOrdinary|shapeSuffix|shapeHKMacau) != 0 ||
		n == 8 && shapes&(shapeNewSmall|shapeNewLarge) != 0
}}

// sevenPlateGrammar is fullPlateGrammar less the 8-character new-energy
// plates, for a plate whose colour rules them out: GA 36 issues blue plates
// only to ordinary small vehicles, always with 7 characters.
var sevenPlateGrammar = plateGrammar{start: shapeAll, step: fullPlateStep, accept: func(s int) bool {
	return s>>plateStateShift == 7 && fullPlateGrammar.accept(s)
}}

func fullPlateStep(s int, r rune) int {
	i, shapes := s>>plateStateShift, s&shapeAll // i: index of r in the text
	next := 0
	switch i {
	case 0:
		if runeIn(plateProvinces, r) {
			next = shapes &^ shapeHKMacau
			if r == '粤' {
				next |= shapes & shapeHKMacau
			}
		}
	case 1:
		if isPlateLetter(r) {
			next = shapes &^ shapeHKMacau
			if r == 'Z' {
				next |= shapes & shapeHKMacau
			}
		}
	default:
		next = serialStep(i, shapes, r)
	}
	if next == 0 {
		return -1
	}
	return (i+1)<<plateStateShift | next
}

// serialStep keeps the shapes whose character i (≥ 2) may be r.
func serialStep(i, shapes int, r rune) int {
	ok := map[int]bool{
		shapeOrdinary: i <= 6 && isSerialRune(r),
		shapeNewSmall: i == 2 && runeIn(plateNewEnergy, r) || i == 3 && isSerialRune(r) || i >= 4 && i <= 7 && isDigitRune(r),
		shapeNewLarge: i <= 6 && isDigitRune(r) || i == 7 && runeIn(plateNewEnergy, r),
		shapeSuffix:   i <= 5 && isSerialRune(r) || i == 6 && runeIn(plateSuffixes, r),
		shapeHKMacau:  i <= 5 && isSerialRune(r) || i == 6 && runeIn(plateHKMSuffix, r),
	}
	next := 0
	for shape, fits := range ok {
		if fits && shapes&shape != 0 {
			next |= shape
		}
	}
	return next
}

// topRowGrammar reads the top row of a two-row plate: province and authority.
var topRowGrammar = plateGrammar{
	step: func(n int, r rune) int {
		if n == 0 && runeIn(plateProvinces, r) || n == 1 && isPlateLetter(r) {
			return n + 1
		}
		return -1
	},
	accept: func(n int) bool { return n == 2 },
}

// bottomRowGrammar reads the bottom row of a two-row plate: five letters and
// digits, or four and 学 or 挂. The state is the length, +8 after a suffix.
var bottomRowGrammar = plateGrammar{
	step: func(n int, r rune) int {
		switch {
		case n < 5 && isSerialRune(r):
			return n + 1
		case n == 4 && runeIn(plateSuffixes, r):
			return 8 + 5
		}
		return -1
	},
	accept: func(n int) bool { return n == 5 || n == 8+5 },
}

// ctcAutomaton is a grammar compiled for one charset: dense states, next[s][k]
// the state after class k (-1: not allowed), toAccept[s] the fewest
// characters that lead from s to an accepting state (len(next) when none do).
type ctcAutomaton struct {
	next     [][]int
	accept   []bool
	toAccept []int
}

// compile enumerates the grammar's reachable states over chars (the CTC blank,
// last, is never a character). State 0 is the start.
func (g plateGrammar) compile(chars []rune) ctcAutomaton {
	ids := map[int]int{g.start: 0}
	order := []int{g.start}
	var a ctcAutomaton
	for len(a.next) < len(order) {
		s := order[len(a.next)]
		row := make([]int, len(chars))
		for k, r := range chars {
			row[k] = -1
			if k == len(chars)-1 {
				continue
			}
			t := g.step(s, r)
			if t < 0 {
				continue
			}
			id, ok := ids[t]
			if !ok {
				id = len(order)
				ids[t] = id
				order = append(order, t)
			}
			row[k] = id
		}
		a.next = append(a.next, row)
		a.accept = append(a.accept, g.accept(s))
	}
	a.toAccept = make([]int, len(a.next))
	for s := range a.toAccept {
		a.toAccept[s] = len(a.next)
		if a.accept[s] {
			a.toAccept[s] = 0
		}
	}
	for changed := true; changed; { // shortest paths backwards; the graph is small
		changed = false
		for s, row := range a.next {
			for _, t := range row {
				if t >= 0 && a.toAccept[t]+1 < a.toAccept[s] {
					a.toAccept[s], changed = a.toAccept[t]+1, true
				}
			}
		}
	}
	return a
}
