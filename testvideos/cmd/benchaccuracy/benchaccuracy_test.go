package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/testvideos/pets"
	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

func TestVariantConfigsLoad(t *testing.T) {
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			doc, err := v.configYAML("../shared/models", t.TempDir(), 768)
			require.NoError(t, err)
			cfg, err := conf.Parse([]byte(doc), conf.ModeAnalyze)
			require.NoError(t, err, doc)
			require.Equal(t, v.Kind, cfg.Detector.Kind)
			require.Len(t, cfg.Cameras, 1)
			require.Equal(t, float64(clipFPS), cfg.Cameras[0].Analysis.FPS)
			require.Len(t, cfg.Rules, 3+len(crowdRules))
			crowd, err := crowdRulesFor(v.Class)
			require.NoError(t, err)
			require.Equal(t, crowd, cfg.Rules[3:], "the binary gets exactly the crowd rules the truth is evaluated with (bar the class)")
			for _, r := range cfg.Rules {
				if v.Class == "" {
					require.Empty(t, r.Classes, "motion only reports class object")
				} else {
					require.Equal(t, []string{v.Class}, r.Classes)
				}
			}
			if v.Kind == "onnx" {
				require.True(t, filepath.IsAbs(cfg.Detector.Model.Path))
				require.Equal(t, v.InputSize, cfg.Detector.Model.InputSize)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		want       []string
		crowdTruth bool
		wantErr    string
	}{
		{name: "default runs every variant", args: nil, want: variantNames()},
		{name: "crowd truth only", args: []string{"-crowd-truth"}, want: variantNames(), crowdTruth: true},
		{name: "subset", args: []string{"-detectors", "motion, yolox-416"}, want: []string{"motion", "yolox-416"}},
		{name: "unknown", args: []string{"-detectors", "motion,nope"}, wantErr: `unknown variant "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseFlags(c.args)
			if c.wantErr != "" {
				require.ErrorContains(t, err, c.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, o.Detectors)
			require.Equal(t, c.crowdTruth, o.CrowdTruth)
			require.Equal(t, "bin/sharpeyes", o.Bin)
		})
	}
}

// TestScoreAlerts feeds alert lines shaped like analyze's output and checks the
// conversion to crossings: time from frame_time, line from rule id, only pulses.
func TestScoreAlerts(t *testing.T) {
	d := &benchData{
		crossings: map[string][]score.Crossing{
			"line-a": {{Line: "line-a", T: 2.0, Direction: "a_to_b"}, {Line: "line-a", T: 10.0, Direction: "b_to_a"}},
			"line-b": {{Line: "line-b", T: 5.0, Direction: "a_to_b"}},
		},
		episodes: []score.Crossing{{Line: zoneRule, T: 20}},
	}
	in := `{"type":"tripwire","action":"pulse","frame_time":"1970-01-01T00:00:02.285Z","rule":{"id":"line-a"},"direction":"a_to_b"}
{"type":"tripwire","action":"pulse","frame_time":"1970-01-01T00:00:10.400Z","rule":{"id":"line-a"},"direction":"a_to_b"}
{"type":"tripwire","action":"pulse","frame_time":"1970-01-01T00:00:30.000Z","rule":{"id":"line-b"},"direction":"a_to_b"}
{"type":"intrusion","action":"start","frame_time":"1970-01-01T00:00:21.000Z","rule":{"id":"zone"}}
{"type":"intrusion","action":"end","frame_time":"1970-01-01T00:00:25.000Z","rule":{"id":"zone"}}
`
	alerts, err := parseAlerts(strings.NewReader(in))
	require.NoError(t, err)
	var res result
	scoreAlerts(&res, alerts, d, 1.0)
	require.Equal(t, 5, res.Alerts)
	a, b := res.Lines[0], res.Lines[1]
	require.Equal(t, metrics{TP: 1, FP: 1, FN: 1, Precision: 0.5, Recall: 0.5, F1: 0.5, MeanAbsDT: 0.285, MeanDT: 0.285},
		roundMetrics(a.Directed), "the 10.4 s crossing has the wrong direction")
	require.Equal(t, 2, a.Undirected.TP)
	require.Equal(t, metrics{FP: 1, FN: 1, Precision: 0, Recall: 0}, roundMetrics(b.Directed), "30 s is far from 5 s")
	require.Equal(t, 1, res.Overall.Directed.TP)
	require.Equal(t, 3, res.Overall.Pred)
	require.Equal(t, 1, res.Intrusion.Undirected.TP, "starts count, ends do not")
	require.Len(t, res.Sensitivity, len(sensitivityTols))
}

func roundMetrics(m metrics) metrics {
	r := func(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }
	m.Precision, m.Recall, m.F1, m.MeanAbsDT, m.MeanDT = r(m.Precision), r(m.Recall), r(m.F1), r(m.MeanAbsDT), r(m.MeanDT)
	return m
}

// TestIntrusionStarts: a stay counts once it has lasted zoneDwell without a break.
func TestIntrusionStarts(t *testing.T) {
	// Foot point inside the zone: x centre 0.7*768, bottom 0.4*576.
	in := func(frame, id int) string {
		return strings.Join([]string{strconv.Itoa(frame), strconv.Itoa(id), "527.6", "130.4", "20", "100", "1", "-1", "-1", "-1"}, ",")
	}
	out := func(frame, id int) string {
		return strings.Join([]string{strconv.Itoa(frame), strconv.Itoa(id), "10", "10", "20", "100", "1", "-1", "-1", "-1"}, ",")
	}
	var lines []string
	for f := 1; f <= 20; f++ { // track 1: inside for 20 frames (2.7 s): one start at 2 s
		lines = append(lines, in(f, 1))
	}
	for f := 1; f <= 12; f++ { // track 2: 12 frames inside, out, 12 again: never 2 s
		lines = append(lines, in(f, 2))
	}
	lines = append(lines, out(13, 2))
	for f := 14; f <= 25; f++ {
		lines = append(lines, in(f, 2))
	}
	gt, err := pets.ParseGT(strings.NewReader(strings.Join(lines, "\n")))
	require.NoError(t, err)
	starts := intrusionStarts(gt)
	require.Len(t, starts, 1)
	require.InDelta(t, 14.0/7, starts[0].T, 1e-9, "entered at video frame 0, 14 frames later")
}

// TestEndToEndMotion runs the real binary on PETS with the cheapest detector and
// checks the report is complete. It needs the evaluation data and a built binary.
func TestEndToEndMotion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the sharpeyes binary on the PETS clip")
	}
	if _, err := pets.GTPath(); err != nil {
		t.Skipf("PETS ground truth missing: %v", err)
	}
	if _, err := pets.VideoPath(); err != nil {
		t.Skipf("PETS clip missing: %v", err)
	}
	root, err := pets.RepoRoot()
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "sharpeyes")
	build := exec.Command("go", "build", "-o", bin, "./gateway/cmd/sharpeyes")
	build.Dir = root
	outb, err := build.CombinedOutput()
	require.NoError(t, err, "%s", outb)

	var stdout, stderr bytes.Buffer
	o := options{Bin: bin, Models: filepath.Join(t.TempDir(), "no-models"), Width: 320, Tol: 1,
		Detectors: []string{"motion", "yolox-416"}, JSON: true}
	require.NoError(t, run(context.Background(), o, &stdout, &stderr), stderr.String())
	var rep report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
	require.Len(t, rep.Results, 2)
	m := rep.Results[0]
	require.Equal(t, "ok", m.Status)
	require.Equal(t, [3]int{20, 8, 12}, rep.Truth["line-a"])
	require.Equal(t, [3]int{31, 18, 13}, rep.Truth["line-b"])
	require.Greater(t, m.Overall.Directed.F1, 0.5, "motion finds most PETS crossings")
	require.Contains(t, rep.Results[1].Status, "n/a (model missing")
	require.Len(t, rep.CrowdTruth, len(crowdRules))
	require.Len(t, m.Crowd, len(crowdRules))
	for i, c := range m.Crowd {
		require.Equal(t, crowdRules[i].ID, c.Rule)
		require.Equal(t, len(rep.CrowdTruth[i].Episodes), c.Truth)
		require.Equal(t, c.Truth, c.Matched+c.Missed)
		require.Equal(t, c.Detected, c.Matched+c.False)
	}
	require.Positive(t, m.Crowd[0].Matched, "motion sees the walking crowd on the paved area")
	_, err = os.Stat(bin)
	require.NoError(t, err)
}
