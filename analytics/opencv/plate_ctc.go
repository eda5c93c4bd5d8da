package opencv

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ctcProbs holds a CTC recogniser's output as probabilities, step-major:
// p[t*classes+c]. The blank is the last class.
type ctcProbs struct {
	steps, classes int
	p              []float64
}

func (c ctcProbs) row(t int) []float64 { return c.p[t*c.classes : (t+1)*c.classes] }
func (c ctcProbs) blank() int          { return c.classes - 1 }

// newCTCProbs reads an output whose last two dimensions are classes × steps
// (LPRNet's [68, 18]) and applies a softmax over the classes of each step unless
// the values already are probabilities.
func newCTCProbs(t tensor, classes int) (ctcProbs, error) {
	n := len(t.shape)
	if n < 2 || t.shape[n-2] != classes || len(t.data) != classes*t.shape[n-1] || t.shape[n-1] < 1 {
		return ctcProbs{}, fmt.Errorf("recogniser output %v: want [%d T] for %d characters", t.shape, classes, classes)
	}
	steps := t.shape[n-1]
	c := ctcProbs{steps: steps, classes: classes, p: make([]float64, steps*classes)}
	for s := range steps {
		row := c.row(s)
		for k := range classes {
			row[k] = float64(t.data[k*steps+s])
		}
		if !isDistribution(row) {
			softmax64(row)
		}
	}
	return c, nil
}

func isDistribution(v []float64) bool {
	sum := 0.0
	for _, x := range v {
		if x < 0 || x > 1 {
			return false
		}
		sum += x
	}
	return math.Abs(sum-1) < 1e-3
}

func softmax64(v []float64) {
	m := slices.Max(v)
	sum := 0.0
	for i, x := range v {
		v[i] = math.Exp(x - m)
		sum += v[i]
	}
	for i := range v {
		v[i] /= sum
	}
}

// greedyCTC takes the best class of each step, merges repeats and drops
// blanks. Each label's confidence is the best probability of its steps.
func greedyCTC(c ctcProbs) (labels []int, conf []float64) {
	prev := c.blank()
	for t := range c.steps {
		row := c.row(t)
		k := 0
		for i, v := range row {
			if v > row[k] {
				k = i
			}
		}
		switch {
		case k == c.blank():
		case k == prev:
			conf[len(conf)-1] = max(conf[len(conf)-1], row[k])
		default:
			labels = append(labels, k)
			conf = append(conf, row[k])
		}
		prev = k
	}
	return labels, conf
}

// ctcBeamWidth is the number of prefixes grammarCTC keeps from one step to
// the next, and ctcBeamBranch the number of characters, the most probable of
// the step that the grammar allows, each prefix is extended by. On the 1000
// LPRNet crops (two grammars each) they decode the same texts as a beam of
// 1024 prefixes extended by every character, but for a few misreads (see
// TestPlateBeamWidth).
const (
	ctcBeamWidth  = 16
	ctcBeamBranch = 8
)

// ctcMaxLabels bounds the length of a decoded text (a plate has at most 8
// characters; a longer prefix is not extended).
const ctcMaxLabels = 12

// maxPlateClasses is the most classes, blank included, a recogniser may have:
// a ctcPrefix keeps a class in 16 bits.
const maxPlateClasses = 1 << 16

// ctcPrefix is a decoded text so far; it determines its automaton state.
type ctcPrefix struct {
	labels [ctcMaxLabels]uint16
	n      int
}

// ctcHyp is one prefix of a grammarCTC beam with the summed probability of
// all its alignments over the steps so far, split by whether the last step
// was a blank (pb) or the prefix's last character (pnb).
type ctcHyp struct {
	prefix  ctcPrefix
	g       int // automaton state after the prefix
	pb, pnb float64
}

func (h *ctcHyp) total() float64 { return h.pb + h.pnb }

// grammarCTC finds the text the automaton accepts that is most probable
// summed over all its CTC alignments, by prefix beam search: each step
// extends every kept prefix by a blank, by its last character again, or by
// one of the ctcBeamBranch most probable characters the grammar allows next,
// and keeps the ctcBeamWidth most probable prefixes.
// Summing matters where a character's probability is spread over several
// steps, so that no single alignment of it is the best one. A prefix that
// cannot reach an accepting state in the steps left is dropped. It returns
// false when no accepted text fits in c.steps steps.
func grammarCTC(c ctcProbs, a ctcAutomaton) ([]int, bool) {
	return beamCTC(c, a, ctcBeamWidth, ctcBeamBranch)
}

