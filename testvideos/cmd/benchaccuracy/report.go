package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

// report is everything the benchmark prints (also its -json shape).
type report struct {
	Date        string            `json:"date"`
	Machine     machine           `json:"machine"`
	Bin         string            `json:"binary"`
	BinTime     string            `json:"binary_built"`
	Clip        string            `json:"clip"`
	ClipSeconds float64           `json:"clip_seconds"`
	FPS         int               `json:"analysis_fps"`
	Width       int               `json:"analysis_width"`
	Tol         float64           `json:"tolerance_seconds"`
	TruthMinGap float64           `json:"truth_min_gap_seconds"`
	Truth       map[string][3]int `json:"truth"` // per line: total, a_to_b, b_to_a
	CrowdTruth  []crowdTruthInfo  `json:"crowd_dwell_truth"`
	Results     []result          `json:"results"`
}

// result is one detector variant.
type result struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Class  string `json:"class,omitempty"`
	Status string `json:"status"` // "ok" or "n/a (why)"
	// WallSeconds and CPUSeconds cover the whole analyze process (model loading included).
	WallSeconds      float64      `json:"wall_seconds"`
	CPUSeconds       float64      `json:"cpu_seconds"`
	Realtime         float64      `json:"realtime_factor"` // clip seconds per wall second
	CPUPerClipSecond float64      `json:"cpu_per_clip_second"`
	Alerts           int          `json:"alerts"`
	Lines            []lineResult `json:"lines,omitempty"`
	Overall          lineResult   `json:"overall"`
	Intrusion        lineResult   `json:"intrusion"`
	Sensitivity      []tolF1      `json:"f1_by_tolerance"`
	Crowd            []crowdScore `json:"crowd_dwell,omitempty"`
}

// tolF1 is the overall F1 at one tolerance.
type tolF1 struct {
	Tol        float64 `json:"tolerance_seconds"`
	Directed   float64 `json:"directed"`
	Undirected float64 `json:"undirected"`
}

// lineResult scores one line (or both together, or the intrusion starts).
type lineResult struct {
	Line       string  `json:"line"`
	Truth      int     `json:"truth"`
	Pred       int     `json:"predicted"`
	Directed   metrics `json:"directed"`
	Undirected metrics `json:"undirected"`
}

// metrics is score.Result without the match list.
type metrics struct {
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	MeanAbsDT float64 `json:"mean_abs_dt_seconds"`
	// MeanDT is the mean of predicted minus true time over the matches: positive
	// means alerts come late.
	MeanDT float64 `json:"mean_dt_seconds"`
}

func fromScore(r score.Result) metrics {
	m := metrics{TP: r.TP, FP: r.FP, FN: r.FN, Precision: r.Precision, Recall: r.Recall, F1: r.F1, MeanAbsDT: r.MeanAbsDT}
	for _, x := range r.Matches {
		m.MeanDT += x.DT / float64(len(r.Matches))
	}
	return m
}

// machine describes where the benchmark ran.
type machine struct {
	CPUs     int    `json:"cpus"`
	CPUModel string `json:"cpu_model"`
	LoadAvg  string `json:"loadavg"`
	// Commit is the source tree: git's short HEAD, "-dirty" with local changes.
	Commit string `json:"commit"`
}

func machineInfo() machine {
	return machine{CPUs: runtime.NumCPU(), CPUModel: benchenv.CPUModel(), LoadAvg: benchenv.LoadAvg(), Commit: benchenv.GitCommit()}
}

func printHeader(w io.Writer, r *report) {
	fmt.Fprintf(w, "benchaccuracy  %s\n", r.Date)
	fmt.Fprintf(w, "machine: %d CPUs, %s, load average %s; source %s; binary %s (built %s)\n", r.Machine.CPUs,
		r.Machine.CPUModel, r.Machine.LoadAvg, r.Machine.Commit, r.Bin, r.BinTime)
	fmt.Fprintf(w, "clip: %s (%.1f s, analysed at %d fps, width %d)\n", r.Clip, r.ClipSeconds, r.FPS, r.Width)
	for _, l := range lines {
		t := r.Truth[l.Name]
		fmt.Fprintf(w, "truth %s (%g,%g)->(%g,%g): %d crossings, %d a_to_b, %d b_to_a\n",
			l.Name, l.A.X, l.A.Y, l.B.X, l.B.Y, t[0], t[1], t[2])
	}
	fmt.Fprintf(w, "truth %s: %d stays of >= %gs (intrusion starts)\n", zoneRule, r.Truth[zoneRule][0], zoneDwell)
	printCrowdTruthLines(w, r)
	fmt.Fprintf(w, "tolerance: %.2f s for crossings, %.1f s for intrusion starts; each prediction matches at most one truth\n", r.Tol, zoneTol)
	fmt.Fprintf(w, "(two truth crossings of one line can be %.2f s apart: people walking side by side)\n\n", r.TruthMinGap)
}

func printResult(w io.Writer, r *result) {
	fmt.Fprintf(w, "== %s (kind %s", r.Name, r.Kind)
	if r.Class != "" {
		fmt.Fprintf(w, ", rules on class %s", r.Class)
	}
	fmt.Fprintf(w, "): %s\n", r.Status)
	if r.Status != "ok" {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "wall %.1f s, realtime x%.2f, CPU %.1f s (%.2f CPU s per clip second), %d alerts\n",
		r.WallSeconds, r.Realtime, r.CPUSeconds, r.CPUPerClipSecond, r.Alerts)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "line\ttruth\tpred\t|\tTP\tFP\tFN\tP\tR\tF1\t|\tTP\tFP\tFN\tP\tR\tF1\t|\tmean dt\t")
	fmt.Fprintln(tw, "\t\t\t|\tdirected\t\t\t\t\t\t|\tundirected\t\t\t\t\t\t|\tpred-truth s\t")
	for _, l := range append(append([]lineResult{}, r.Lines...), r.Overall) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t|\t%s|\t%s|\t%+.2f\t\n", l.Line, l.Truth, l.Pred,
			row(l.Directed), row(l.Undirected), l.Undirected.MeanDT)
	}
	tw.Flush()
	z := r.Intrusion
	fmt.Fprintf(w, "intrusion starts: truth %d, predicted %d, TP %d FP %d FN %d, P %.2f R %.2f F1 %.2f\n",
		z.Truth, z.Pred, z.Undirected.TP, z.Undirected.FP, z.Undirected.FN,
		z.Undirected.Precision, z.Undirected.Recall, z.Undirected.F1)
	printCrowdResult(w, r)
	fmt.Fprintln(w)
}

func row(m metrics) string {
	return fmt.Sprintf("%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t", m.TP, m.FP, m.FN, m.Precision, m.Recall, m.F1)
}

func printSummary(w io.Writer, r *report) {
	fmt.Fprintln(w, "summary: overall tripwire F1 over both lines (target >= 0.85)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "detector\tF1 directed\tF1 undirected\trealtime\tCPU s/clip s\t")
	for _, t := range sensitivityTols {
		fmt.Fprintf(tw, "F1 dir @%gs\t", t)
	}
	fmt.Fprintln(tw)
	for _, x := range r.Results {
		if x.Status != "ok" {
			fmt.Fprintf(tw, "%s\t%s\t\t\t\t\n", x.Name, x.Status)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\tx%.2f\t%.2f\t", x.Name, x.Overall.Directed.F1, x.Overall.Undirected.F1, x.Realtime, x.CPUPerClipSecond)
		for _, s := range x.Sensitivity {
			fmt.Fprintf(tw, "%.2f\t", s.Directed)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
