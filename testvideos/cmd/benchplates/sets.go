package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// loadSets loads the chosen sets. A set that cannot be loaded comes back with
// Missing set, and the run goes on with the others.
func loadSets(ctx context.Context, o options, shared string, stderr io.Writer) []dataSet {
	var out []dataSet
	for _, name := range o.Sets {
		d := dataSet{Name: name, Kind: kindDetect}
		var err error
		switch name {
		case setEasyPR:
			d.Source = filepath.Join(shared, "eval", "plates-cn-easypr", "ground_truth.tsv")
			d.pics, err = loadEasyPR(d.Source)
		case setCrops:
			d.Kind, d.Source = kindCrops, filepath.Join(shared, "eval", "plates-cn-crops")
			d.crops, err = loadCrops(d.Source)
		case setSynth:
			fmt.Fprintf(stderr, "preparing %d synthetic pictures (seed %d) in the cache ...\n", o.SynthN, o.Seed)
			var set synth.StillSet
			if set, err = synth.Stills(ctx, synth.StillOptions{N: o.SynthN, Seed: o.Seed}); err == nil {
				d.Source = set.TruthPath
				d.pics, err = loadEasyPR(set.TruthPath)
			}
		}
		if err != nil {
			d.Missing = missingReason(shared, name, err)
		}
		d.limit(o.Limit)
		out = append(out, d)
	}
	return out
}

// missingReason says why a set is unavailable, naming ../shared when it is absent.
func missingReason(shared, set string, err error) string {
	if set != setSynth {
		if _, serr := os.Stat(shared); serr != nil {
			return fmt.Sprintf("shared data not found at %s; pass -shared", shared)
		}
	}
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf("data missing: %v", err)
	}
	return err.Error()
}

// setResult is one engine on one set.
type setResult struct {
	Engine  string      `json:"engine"`
	Set     string      `json:"set"`
	Status  string      `json:"status"` // "ok" or "n/a (why)"
	Counts  tally       `json:"counts"`
	Metrics metrics     `json:"metrics"`
	ByKind  []kindTally `json:"by_kind,omitempty"`
}

// runEngine opens one engine and runs it on every set, closing it afterwards.
func runEngine(ctx context.Context, spec engineSpec, models string, sets []dataSet, stderr io.Writer) []setResult {
	out := make([]setResult, len(sets))
	available := false
	for i, d := range sets {
		out[i] = setResult{Engine: spec.Name, Set: d.Name}
		if d.Missing != "" {
			out[i].Status = "n/a (" + d.Missing + ")"
		}
		available = available || d.Missing == ""
	}
	if !available {
		return out
	}
	eng, err := spec.Open(models)
	if err != nil {
		why := "n/a (open failed: " + err.Error() + ")"
		if errors.Is(err, errModelMissing) {
			why = "n/a (" + err.Error() + ")"
		}
		for i, d := range sets {
			if d.Missing == "" {
				out[i].Status = why
			}
		}
		return out
	}
	defer eng.Close()
	for i, d := range sets {
		if d.Missing == "" {
			out[i].Status = runOne(ctx, eng, d, &out[i], stderr)
		}
	}
	return out
}

// runOne runs an open engine on one available set and returns the status.
func runOne(ctx context.Context, eng plate.Reader, d dataSet, res *setResult, stderr io.Writer) string {
	fmt.Fprintf(stderr, "running %s on %s (%d pictures) ...\n", res.Engine, d.Name, d.size())
	var err error
	switch d.Kind {
	case kindCrops:
		rec, ok := eng.(plate.Recognizer)
		if !ok {
			return "n/a (the engine has no Recognize)"
		}
		res.Counts, err = runCrops(ctx, rec, d.crops)
	default:
		res.Counts, res.ByKind, err = runDetect(ctx, eng, d.pics)
	}
	res.Metrics = res.Counts.metrics()
	if err != nil {
		return "failed: " + err.Error()
	}
	return "ok"
}
