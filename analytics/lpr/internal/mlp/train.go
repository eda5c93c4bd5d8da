package mlp

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// TrainConfig sets up Train. Zero fields take the defaults in brackets.
type TrainConfig struct {
	Hidden      int     // hidden units [160]
	Epochs      int     // passes over the data [20]
	Batch       int     // minibatch size [64]
	LearnRate   float64 // initial step, decayed by a cosine to 0 [0.05]
	Momentum    float64 // [0.9]
	WeightDecay float64 // L2 on weights [1e-4]
	Seed        uint64  // initial weights and shuffling
	// Progress, if set, is called after each epoch with the epoch and mean loss.
	Progress func(epoch int, loss float64)
}

func (c *TrainConfig) defaults() {
	if c.Hidden <= 0 {
		c.Hidden = 160
	}
	if c.Epochs <= 0 {
		c.Epochs = 20
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.LearnRate <= 0 {
		c.LearnRate = 0.05
	}
	if c.Momentum <= 0 {
		c.Momentum = 0.9
	}
	if c.WeightDecay <= 0 {
		c.WeightDecay = 1e-4
	}
}

// shards is the fixed number of parts a minibatch is split into. Each part's gradient
// is computed on its own goroutine and the parts are summed in order, so the result
// does not depend on GOMAXPROCS.
const shards = 4

// minStd keeps near-constant inputs from being blown up by standardisation.
const minStd = 1e-2

// Train fits a net to samples x (all of one length) with class indices y into labels.
// Training is deterministic for a given Seed and input order.
func Train(x [][]float32, y []int, labels []rune, cfg TrainConfig) (*Net, error) {
	cfg.defaults()
	if len(x) == 0 || len(x) != len(y) {
		return nil, fmt.Errorf("mlp: %d samples and %d labels", len(x), len(y))
	}
	for i, k := range y {
		if k < 0 || k >= len(labels) {
			return nil, fmt.Errorf("mlp: sample %d has class %d, want 0..%d", i, k, len(labels)-1)
		}
		if len(x[i]) != len(x[0]) {
			return nil, fmt.Errorf("mlp: sample %d has %d inputs, want %d", i, len(x[i]), len(x[0]))
		}
	}
	n := &Net{In: len(x[0]), Hidden: cfg.Hidden, Out: len(labels), Labels: append([]rune(nil), labels...)}
	if n.In == 0 {
		return nil, errors.New("mlp: samples have no inputs")
	}
	n.standardisation(x)
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	n.init(rng)

	t := newTrainer(n)
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	steps := cfg.Epochs * ((len(x) + cfg.Batch - 1) / cfg.Batch)
	step := 0
	for epoch := range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		for b := 0; b < len(order); b += cfg.Batch {
			lr := cfg.LearnRate * 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(steps)))
			batch := order[b:min(b+cfg.Batch, len(order))]
			loss += t.step(x, y, batch, float32(lr), float32(cfg.Momentum), float32(cfg.WeightDecay))
			step++
		}
		if cfg.Progress != nil {
			cfg.Progress(epoch, loss/float64(len(x)))
		}
	}
	return n, nil
}

// standardisation sets Mean and Std from the samples.
func (n *Net) standardisation(x [][]float32) {
	mean := make([]float64, n.In)
	sq := make([]float64, n.In)
	for _, s := range x {
		for i, v := range s {
			mean[i] += float64(v)
			sq[i] += float64(v) * float64(v)
		}
	}
	n.Mean, n.Std = make([]float32, n.In), make([]float32, n.In)
	for i := range mean {
		m := mean[i] / float64(len(x))
		v := sq[i]/float64(len(x)) - m*m
		n.Mean[i] = float32(m)
		n.Std[i] = float32(math.Max(minStd, math.Sqrt(math.Max(0, v))))
	}
}

