package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

// clipStart is the --start given to analyze: frame_time minus it is the clip time.
var clipStart = time.Unix(0, 0).UTC()

// runSpec is what every variant run shares.
type runSpec struct {
	bin, dir, models string
	width            int
	tol              float64
}

// alertLine is the part of an alert document the benchmark reads.
type alertLine struct {
	Type      string `json:"type"`
	Action    string `json:"action"`
	FrameTime string `json:"frame_time"`
	Rule      struct {
		ID string `json:"id"`
	} `json:"rule"`
	Direction string `json:"direction"`
	EventID   string `json:"event_id"`
	PeakCount int    `json:"peak_count"`
}

// runVariant runs the binary for one variant and scores its alerts. Failures that
// belong to the variant (missing model, a detector kind the binary lacks) become an
// "n/a" row rather than an error.
func runVariant(ctx context.Context, rs runSpec, v variant, d *benchData) result {
	res := result{Name: v.Name, Kind: v.Kind, Class: v.Class}
	if v.Kind == "onnx" {
		p, err := v.modelPath(rs.models)
		if err == nil {
			_, err = os.Stat(p)
		}
		if err != nil {
			res.Status = "n/a (model missing: " + filepath.Join(rs.models, v.Model) + ")"
			return res
		}
	}
	alerts, err := analyze(ctx, rs, v, d.clip.Path, &res)
	if err != nil {
		res.Status = "n/a (" + err.Error() + ")"
		return res
	}
	res.Status = "ok"
	res.Realtime = d.clipSeconds() / res.WallSeconds
	res.CPUPerClipSecond = res.CPUSeconds / d.clipSeconds()
	scoreAlerts(&res, alerts, d, rs.tol)
	return res
}

// analyze writes the variant's configuration, runs `sharpeyes analyze` and returns
// its alerts, recording wall and CPU time in res.
func analyze(ctx context.Context, rs runSpec, v variant, video string, res *result) ([]alertLine, error) {
	vdir := filepath.Join(rs.dir, v.Name)
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return nil, err
	}
	doc, err := v.configYAML(rs.models, filepath.Join(vdir, "data"), rs.width)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(vdir, "sharpeyes.yaml")
	if err := os.WriteFile(cfgPath, []byte(doc), 0o644); err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, rs.bin, "analyze", "--config", cfgPath, "--video", video,
		"--camera", "pets", "--start", clipStart.Format(time.RFC3339))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err = cmd.Run()
	res.WallSeconds = time.Since(t0).Seconds()
	if cmd.ProcessState != nil {
		res.CPUSeconds = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	_ = os.WriteFile(filepath.Join(vdir, "alerts.jsonl"), stdout.Bytes(), 0o644)
	_ = os.WriteFile(filepath.Join(vdir, "stderr.txt"), stderr.Bytes(), 0o644)
	if err != nil {
		return nil, fmt.Errorf("analyze failed: %s", lastLine(stderr.String(), err))
	}
	return parseAlerts(&stdout)
}

func lastLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	ls := strings.Split(s, "\n")
	return strings.TrimPrefix(ls[len(ls)-1], "sharpeyes: ")
}

func parseAlerts(r io.Reader) ([]alertLine, error) {
	var out []alertLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var a alertLine
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("alert line %d is not JSON: %w", n, err)
		}
		out = append(out, a)
	}
	return out, sc.Err()
}

// clipTime converts an alert's frame_time to seconds from the clip start.
func clipTime(a alertLine) (float64, error) {
	t, err := time.Parse(time.RFC3339Nano, a.FrameTime)
	if err != nil {
		return 0, fmt.Errorf("alert frame_time %q: %w", a.FrameTime, err)
	}
	return t.Sub(clipStart).Seconds(), nil
}

// scoreAlerts fills the per-line, overall, intrusion and crowd_dwell scores of res.
func scoreAlerts(res *result, alerts []alertLine, d *benchData, tol float64) {
	var crossings, starts []score.Crossing
	var crowd []crowdMsg
	for _, a := range alerts {
		t, err := clipTime(a)
		if err != nil {
			res.Status = "n/a (" + err.Error() + ")"
			return
		}
		switch {
		case a.Type == "tripwire" && a.Action == "pulse":
			crossings = append(crossings, score.Crossing{Line: a.Rule.ID, T: t, Direction: a.Direction})
		case a.Type == "intrusion" && a.Action == "start":
			starts = append(starts, score.Crossing{Line: a.Rule.ID, T: t})
		case a.Type == "crowd_dwell":
			crowd = append(crowd, crowdMsg{Rule: a.Rule.ID, EventID: a.EventID, Action: a.Action, T: snapToFrame(t), Peak: a.PeakCount})
		}
	}
	res.Alerts = len(alerts)
	var allTruth []score.Crossing
	for _, l := range lines {
		truth := d.crossings[l.Name]
		allTruth = append(allTruth, truth...)
		var pred []score.Crossing
		for _, c := range crossings {
			if c.Line == l.Name {
				pred = append(pred, c)
			}
		}
		res.Lines = append(res.Lines, lineScore(l.Name, pred, truth, tol))
	}
	res.Overall = lineScore("both", crossings, allTruth, tol)
	for _, t := range sensitivityTols {
		rep := score.Score(crossings, allTruth, t)
		res.Sensitivity = append(res.Sensitivity, tolF1{Tol: t, Directed: rep.Directed.F1, Undirected: rep.Undirected.F1})
	}
	res.Intrusion = lineScore(zoneRule, starts, d.episodes, zoneTol)
	det := buildEpisodes(crowd, d.clipEnd())
	for _, c := range crowdRules {
		res.Crowd = append(res.Crowd, scoreEpisodes(c.ID, d.crowd[c.ID], det[c.ID]))
	}
}

// snapToFrame rounds a clip time to the nearest frame time. Alert times are frame
// times written to the millisecond (19 s comes out as 18.999), while the crowd truth
// uses exact frame times; snapping keeps a rounding millisecond out of the errors.
func snapToFrame(t float64) float64 { return math.Round(t*clipFPS) / clipFPS }

// sensitivityTols are the tolerances the overall F1 is also reported at, to show
// how much the choice of tolerance matters.
var sensitivityTols = []float64{0.5, 1, 2}

// zoneTol is the tolerance for intrusion starts: the tracker needs a few frames to
// confirm a person before their stay starts counting, so starts lag more than
// crossings do.
const zoneTol = 2.0

func lineScore(name string, pred, truth []score.Crossing, tol float64) lineResult {
	rep := score.Score(pred, truth, tol)
	return lineResult{
		Line: name, Truth: len(truth), Pred: len(pred),
		Directed: fromScore(rep.Directed), Undirected: fromScore(rep.Undirected),
	}
}