// beamCTC is grammarCTC with a beam of width prefixes, each extended by at
// most branch characters a step.
func beamCTC(c ctcProbs, a ctcAutomaton, width, branch int) ([]int, bool) {
	blank := c.blank()
	beam := []ctcHyp{{pb: 1}}
	var next []ctcHyp
	at := map[ctcPrefix]int{}
	order := make([]int, blank) // the characters, most probable first
	for t := range c.steps {
		row := c.row(t)
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(row[y], row[x]) })
		next = next[:0]
		clear(at)
		add := func(p ctcPrefix, g int, pb, pnb float64) {
			i, ok := at[p]
			if !ok {
				i = len(next)
				at[p] = i
				next = append(next, ctcHyp{prefix: p, g: g})
			}
			next[i].pb += pb
			next[i].pnb += pnb
		}
		for _, h := range beam {
			last := -1
			if h.prefix.n > 0 {
				last = int(h.prefix.labels[h.prefix.n-1])
			}
			var stay float64
			if last >= 0 {
				stay = h.pnb * row[last] // the last character goes on
			}
			add(h.prefix, h.g, h.total()*row[blank], stay)
			if h.prefix.n == ctcMaxLabels {
				continue
			}
			n := 0
			for _, k := range order {
				to := a.next[h.g][k]
				if to < 0 {
					continue
				}
				if n++; n > branch {
					break
				}
				p := h.prefix
				p.labels[p.n] = uint16(k)
				p.n++
				if k == last { // a repeated character needs a blank between
					add(p, to, 0, h.pb*row[k])
				} else {
					add(p, to, 0, h.total()*row[k])
				}
			}
		}
		left := c.steps - 1 - t
		next = slices.DeleteFunc(next, func(h ctcHyp) bool { return a.toAccept[h.g] > left })
		slices.SortStableFunc(next, func(x, y ctcHyp) int { return cmp.Compare(y.total(), x.total()) })
		beam = append(beam[:0], next[:min(len(next), width)]...)
		// Rescale so that long or unsure outputs do not underflow; only
		// the ratios between prefixes matter.
		if len(beam) > 0 && beam[0].total() > 0 {
			top := beam[0].total()
			for i := range beam {
				beam[i].pb /= top
				beam[i].pnb /= top
			}
		}
	}
	for _, h := range beam {
		if a.accept[h.g] {
			labels := make([]int, h.prefix.n)
			for i := range labels {
				labels[i] = int(h.prefix.labels[i])
			}
			return labels, true
		}
	}
	return nil, false
}

// alignConf finds the most probable alignment of labels (Viterbi over the CTC
// states blank, l1, blank, l2, …, blank) and returns, per label, the best
// probability of the steps aligned to it. It returns nil when labels cannot be
// aligned in c.steps steps.
func alignConf(c ctcProbs, labels []int) []float64 {
	n := len(labels)
	if n == 0 {
		return nil
	}
	states := 2*n + 1
	label := func(s int) int {
		if s%2 == 0 {
			return c.blank()
		}
		return labels[s/2]
	}
	inf := math.Inf(-1)
	score := make([]float64, c.steps*states)
	from := make([]int8, c.steps*states) // how many states back the best predecessor is
	for s := range states {
		score[s] = inf
	}
	score[0] = logProb(c.row(0)[c.blank()])
	score[1] = logProb(c.row(0)[labels[0]])
	for t := 1; t < c.steps; t++ {
		row, prev, cur := c.row(t), score[(t-1)*states:t*states], score[t*states:(t+1)*states]
		for s := range states {
			best, back := prev[s], int8(0)
			if s >= 1 && prev[s-1] > best {
				best, back = prev[s-1], 1
			}
			if s >= 2 && s%2 == 1 && labels[s/2] != labels[s/2-1] && prev[s-2] > best {
				best, back = prev[s-2], 2
			}
			cur[s] = best + logProb(row[label(s)])
			from[t*states+s] = back
		}
	}
	last := score[(c.steps-1)*states:]
	s := states - 1
	if last[states-2] > last[s] {
		s = states - 2
	}
	if math.IsInf(last[s], -1) {
		return nil
	}
	conf := make([]float64, n)
	for t := c.steps - 1; t >= 0; t-- {
		if s%2 == 1 {
			conf[s/2] = max(conf[s/2], c.row(t)[labels[s/2]])
		}
		s -= int(from[t*states+s])
	}
	return conf
}

func logProb(p float64) float64 {
	if p <= 0 {
		return math.Inf(-1)
	}
	return math.Log(p)
}
