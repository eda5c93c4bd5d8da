// Package trainer builds the character model of the classic plate reader: it renders
// synthetic characters (package synth), cuts and describes them exactly as the engine
// does (package glyph) and fits the classifier (package mlp). Given the same seed,
// fonts and ffmpeg it produces the same bytes.
package trainer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/mlp"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/synth"
)

// Config sets up Build.
type Config struct {
	// Seed drives rendering, initial weights and shuffling.
	Seed uint64
	// Plates is the number of synthetic plate crops whose characters, cut by the
	// engine's segmenter, are trained on.
	Plates int
	// PerClass is the number of isolated characters rendered per class besides.
	PerClass int
	// HeldOut is the number of test plates, rendered with another seed (their
	// characters make the held-out set).
	HeldOut int
	// Net configures the classifier (its Seed is replaced by Seed, Seed+1, ...).
	Net mlp.TrainConfig
	// Nets is the ensemble size: nets trained on the same data with successive seeds,
	// whose probabilities the engine averages [1].
	Nets int
	// Workers renders in parallel (default GOMAXPROCS); it never changes the result.
	Workers int
}

// Result is a trained model and how it scored on the held-out characters.
type Result struct {
	// Model is the encoded (quantised) net.
	Model []byte
	// Train and HeldOut count the characters used; Skipped those glyph.Cut rejected.
	Train, HeldOut, Skipped int
	// Accuracy is the quantised model's top-1 accuracy on the held-out set, overall
	// and for the Chinese classes alone.
	Accuracy, ChineseAccuracy float64
}

// Dataset is a set of feature vectors with their classes.
type Dataset struct {
	X       [][]float32
	Y       []int
	Skipped int
}

func (d *Dataset) add(o Dataset) {
	d.X = append(d.X, o.X...)
	d.Y = append(d.Y, o.Y...)
	d.Skipped += o.Skipped
}

// latinKeep is the share of the Latin characters of training plates kept: plates
// carry five or six of them for one Chinese character.
const latinKeep = 0.4

// Build renders the data, trains and encodes the model.
func Build(ctx context.Context, cfg Config) (Result, error) {
	if cfg.PerClass < 0 || cfg.Plates < 0 || cfg.PerClass+cfg.Plates == 0 {
		return Result{}, fmt.Errorf("trainer: Plates %d and PerClass %d: want one > 0, none < 0", cfg.Plates, cfg.PerClass)
	}
	set, err := synth.Load(ctx, glyph.Classes)
	if err != nil {
		return Result{}, fmt.Errorf("trainer: load glyphs: %w", err)
	}
	train, err := Render(ctx, set, cfg.Seed, cfg.PerClass, cfg.Workers)
	if err != nil {
		return Result{}, err
	}
	plates, err := RenderPlates(ctx, set, cfg.Seed, cfg.Plates, latinKeep, cfg.Workers)
	if err != nil {
		return Result{}, err
	}
	train.add(plates)
	var model []byte
	for k := range max(1, cfg.Nets) {
		netCfg := cfg.Net
		netCfg.Seed = cfg.Seed + uint64(k)
		net, err := mlp.Train(train.X, train.Y, glyph.Classes, netCfg)
		if err != nil {
			return Result{}, fmt.Errorf("trainer: fit net %d: %w", k+1, err)
		}
		enc, err := net.MarshalBinary()
		if err != nil {
			return Result{}, fmt.Errorf("trainer: encode net %d: %w", k+1, err)
		}
		model = append(model, enc...)
	}
	res := Result{Model: model, Train: len(train.X), Skipped: train.Skipped}
	if cfg.HeldOut > 0 {
		test, err := RenderPlates(ctx, set, ^cfg.Seed, cfg.HeldOut, 1, cfg.Workers)
		if err != nil {
			return Result{}, err
		}
		q, err := mlp.DecodeAll(model)
		if err != nil {
			return Result{}, fmt.Errorf("trainer: decode own model: %w", err)
		}
		res.HeldOut = len(test.X)
		res.Accuracy, res.ChineseAccuracy = Score(q, test)
	}
	return res, nil
}

// chineseBoost multiplies the isolated characters of the Chinese classes: plates
// carry one Chinese character for six Latin ones, and they are the harder ones.
const chineseBoost = 2

// Render draws perClass isolated characters of every Latin class and chineseBoost
// times as many of every Chinese one, each from its own random stream (seed, index)
// so that workers cannot change the result.
func Render(ctx context.Context, set *synth.Set, seed uint64, perClass, workers int) (Dataset, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var classes []int
	for k := range glyph.Classes {
		reps := perClass
		if glyph.IsChinese(k) {
			reps *= chineseBoost
		}
		for range reps {
			classes = append(classes, k)
		}
	}
	n := len(classes)
	feats := make([][]float32, n)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Go(func() {
			for i := wk; i < n; i += workers {
				if ctx.Err() != nil {
					errs[wk] = ctx.Err()
					return
				}
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				s, err := set.Char(rng, classes[i])
				if err != nil {
					errs[wk] = err
					return
				}
				if g, ok := glyph.Cut(s.Img, s.Slot); ok {
					feats[i] = glyph.Features(g)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Dataset{}, fmt.Errorf("trainer: render: %w", err)
		}
	}
	var d Dataset
	for i, f := range feats {
		if f == nil {
			d.Skipped++
			continue
		}
		d.X = append(d.X, f)
		d.Y = append(d.Y, classes[i])
	}
	return d, nil
}

// Score returns the top-1 accuracy of the ensemble nets (mean probabilities) on d,
// overall and on the Chinese classes.
func Score(nets []*mlp.Net, d Dataset) (all, chinese float64) {
	var ok, okZh, nZh int
	probs := make([]float32, len(glyph.Classes))
	one := make([]float32, len(glyph.Classes))
	for i, x := range d.X {
		clear(probs)
		for _, net := range nets {
			for k, p := range net.Predict(x, one) {
				probs[k] += p
			}
		}
		best := 0
		for k, p := range probs {
			if p > probs[best] {
				best = k
			}
		}
		hit := best == d.Y[i]
		if hit {
			ok++
		}
		if glyph.IsChinese(d.Y[i]) {
			nZh++
			if hit {
				okZh++
			}
		}
	}
	if len(d.X) > 0 {
		all = float64(ok) / float64(len(d.X))
	}
	if nZh > 0 {
		chinese = float64(okZh) / float64(nZh)
	}
	return all, chinese
}
