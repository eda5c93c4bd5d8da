// Package mlp is a small multilayer perceptron (one ReLU hidden layer, softmax output)
// for the character classifier: inference for the engine, training for cmd/lprtrain,
// and a compact deterministic file format (int8 weights with a scale per row).
package mlp

import (
	"fmt"
	"math"
)

// Net is a trained classifier. Inputs are standardised with Mean and Std before the
// first layer. A Net is read-only after training or decoding and so safe to share.
type Net struct {
	In, Hidden, Out int
	// Labels names the output classes (one rune each), in output order.
	Labels []rune
	// Mean and Std standardise the input (Std never 0).
	Mean, Std []float32
	// W1 is Hidden×In, B1 Hidden; W2 is Out×Hidden, B2 Out (row-major).
	W1, B1, W2, B2 []float32
}

// Validate checks that the shapes agree.
func (n *Net) Validate() error {
	switch {
	case n.In <= 0 || n.Hidden <= 0 || n.Out <= 0:
		return fmt.Errorf("mlp: bad shape %d-%d-%d", n.In, n.Hidden, n.Out)
	case len(n.Labels) != n.Out:
		return fmt.Errorf("mlp: %d labels for %d outputs", len(n.Labels), n.Out)
	case len(n.Mean) != n.In || len(n.Std) != n.In:
		return fmt.Errorf("mlp: standardisation has %d/%d values for %d inputs", len(n.Mean), len(n.Std), n.In)
	case len(n.W1) != n.Hidden*n.In || len(n.B1) != n.Hidden:
		return fmt.Errorf("mlp: layer 1 has %d weights and %d biases, want %d and %d", len(n.W1), len(n.B1), n.Hidden*n.In, n.Hidden)
	case len(n.W2) != n.Out*n.Hidden || len(n.B2) != n.Out:
		return fmt.Errorf("mlp: layer 2 has %d weights and %d biases, want %d and %d", len(n.W2), len(n.B2), n.Out*n.Hidden, n.Out)
	}
	return nil
}

// Predict writes the class probabilities of x (length In) into probs (length Out)
// and returns probs; a nil probs is allocated.
func (n *Net) Predict(x, probs []float32) []float32 {
	if probs == nil {
		probs = make([]float32, n.Out)
	}
	in := make([]float32, n.In)
	for i := range in {
		in[i] = (x[i] - n.Mean[i]) / n.Std[i]
	}
	hid := make([]float32, n.Hidden)
	n.forward(in, hid, probs)
	return probs
}

// forward runs both layers on a standardised input; hid receives the activations.
func (n *Net) forward(in, hid, probs []float32) {
	layer(n.W1, in, n.B1, hid, true)
	layer(n.W2, hid, n.B2, probs, false)
	softmax(probs)
}

// Pieces of the layer loops: inputs and weights go through arrays on the stack,
// dotChunk at a time, where the loops need no bounds checks and where the race
// detector, which otherwise checks each element read (it made the nets most of a
// plate's reading time in -race builds), checks each piece once as a range. Every
// output keeps its four interleaved sums in the order of a plain loop, so the
// results are the same to the bit.
const (
	dotChunk = 256 // a multiple of 4
	maxLayer = 512 // outputs of a layer summed piecewise; wider ones use dot
)

// layer sets out[j] = b[j] + w[j]·in for the rows w[j] (len(in) weights each),
// clipped at 0 when relu.
func layer(w, in, b, out []float32, relu bool) {
	nIn, nOut := len(in), len(out)
	if nOut > maxLayer {
		for j := range out {
			out[j] = activate(dot(w[j*nIn:(j+1)*nIn], in)+b[j], relu)
		}
		return
	}
	var acc [maxLayer][4]float32
	var xc, wc [dotChunk]float32
	for off := 0; off < nIn; off += dotChunk {
		m := copy(xc[:], in[off:])
		for j := range nOut {
			copy(wc[:m], w[j*nIn+off:])
			s0, s1, s2, s3 := acc[j][0], acc[j][1], acc[j][2], acc[j][3]
			i := 0
			for ; i+4 <= m; i += 4 {
				s0 += wc[i] * xc[i]
				s1 += wc[i+1] * xc[i+1]
				s2 += wc[i+2] * xc[i+2]
				s3 += wc[i+3] * xc[i+3]
			}
			for ; i < m; i++ { // the last piece's tail
				s0 += wc[i] * xc[i]
			}
			acc[j] = [4]float32{s0, s1, s2, s3}
		}
	}
	for j := range out {
		s := acc[j]
		out[j] = activate((s[0]+s[1])+(s[2]+s[3])+b[j], relu)
	}
}

func activate(v float32, relu bool) float32 {
	if relu {
		return max(0, v)
	}
	return v
}

// dot is the inner product of a and b[:len(a)] in four interleaved sums.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func softmax(v []float32) {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	var sum float64
	for i, x := range v {
		e := math.Exp(float64(x - m))
		v[i] = float32(e)
		sum += e
	}
	for i := range v {
		v[i] = float32(float64(v[i]) / sum)
	}
}
