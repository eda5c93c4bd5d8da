package lpr

import (
	_ "embed" // the character model
	"fmt"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/mlp"
)

// charModel is the character classifier, trained on synthetic characters by
// cmd/lprtrain (see README.md); regenerate it with `go generate ./analytics/lpr`.
//
//go:generate go run ./cmd/lprtrain -out charmodel.bin
//go:embed charmodel.bin
var charModel []byte

// loadModel decodes a model file (one net or an ensemble of nets written back to
// back) and checks that every net classifies glyph.Classes over glyph features.
func loadModel(data []byte) ([]*mlp.Net, error) {
	nets, err := mlp.DecodeAll(data)
	if err != nil {
		return nil, fmt.Errorf("decode character model: %w", err)
	}
	for _, net := range nets {
		if net.In != glyph.FeatureLen {
			return nil, fmt.Errorf("character model takes %d features, the engine computes %d (retrain with go generate)", net.In, glyph.FeatureLen)
		}
		if string(net.Labels) != string(glyph.Classes) {
			return nil, fmt.Errorf("character model classes %q differ from the engine's %q (retrain with go generate)", string(net.Labels), string(glyph.Classes))
		}
	}
	return nets, nil
}

// classify writes the ensemble's mean class probabilities for one glyph into probs.
func (c *Classic) classify(g glyph.Glyph, probs []float32) {
	x := glyph.Features(g)
	clear(probs)
	for _, net := range c.nets {
		for k, p := range net.Predict(x, c.probs) {
			probs[k] += p
		}
	}
	inv := 1 / float32(len(c.nets))
	for k := range probs {
		probs[k] *= inv
	}
}
