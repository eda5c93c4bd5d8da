package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

// report is everything the benchmark prints (also its -json shape).
type report struct {
	Date    string        `json:"date"`
	Machine machine       `json:"machine"`
	Shared  string        `json:"shared"`
	Models  string        `json:"models"`
	Sets    []setInfo     `json:"sets"`
	Colours []colourCheck `json:"colour_classifier"`
	Results []setResult   `json:"results"`
}

// setInfo describes a data set as loaded.
type setInfo struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Source   string `json:"source"`
	Status   string `json:"status"`
	Pictures int    `json:"pictures"`
	Plates   int    `json:"plates"`
}

// machine describes where the benchmark ran.
type machine struct {
	CPUs     int    `json:"cpus"`
	CPUModel string `json:"cpu_model"`
	LoadAvg  string `json:"loadavg"`
	Commit   string `json:"commit"`
}

func newReport(o options, shared string, sets []dataSet) report {
	r := report{
		Date: time.Now().UTC().Format(time.RFC3339), Shared: shared, Models: o.Models,
		Machine: machine{CPUs: runtime.NumCPU(), CPUModel: benchenv.CPUModel(), LoadAvg: benchenv.LoadAvg(), Commit: benchenv.GitCommit()},
	}
	for _, d := range sets {
		si := setInfo{Name: d.Name, Kind: d.Kind, Source: d.Source, Status: "ok", Pictures: d.size(), Plates: len(d.crops)}
		for _, p := range d.pics {
			si.Plates += len(p.Plates)
		}
		if d.Missing != "" {
			si.Status = "n/a (" + d.Missing + ")"
		}
		r.Sets = append(r.Sets, si)
	}
	return r
}

func (r *report) anyRan() bool {
	for _, x := range r.Results {
		if x.Status == "ok" {
			return true
		}
	}
	return false
}

func printHeader(w io.Writer, r *report) {
	fmt.Fprintf(w, "benchplates  %s\n", r.Date)
	fmt.Fprintf(w, "machine: %d CPUs, %s, load average %s; source %s\n", r.Machine.CPUs, r.Machine.CPUModel, r.Machine.LoadAvg, r.Machine.Commit)
	fmt.Fprintf(w, "shared data: %s; plate models: %s\n", r.Shared, r.Models)
	for _, s := range r.Sets {
		if s.Status != "ok" {
			fmt.Fprintf(w, "set %-7s %s\n", s.Name, s.Status)
			continue
		}
		fmt.Fprintf(w, "set %-7s %d pictures, %d plates, from %s\n", s.Name, s.Pictures, s.Plates, s.Source)
	}
	fmt.Fprintln(w, "detected: a finding whose box has IoU >= 0.5 with the bounding box of the labelled (rotated) plate, one to one;")
	fmt.Fprintln(w, "whole-plate and chars are over all labelled plates (a missed plate reads as nothing); chars: characters aligned")
	fmt.Fprintln(w, "equal in a least-edit alignment of read and truth; colour over detected plates; crops: Recognize only.")
	fmt.Fprintln(w)
}

func printResult(w io.Writer, r *setResult) {
	fmt.Fprintf(w, "== %s on %s: %s\n", r.Engine, r.Set, r.Status)
	if r.Status != "ok" && r.Counts.Images == 0 {
		fmt.Fprintln(w)
		return
	}
	c, m := r.Counts, r.Metrics
	fmt.Fprintf(w, "%d pictures, %d plates, %d findings, %d errors; %.1f ms per picture\n", c.Images, c.Plates, c.Findings, c.Errors, m.MsPerImage)
	fmt.Fprintf(w, "detected %s (%d/%d), precision %s; whole plate %s (%d/%d); chars %s (%d/%d); colour %s (%d/%d)\n",
		pct(m.Recall), c.Detected, c.Plates, pct(m.Precision), pct(m.Exact), c.Exact, c.Plates,
		pct(m.Chars), c.CharsRight, c.Chars, pct(m.Color), c.ColorRight, c.ColorJudged)
	if len(r.ByKind) > 1 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "kind\tplates\tdetected\twhole plate\tchars\tcolour\t")
		for _, k := range r.ByKind {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t\n", k.Kind, k.Counts.Plates, pct(k.Metrics.Recall),
				pct(k.Metrics.Exact), pct(k.Metrics.Chars), pct(k.Metrics.Color))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
}

func printSummary(w io.Writer, r *report) {
	fmt.Fprintln(w, "summary (targets: whole plate >= 85% on easypr and >= 95% on crops with the best engine)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "engine\tset\tdetected\twhole plate\tchars\tcolour\tms/picture\tstatus")
	for _, x := range r.Results {
		if x.Status != "ok" {
			fmt.Fprintf(tw, "%s\t%s\t\t\t\t\t\t%s\n", x.Engine, x.Set, shorten(x.Status, 70))
			continue
		}
		m := x.Metrics
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.1f\tok\n", x.Engine, x.Set, pct(m.Recall), pct(m.Exact), pct(m.Chars), pct(m.Color), m.MsPerImage)
	}
	tw.Flush()
}

func printJSON(w io.Writer, r *report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}

// pct prints a rate as a percentage, "-" when there was nothing to measure.
func pct(r rate) string {
	if math.IsNaN(float64(r)) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(r))
}

// shorten cuts s to n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
