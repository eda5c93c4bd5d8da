package plate

import (
	"math"
	"time"
)

// Read is one recogniser output for the plate of one vehicle track.
type Read struct {
	// Text is the recognised string, normalised by Consensus.
	Text string
	// CharConf is the confidence of each character of Text (after normalisation), in
	// [0, 1]. When its length does not match, Conf stands for every character.
	CharConf []float64
	// Conf is the confidence of the whole read in [0, 1]. Zero with CharConf given means
	// "use the mean of CharConf".
	Conf float64
	// Color is the classified plate colour, ColorConf its confidence in [0, 1].
	Color     Color
	ColorConf float64
	// Crop is the caller's plate image, opaque here; Result hands back the best read's.
	// The Consensus never frees it: see ConsensusOptions.Drop.
	Crop any
	// At is when the frame was captured.
	At time.Time
	// Area is the plate's area in pixels; larger crops are preferred as Best.
	Area float64
}

// ConsensusOptions configures a Consensus. The zero value gives the defaults.
type ConsensusOptions struct {
	// MaxReads bounds the reads kept (default 16). Past it, the weakest read (lowest
	// confidence × validity weight, the oldest among equals) is dropped.
	MaxReads int
	// InvalidWeight scales the votes of reads that do not Parse as a valid plate
	// (default 0.5; values <= 0 or > 1 mean the default).
	InvalidWeight float64
	// AcceptUnknown lets Result return a text that is not a valid mainland plate (a
	// foreign plate) when it has at least 5 characters, all Latin letters, digits or
	// Chinese characters. Without it such a consensus is not ok.
	AcceptUnknown bool
	// Drop, when set, receives every read the bound evicts, so the owner of its Crop can
	// free it. Reads still held are listed by Reads.
	Drop func(Read)
}

// Result is the consensus over the reads of one track.
type Result struct {
	// Text is the voted text; Plate is Parse(Text).
	Text  string
	Plate Plate
	// Color is the confidence-weighted vote over all held reads (ColorUnknown if none).
	Color Color
	// Conf is mean(vote share of each winning character) × mean(confidence of the
	// winning characters); CharConf is share × confidence per character.
	Conf     float64
	CharConf []float64
	// Best is the read whose crop to keep: its text equals Text if any does, then the
	// largest Area, then the highest Conf.
	Best Read
	// Reads is the number of reads that voted on Text (those of the winning length).
	Reads int
}

// Consensus votes over the reads of one vehicle track. It is not safe for concurrent
// use; the track's owner calls it.
type Consensus struct {
	opts  ConsensusOptions
	reads []heldRead
	seq   int
}

type heldRead struct {
	Read
	runes  []rune
	weight float64   // read confidence × validity weight
	charW  []float64 // vote weight per position
	charC  []float64 // confidence per position
	seq    int       // arrival order
}

// NewConsensus returns an empty Consensus.
func NewConsensus(opts ConsensusOptions) *Consensus {
	if opts.MaxReads <= 0 {
		opts.MaxReads = 16
	}
	if opts.InvalidWeight <= 0 || opts.InvalidWeight > 1 {
		opts.InvalidWeight = 0.5
	}
	return &Consensus{opts: opts}
}

// Add records a read. A read whose text normalises to nothing is passed straight to
// Drop.
func (c *Consensus) Add(r Read) {
	r.Text = Normalize(r.Text)
	if r.Text == "" {
		c.drop(r)
		return
	}
	h := heldRead{Read: r, runes: []rune(r.Text), seq: c.seq}
	c.seq++
	conf := clamp01(r.Conf)
	if len(r.CharConf) == len(h.runes) {
		h.charC = make([]float64, len(h.runes))
		sum := 0.0
		for i, v := range r.CharConf {
			h.charC[i] = clamp01(v)
			sum += h.charC[i]
		}
		if conf == 0 {
			conf = sum / float64(len(h.runes))
		}
	} else {
		h.charC = make([]float64, len(h.runes))
		for i := range h.charC {
			h.charC[i] = conf
		}
	}
	factor := 1.0
	if !Parse(r.Text).Valid {
		factor = c.opts.InvalidWeight
	}
	h.weight = conf * factor
	h.charW = make([]float64, len(h.runes))
	for i, v := range h.charC {
		h.charW[i] = v * factor
	}
	c.reads = append(c.reads, h)
	if len(c.reads) > c.opts.MaxReads {
		c.evictWeakest()
	}
}

// Len returns the number of reads held.
func (c *Consensus) Len() int { return len(c.reads) }

// Reads returns the reads held, oldest first, so their owner can free the crops once
// the track ends.
func (c *Consensus) Reads() []Read {
	out := make([]Read, len(c.reads))
	for i, h := range c.reads {
		out[i] = h.Read
	}
	return out
}

func (c *Consensus) evictWeakest() {
	w := 0
	for i, h := range c.reads {
		if h.weight < c.reads[w].weight || (h.weight == c.reads[w].weight && h.At.Before(c.reads[w].At)) {
			w = i
		}
	}
	r := c.reads[w].Read
	c.reads = append(c.reads[:w], c.reads[w+1:]...)
	c.drop(r)
}

