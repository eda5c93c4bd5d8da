// Command lprtrain trains the character classifier of the classic plate reader on
// synthetic characters rendered from Debian fonts and writes the model file that
// package lpr embeds. It is run by `go generate ./analytics/lpr`; the output depends
// only on the flags, the fonts and ffmpeg.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/mlp"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/trainer"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lprtrain:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "charmodel.bin", "model file to write")
	seed := flag.Uint64("seed", 1, "random seed")
	plates := flag.Int("plates", 16000, "synthetic training plates")
	perClass := flag.Int("per-class", 100, "isolated training characters per class (Chinese: twice)")
	heldOut := flag.Int("held-out", 1000, "held-out synthetic test plates (0: skip)")
	hidden := flag.Int("hidden", 160, "hidden units")
	epochs := flag.Int("epochs", 16, "training epochs")
	decay := flag.Float64("weight-decay", 1e-3, "L2 weight decay")
	nets := flag.Int("nets", 3, "ensemble size (successive seeds)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	start := time.Now()
	res, err := trainer.Build(ctx, trainer.Config{
		Seed: *seed, Plates: *plates, PerClass: *perClass, HeldOut: *heldOut, Nets: *nets,
		Net: mlp.TrainConfig{
			Hidden: *hidden, Epochs: *epochs, WeightDecay: *decay,
			Progress: func(epoch int, loss float64) {
				log.Info("epoch", "n", epoch+1, "loss", fmt.Sprintf("%.4f", loss), "elapsed", time.Since(start).Round(time.Second))
			},
		},
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, res.Model, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	log.Info("model written", "file", *out, "bytes", len(res.Model), "train", res.Train, "skipped", res.Skipped,
		"held_out", res.HeldOut, "accuracy", fmt.Sprintf("%.4f", res.Accuracy),
		"chinese_accuracy", fmt.Sprintf("%.4f", res.ChineseAccuracy), "elapsed", time.Since(start).Round(time.Second))
	return nil
}
