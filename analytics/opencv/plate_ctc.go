package opencv

import (
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

// grammarCTC finds the most probable single alignment (Viterbi) whose text
// the automaton accepts. A path's state is the automaton state, the last
// character's class and whether a blank followed it (a repeated character needs
// one). It returns false when no accepted text fits in c.steps steps.
func grammarCTC(c ctcProbs, a ctcAutomaton) ([]int, bool) {
	v := newCTCViterbi(c, a)
	for t := range c.steps {
		v.advance(t)
	}
	return v.best()
}

// ctcViterbi is the state of one grammarCTC run. A state index packs
// (automaton state g, last class k, blank-after flag b) as (g·C + k)·2 + b; k
// is the blank's class before the first character.
type ctcViterbi struct {
	c     ctcProbs
	a     ctcAutomaton
	score []float64 // per state, after the steps so far
	back  [][]int32 // per step and state, the state before (-1: unreachable)
	logp  []float64 // of the current step, per class
}

func newCTCViterbi(c ctcProbs, a ctcAutomaton) *ctcViterbi {
	n := len(a.next) * c.classes * 2
	v := &ctcViterbi{c: c, a: a, score: make([]float64, n), logp: make([]float64, c.classes)}
	for i := range v.score {
		v.score[i] = math.Inf(-1)
	}
	v.score[v.state(0, c.blank(), 1)] = 0
	return v
}

func (v *ctcViterbi) state(g, k, b int) int { return (g*v.c.classes+k)*2 + b }

// advance consumes step t.
func (v *ctcViterbi) advance(t int) {
	for k, p := range v.c.row(t) {
		v.logp[k] = logProb(p)
	}
	blank, classes := v.c.blank(), v.c.classes
	next := make([]float64, len(v.score))
	back := make([]int32, len(v.score))
	for i := range next {
		next[i], back[i] = math.Inf(-1), -1
	}
	relax := func(to, from int, add float64) {
		if s := v.score[from] + add; s > next[to] {
			next[to], back[to] = s, int32(from)
		}
	}
	for g := range v.a.next {
		top := [2]int{-1, -1} // the two best states of g, for a new character
		for k := range classes {
			for b := range 2 {
				s := v.state(g, k, b)
				if math.IsInf(v.score[s], -1) {
					continue
				}
				relax(v.state(g, k, 1), s, v.logp[blank]) // a blank
				if k != blank && b == 0 {
					relax(s, s, v.logp[k]) // the same character goes on
				}
				switch {
				case top[0] < 0 || v.score[s] > v.score[top[0]]:
					top[0], top[1] = s, top[0]
				case top[1] < 0 || v.score[s] > v.score[top[1]]:
					top[1] = s
				}
			}
		}
		if top[0] < 0 {
			continue
		}
		for k, to := range v.a.next[g] {
			if to < 0 {
				continue
			}
			from := top[0]
			if from == v.state(g, k, 0) { // k right after k: the same character, not a new one
				from = top[1]
			}
			if from >= 0 {
				relax(v.state(to, k, 0), from, v.logp[k])
			}
		}
	}
	v.score = next
	v.back = append(v.back, back)
}

// best backtracks from the best accepting state.
func (v *ctcViterbi) best() ([]int, bool) {
	end := -1
	for s, sc := range v.score {
		g := s / 2 / v.c.classes
		if v.a.accept[g] && !math.IsInf(sc, -1) && (end < 0 || sc > v.score[end]) {
			end = s
		}
	}
	if end < 0 {
		return nil, false
	}
	var labels []int
	s := end
	for t := len(v.back) - 1; t >= 0; t-- {
		prev := int(v.back[t][s])
		if s/2/v.c.classes != prev/2/v.c.classes { // every character moves the automaton on
			labels = append(labels, (s/2)%v.c.classes)
		}
		s = prev
	}
	slices.Reverse(labels)
	return labels, true
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