func (c *Consensus) drop(r Read) {
	if c.opts.Drop != nil {
		c.opts.Drop(r)
	}
}

// Result votes over the held reads. ok is false when there are none, when every read
// has zero confidence, or when the voted text is not a valid plate (unless
// AcceptUnknown allows it).
func (c *Consensus) Result() (Result, bool) {
	group := c.winningLength()
	if len(group) == 0 {
		return Result{}, false
	}
	text, shares, confs := vote(group)
	res := Result{Text: string(text), Plate: Parse(string(text)), Reads: len(group)}
	if !res.Plate.Valid && !(c.opts.AcceptUnknown && plausibleUnknown(text)) {
		return Result{}, false
	}
	res.CharConf = make([]float64, len(text))
	for i := range text {
		res.CharConf[i] = shares[i] * confs[i]
	}
	res.Conf = mean(shares) * mean(confs)
	res.Color = c.voteColor(res.Plate.Kind)
	res.Best = best(group, res.Text)
	return res, true
}

// winningLength returns the reads of the length with the highest total weight (ties:
// more reads, then the shorter length); nil when all weights are zero.
func (c *Consensus) winningLength() []heldRead {
	type total struct {
		weight float64
		n      int
	}
	totals := map[int]*total{}
	for _, h := range c.reads {
		t := totals[len(h.runes)]
		if t == nil {
			t = &total{}
			totals[len(h.runes)] = t
		}
		t.weight += h.weight
		t.n++
	}
	bestLen := -1
	for n, t := range totals {
		if t.weight <= 0 {
			continue
		}
		if bestLen < 0 {
			bestLen = n
			continue
		}
		b := totals[bestLen]
		if t.weight > b.weight || (t.weight == b.weight && (t.n > b.n || (t.n == b.n && n < bestLen))) {
			bestLen = n
		}
	}
	var group []heldRead
	for _, h := range c.reads {
		if len(h.runes) == bestLen {
			group = append(group, h)
		}
	}
	return group
}

// vote picks the heaviest character per position among reads of equal length. It
// returns the text, each winner's share of the position's votes, and the mean
// confidence of the reads that voted for it.
func vote(group []heldRead) (text []rune, shares, confs []float64) {
	n := len(group[0].runes)
	text = make([]rune, n)
	shares = make([]float64, n)
	confs = make([]float64, n)
	for i := 0; i < n; i++ {
		type tally struct {
			w, conf float64
			n       int
		}
		votes := map[rune]*tally{}
		total := 0.0
		for _, h := range group {
			t := votes[h.runes[i]]
			if t == nil {
				t = &tally{}
				votes[h.runes[i]] = t
			}
			t.w += h.charW[i]
			t.conf += h.charC[i]
			t.n++
			total += h.charW[i]
		}
		var win rune
		var wt *tally
		for r, t := range votes {
			if wt == nil || t.w > wt.w || (t.w == wt.w && (t.n > wt.n || (t.n == wt.n && r < win))) {
				win, wt = r, t
			}
		}
		text[i] = win
		if total > 0 {
			shares[i] = wt.w / total
		}
		confs[i] = wt.conf / float64(wt.n)
	}
	return text, shares, confs
}

// voteColor weighs each held read's colour by its confidence (by count when every
// colour confidence is zero); between equal weights a colour expected for kind wins.
func (c *Consensus) voteColor(kind Kind) Color {
	var byConf, byCount [len(colorNames)]float64
	total := 0.0
	for _, h := range c.reads {
		if h.Color == ColorUnknown || int(h.Color) >= len(byConf) {
			continue
		}
		byConf[h.Color] += clamp01(h.ColorConf)
		byCount[h.Color]++
		total += clamp01(h.ColorConf)
	}
	votes := byConf
	if total == 0 {
		votes = byCount
	}
	expected := func(col Color) bool { return CheckColor(Plate{Kind: kind}, col) }
	win := ColorUnknown
	for col := ColorBlue; int(col) < len(votes); col++ {
		v := votes[col]
		if v <= 0 {
			continue
		}
		if win == ColorUnknown || v > votes[win] || (v == votes[win] && expected(col) && !expected(win)) {
			win = col
		}
	}
	return win
}

// best prefers a read equal to the consensus, then the largest area, then the highest
// confidence, then the earliest.
func best(group []heldRead, text string) Read {
	b := group[0]
	better := func(h heldRead) bool {
		if (h.Text == text) != (b.Text == text) {
			return h.Text == text
		}
		if h.Area != b.Area {
			return h.Area > b.Area
		}
		return h.weight > b.weight
	}
	for _, h := range group[1:] {
		if better(h) {
			b = h
		}
	}
	return b.Read
}

// plausibleUnknown accepts a foreign plate: 5 or more letters, digits or Chinese
// characters.
func plausibleUnknown(text []rune) bool {
	if len(text) < 5 {
		return false
	}
	for _, r := range text {
		if !isDigit(r) && !isLetter(r) && !isHan(r) {
			return false
		}
	}
	return true
}

func clamp01(v float64) float64 {
	switch {
	case math.IsNaN(v) || v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
