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
	for j := range n.Hidden {
		hid[j] = max(0, dot(n.W1[j*n.In:(j+1)*n.In], in)+n.B1[j])
	}
	for k := range n.Out {
		probs[k] = dot(n.W2[k*n.Hidden:(k+1)*n.Hidden], hid) + n.B2[k]
	}
	softmax(probs)
}

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
