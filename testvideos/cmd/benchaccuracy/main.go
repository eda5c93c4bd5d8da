// Command benchaccuracy measures tripwire accuracy of the shipped binary on PETS 2009
// S2L1: for each detector it writes a configuration, runs `sharpeyes analyze` on the
// clip, turns the tripwire alerts into crossings and scores them against the crossings
// derived from the MOT ground truth in ../shared/eval. The same run scores crowd_dwell
// episodes against the episodes the rules evaluator finds in the ground truth.
//
//	go run ./testvideos/cmd/benchaccuracy                       (after make build)
//	go run ./testvideos/cmd/benchaccuracy -detectors motion,people -json
//	go run ./testvideos/cmd/benchaccuracy -crowd-truth               (truth only)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// options are the command-line settings.
type options struct {
	Bin       string
	Models    string
	Width     int
	Tol       float64
	Detectors []string
	JSON      bool
	Keep      string
	// CrowdTruth prints the crowd rules' ground truth and runs nothing.
	CrowdTruth bool
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "benchaccuracy:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchaccuracy:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("benchaccuracy", flag.ContinueOnError)
	var o options
	var dets string
	fs.StringVar(&o.Bin, "bin", "bin/sharpeyes", "the sharpeyes binary to run (build it with make build)")
	fs.StringVar(&o.Models, "models", "../shared/models", "directory holding detect/*.onnx")
	fs.IntVar(&o.Width, "width", 768, "analysis width in pixels (768 = the clip's own width, no scaling)")
	fs.Float64Var(&o.Tol, "tol", 1.0, "time tolerance in seconds when matching a crossing to the truth")
	fs.StringVar(&dets, "detectors", strings.Join(variantNames(), ","), "comma-separated detector variants to run")
	fs.BoolVar(&o.JSON, "json", false, "print the results as JSON instead of tables")
	fs.StringVar(&o.Keep, "keep", "", "directory to keep each variant's config and alerts in (default: a temporary one, removed)")
	fs.BoolVar(&o.CrowdTruth, "crowd-truth", false, "print the crowd_dwell rules' ground-truth counts and episodes, then exit (needs only ../shared/eval)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, d := range strings.Split(dets, ",") {
		if d = strings.TrimSpace(d); d != "" {
			o.Detectors = append(o.Detectors, d)
		}
	}
	for _, d := range o.Detectors {
		if _, ok := variantByName(d); !ok {
			return o, fmt.Errorf("-detectors: unknown variant %q (have %s)", d, strings.Join(variantNames(), ", "))
		}
	}
	return o, nil
}

func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	if o.CrowdTruth {
		gt, err := loadGT()
		if err != nil {
			return err
		}
		return printCrowdTruth(stdout, gt)
	}
	data, err := loadData(ctx)
	if err != nil {
		return err
	}
	bin, err := filepath.Abs(o.Bin)
	if err != nil {
		return err
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return fmt.Errorf("sharpeyes binary not found at %s (run make build, or pass -bin): %w", o.Bin, err)
	}
	dir := o.Keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "benchaccuracy-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rep := report{
		Date: time.Now().UTC().Format(time.RFC3339), Machine: machineInfo(), Clip: data.clip.Path,
		Bin: bin, BinTime: fi.ModTime().UTC().Format(time.RFC3339),
		ClipSeconds: data.clipSeconds(), Width: o.Width, FPS: clipFPS, Tol: o.Tol,
		TruthMinGap: data.minGap(), Truth: data.truthCounts(), CrowdTruth: data.crowdTruthInfo(),
	}
	if !o.JSON {
		printHeader(stdout, &rep)
	}
	for _, name := range o.Detectors {
		v, _ := variantByName(name)
		if !o.JSON {
			fmt.Fprintf(stderr, "running %s ...\n", v.Name)
		}
		res := runVariant(ctx, runSpec{bin: bin, dir: dir, models: o.Models, width: o.Width, tol: o.Tol}, v, data)
		rep.Results = append(rep.Results, res)
		if !o.JSON {
			printResult(stdout, &res)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(&rep)
	}
	printSummary(stdout, &rep)
	printCrowdSummary(stdout, &rep)
	return nil
}
