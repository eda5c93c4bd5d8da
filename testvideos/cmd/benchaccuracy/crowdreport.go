package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sharpeyes/sharpeyes/testvideos/pets"
)

// crowdTruthInfo is one crowd rule and its truth episodes, as the report shows them.
type crowdTruthInfo struct {
	Rule          string       `json:"rule"`
	Where         string       `json:"where"`
	Polygon       [][2]float64 `json:"polygon"`
	MinCount      int          `json:"min_count"`
	MinDuration   float64      `json:"min_duration_s"`
	ClearDuration float64      `json:"clear_duration_s"`
	Episodes      []episode    `json:"episodes"`
}

func (d *benchData) crowdTruthInfo() []crowdTruthInfo {
	out := make([]crowdTruthInfo, 0, len(crowdRules))
	for _, c := range crowdRules {
		info := crowdTruthInfo{
			Rule: c.ID, Where: c.Where, MinCount: c.MinCount, Episodes: d.crowd[c.ID],
			MinDuration: c.MinDuration.Seconds(), ClearDuration: c.ClearDuration.Seconds(),
		}
		for _, p := range c.Polygon {
			info.Polygon = append(info.Polygon, [2]float64{p.X, p.Y})
		}
		out = append(out, info)
	}
	return out
}

// printCrowdTruthLines writes one header line per crowd rule.
func printCrowdTruthLines(w io.Writer, r *report) {
	for _, c := range r.CrowdTruth {
		fmt.Fprintf(w, "truth %s (%s; min_count %d, min_duration %gs, clear_duration %gs): %d episodes: %s\n",
			c.Rule, c.Where, c.MinCount, c.MinDuration, c.ClearDuration, len(c.Episodes), episodeList(c.Episodes))
	}
}

// episodeList formats episodes as "5.3–58.1 s (peak 8), 69.6–113.4 s open (peak 7)".
func episodeList(eps []episode) string {
	if len(eps) == 0 {
		return "none"
	}
	parts := make([]string, len(eps))
	for i, e := range eps {
		open := ""
		if e.Open {
			open = " open"
		}
		parts[i] = fmt.Sprintf("%.1f-%.1f s%s (peak %d)", e.Start, e.End, open, e.Peak)
	}
	return strings.Join(parts, ", ")
}

// printCrowdResult writes the crowd_dwell table of one variant.
func printCrowdResult(w io.Writer, r *result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "crowd_dwell\ttruth\tdet\tmatch\tmiss\tfalse\t|\tmean\tmedian\tmax|e|\t|\tn\tmean\tmedian\tmax|e|\t|\tpeak err\t")
	fmt.Fprintln(tw, "\t\t\t\t\t\t|\tonset s\t\t\t|\tend s\t\t\t\t|\tmean\t")
	for _, c := range r.Crowd {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t|\t%s|\t%d\t%s|\t%s\t\n", c.Rule, c.Truth, c.Detected, c.Matched,
			c.Missed, c.False, statsRow(c.Onset), c.End.N, statsRow(c.End), signedOrDash(c.PeakErr, c.Matched))
	}
	tw.Flush()
}

func statsRow(s errStats) string {
	if s.N == 0 {
		return "-\t-\t-\t"
	}
	return fmt.Sprintf("%+.2f\t%+.2f\t%.2f\t", s.Mean, s.Median, s.MaxAbs)
}

func signedOrDash(x float64, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.2f", x)
}

// printCrowdSummary writes, per variant, matched/truth episodes and false ones per rule.
func printCrowdSummary(w io.Writer, r *report) {
	fmt.Fprintln(w, "\nsummary: crowd_dwell episodes matched/truth (+false), median onset error")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "detector\t")
	for _, c := range crowdRules {
		fmt.Fprintf(tw, "%s\t", c.ID)
	}
	fmt.Fprintln(tw)
	for _, x := range r.Results {
		if x.Status != "ok" {
			fmt.Fprintf(tw, "%s\t%s\t\n", x.Name, x.Status)
			continue
		}
		fmt.Fprintf(tw, "%s\t", x.Name)
		for _, c := range x.Crowd {
			onset := "-"
			if c.Onset.N > 0 {
				onset = fmt.Sprintf("%+.1fs", c.Onset.Median)
			}
			fmt.Fprintf(tw, "%d/%d (+%d) %s\t", c.Matched, c.Truth, c.False, onset)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// printCrowdTruth writes, per crowd rule, the ground-truth count inside its polygon at
// the first frame of every second and the truth episodes (the -crowd-truth output).
func printCrowdTruth(w io.Writer, gt *pets.GT) error {
	truth, err := crowdTruth(gt)
	if err != nil {
		return err
	}
	for _, c := range crowdRules {
		counts := c.truthCounts(gt)
		fmt.Fprintf(w, "%s (%s), polygon %v, min_count %d, min_duration %v, clear_duration %v\n",
			c.ID, c.Where, c.Polygon, c.MinCount, c.MinDuration, c.ClearDuration)
		fmt.Fprintf(w, "  foot points inside at the first frame of each second (max over the clip %d):\n", maxOf(counts))
		for s := 0; s*clipFPS < len(counts); s += 20 {
			fmt.Fprintf(w, "  %3ds:", s)
			for k := s; k < s+20 && k*clipFPS < len(counts); k++ {
				fmt.Fprintf(w, " %d", counts[k*clipFPS])
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  episodes: %d: %s\n\n", len(truth[c.ID]), episodeList(truth[c.ID]))
	}
	return nil
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