// init draws He-initialised weights; biases start at 0.
func (n *Net) init(rng *rand.Rand) {
	n.W1 = make([]float32, n.Hidden*n.In)
	n.B1 = make([]float32, n.Hidden)
	n.W2 = make([]float32, n.Out*n.Hidden)
	n.B2 = make([]float32, n.Out)
	s1 := math.Sqrt(2 / float64(n.In))
	for i := range n.W1 {
		n.W1[i] = float32(rng.NormFloat64() * s1)
	}
	s2 := math.Sqrt(2 / float64(n.Hidden))
	for i := range n.W2 {
		n.W2[i] = float32(rng.NormFloat64() * s2)
	}
}

// grads holds one shard's gradient and scratch buffers.
type grads struct {
	w1, b1, w2, b2 []float32
	in, hid, out   []float32
	dh             []float32
	loss           float64
}

type trainer struct {
	n              *Net
	g              [shards]*grads
	v1, c1, v2, c2 []float32 // momentum of W1, B1, W2, B2
}

func newTrainer(n *Net) *trainer {
	t := &trainer{
		n:  n,
		v1: make([]float32, len(n.W1)), c1: make([]float32, len(n.B1)),
		v2: make([]float32, len(n.W2)), c2: make([]float32, len(n.B2)),
	}
	for s := range t.g {
		t.g[s] = &grads{
			w1: make([]float32, len(n.W1)), b1: make([]float32, len(n.B1)),
			w2: make([]float32, len(n.W2)), b2: make([]float32, len(n.B2)),
			in: make([]float32, n.In), hid: make([]float32, n.Hidden),
			out: make([]float32, n.Out), dh: make([]float32, n.Hidden),
		}
	}
	return t
}

// step runs one minibatch and updates the weights; it returns the summed loss.
func (t *trainer) step(x [][]float32, y []int, batch []int, lr, mom, wd float32) float64 {
	var wg sync.WaitGroup
	per := (len(batch) + shards - 1) / shards
	for s, g := range t.g {
		part := batch[min(s*per, len(batch)):min((s+1)*per, len(batch))]
		wg.Go(func() { t.backprop(g, x, y, part) })
	}
	wg.Wait()
	var loss float64
	for s := 1; s < shards; s++ {
		add(t.g[0].w1, t.g[s].w1)
		add(t.g[0].b1, t.g[s].b1)
		add(t.g[0].w2, t.g[s].w2)
		add(t.g[0].b2, t.g[s].b2)
	}
	for _, g := range t.g {
		loss += g.loss
	}
	scale := 1 / float32(len(batch))
	update(t.n.W1, t.v1, t.g[0].w1, scale, lr, mom, wd)
	update(t.n.B1, t.c1, t.g[0].b1, scale, lr, mom, 0)
	update(t.n.W2, t.v2, t.g[0].w2, scale, lr, mom, wd)
	update(t.n.B2, t.c2, t.g[0].b2, scale, lr, mom, 0)
	return loss
}

// backprop accumulates the cross-entropy gradient of the samples in part into g.
func (t *trainer) backprop(g *grads, x [][]float32, y []int, part []int) {
	n := t.n
	clear(g.w1)
	clear(g.b1)
	clear(g.w2)
	clear(g.b2)
	g.loss = 0
	for _, i := range part {
		for k, v := range x[i] {
			g.in[k] = (v - n.Mean[k]) / n.Std[k]
		}
		n.forward(g.in, g.hid, g.out)
		g.loss -= math.Log(math.Max(1e-12, float64(g.out[y[i]])))
		g.out[y[i]]--
		clear(g.dh)
		for k, d := range g.out {
			row := n.W2[k*n.Hidden : (k+1)*n.Hidden]
			grow := g.w2[k*n.Hidden : (k+1)*n.Hidden]
			for j, h := range g.hid {
				grow[j] += d * h
				g.dh[j] += d * row[j]
			}
			g.b2[k] += d
		}
		for j, h := range g.hid {
			if h <= 0 {
				continue
			}
			d := g.dh[j]
			axpy(g.w1[j*n.In:(j+1)*n.In], g.in, d)
			g.b1[j] += d
		}
	}
}

func axpy(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += a * x[i]
	}
}

func add(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

func update(w, v, g []float32, scale, lr, mom, wd float32) {
	for i := range w {
		v[i] = mom*v[i] - lr*(g[i]*scale+wd*w[i])
		w[i] += v[i]
	}
}
