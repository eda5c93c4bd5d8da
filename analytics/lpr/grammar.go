package lpr

import (
	"math"
	"strings"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
)

// Class sets of the plate grammar (indices into glyph.Classes).
var (
	setProvince = classSet(glyph.Provinces)
	setLetter   = classSet(glyph.Letters)
	setDigit    = classSet(glyph.Digits)
	setSerial   = classSet(glyph.Digits + glyph.Letters)
	setLast     = classSet(glyph.Digits + glyph.Letters + "警学挂港澳领")
	setNEV      = classSet("ABCDEFGHJK")
	setEmbassy  = classSet("使")
)

func classSet(chars string) []int {
	var s []int
	for _, r := range chars {
		if k := glyph.Index(r); k >= 0 {
			s = append(s, k)
		}
	}
	return s
}

// grammars lists the position-by-position class sets a plate of n characters may
// follow: GA 36 ordinary/special plates (province, letter A–Z without I/O, four
// letters or digits, a letter, digit or 警学挂港澳领) and embassy plates (使 + six
// digits) for 7; small (D/F… first) and large (D/F… last) new-energy plates for 8.
func grammars(n int) [][][]int {
	switch n {
	case 7:
		return [][][]int{
			{setProvince, setLetter, setSerial, setSerial, setSerial, setSerial, setLast},
			{setEmbassy, setDigit, setDigit, setDigit, setDigit, setDigit, setDigit},
		}
	case 8:
		return [][][]int{
			{setProvince, setLetter, setNEV, setSerial, setDigit, setDigit, setDigit, setDigit},
			{setProvince, setLetter, setDigit, setDigit, setDigit, setDigit, setDigit, setNEV},
		}
	}
	return nil
}

// decoded is the best reading of a row of character probabilities under a grammar.
type decoded struct {
	text     string
	charConf []float64
	// logProb is the mean log probability of the chosen classes.
	logProb float64
}

// decode picks, for each position, the most probable class the grammar allows, and
// keeps the grammar with the highest total probability. Confidences are the softmax
// probabilities of the chosen classes (not renormalised over the allowed set).
func decode(probs [][]float32) decoded {
	best := decoded{logProb: math.Inf(-1)}
	for _, g := range grammars(len(probs)) {
		var b strings.Builder
		conf := make([]float64, len(probs))
		var lp float64
		for pos, allowed := range g {
			k := allowed[0]
			for _, c := range allowed[1:] {
				if probs[pos][c] > probs[pos][k] {
					k = c
				}
			}
			b.WriteRune(glyph.Classes[k])
			conf[pos] = float64(probs[pos][k])
			lp += math.Log(math.Max(1e-6, conf[pos]))
		}
		lp /= float64(len(probs))
		if lp > best.logProb {
			best = decoded{text: b.String(), charConf: conf, logProb: lp}
		}
	}
	return best
}
