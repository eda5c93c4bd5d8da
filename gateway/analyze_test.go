package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// alertSchema compiles docs/alert.schema.json, the documented contract.
func alertSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("..", "docs", "alert.schema.json"))
	require.NoError(t, err)
	return sch
}

func validateAlert(t *testing.T, sch *jsonschema.Schema, line []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
	require.NoError(t, err)
	require.NoError(t, sch.Validate(v), "alert does not match docs/alert.schema.json: %s", line)
}

// TestAnalyzeMatchesTruth runs the offline command over the synthetic tripwire clip:
// frame times are offsets from --start, every crossing of the ground truth is
// reported once with its direction within one analysis interval, the short stay in
// the zone does not fire, and every line is a valid alert document.
func TestAnalyzeMatchesTruth(t *testing.T) {
	clip := synth.ForTest(t, "tripwire-basic")
	cfgPath := filepath.Join(t.TempDir(), "analyze.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte("cameras:\n  - {id: cam-1, name: 测试}\nrules:"+tripwireRules), 0o600))
	var out, logs bytes.Buffer
	err := Analyze(context.Background(), AnalyzeOptions{
		ConfigPath: cfgPath, VideoPath: clip.Path, Start: "1970-01-01T00:00:00Z",
	}, &out, &logs)
	require.NoError(t, err, logs.String())
	sch := alertSchema(t)
	var crossings []Alert
	var intrusions []Alert
	first := out.String()
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		validateAlert(t, sch, sc.Bytes())
		var a Alert
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
		require.Empty(t, a.SnapshotURL, "analyze serves no snapshots")
		switch a.Type {
		case "tripwire":
			crossings = append(crossings, a)
		case "intrusion":
			intrusions = append(intrusions, a)
		}
	}
	require.Len(t, crossings, len(clip.Truth.Crossings))
	for i, c := range clip.Truth.Crossings {
		ft, err := time.Parse(timeLayout, crossings[i].FrameTime)
		require.NoError(t, err)
		off := ft.Sub(time.Unix(0, 0)).Seconds()
		require.Equal(t, string(c.Direction), crossings[i].Direction)
		require.InDelta(t, c.T+0.1, off, 0.2, "crossing %d: reported at %.2fs, truth %.2fs", i, off, c.T)
	}
	require.Len(t, intrusions, 2, "one long stay: start and end")
	require.Equal(t, intrusions[0].EventID, intrusions[1].EventID)
	require.Contains(t, logs.String(), "analyzed")

	// Analysing the same clip again yields the same event ids.
	var again bytes.Buffer
	require.NoError(t, Analyze(context.Background(), AnalyzeOptions{
		ConfigPath: cfgPath, VideoPath: clip.Path, Start: "1970-01-01T00:00:00Z",
	}, &again, &logs))
	require.Equal(t, eventIDs(first), eventIDs(again.String()))
}

func eventIDs(jsonl string) []string {
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var a Alert
		if json.Unmarshal([]byte(l), &a) == nil {
			ids = append(ids, a.EventID)
		}
	}
	return ids
}

func TestAnalyzeErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "c.yaml")
	require.NoError(t, os.WriteFile(good, []byte("cameras:\n  - {id: clip}\n"), 0o600))
	for _, tc := range []struct {
		name string
		o    AnalyzeOptions
		want string
	}{
		{"missing video", AnalyzeOptions{ConfigPath: good, VideoPath: filepath.Join(dir, "nope.mp4")}, "nope.mp4"},
		{"bad start", AnalyzeOptions{ConfigPath: good, VideoPath: good, Start: "yesterday"}, "--start"},
		{"unknown camera", AnalyzeOptions{ConfigPath: good, VideoPath: good, CameraID: "cam-x"}, `--camera: no camera "cam-x"`},
		{"not a video", AnalyzeOptions{ConfigPath: good, VideoPath: good, Start: "1970-01-01T00:00:00Z"}, "c.yaml"},
		{"missing config", AnalyzeOptions{ConfigPath: filepath.Join(dir, "none.yaml"), VideoPath: good}, "read config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, logs bytes.Buffer
			err := Analyze(context.Background(), tc.o, &out, &logs)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, out.String())
		})
	}
}

// TestAnalyzeCrowdDwell runs crowd_dwell and loitering rules over the synthetic
// crowd clip with the YOLOX-nano model (standing people fade into a background
// model, so a crowd needs a detector that sees them standing): one crowd episode,
// started min_duration after the truth's crowd formed and ended clear_duration after
// it broke up, with its count; one loitering event per person who stayed.
func TestAnalyzeCrowdDwell(t *testing.T) {
	model := filepath.Join("..", "..", "shared", "models", "detect", "yolox_nano.onnx")
	if _, err := os.Stat(model); err != nil {
		t.Skipf("test material missing: %s (../shared is not beside this checkout): %v", model, err)
	}
	abs, err := filepath.Abs(model)
	require.NoError(t, err)
	clip := synth.ForTest(t, synth.SceneCrowd)
	require.Len(t, clip.Truth.Crowds, 1)
	truth := clip.Truth.Crowds[0]
	cfg := fmt.Sprintf(`detector: {kind: onnx, model: {path: %q, format: yolox}}
cameras:
  - {id: cam-1, name: 广场}
rules:
  - {id: gather, name: 广场聚集, camera: cam-1, type: crowd_dwell, classes: [person], min_count: %d,
     min_duration: 3s, clear_duration: 2s, polygon: [[0.2, 0.42], [0.8, 0.42], [0.8, 0.9], [0.2, 0.9]]}
  - {id: linger, name: 广场逗留, camera: cam-1, type: loitering, classes: [person], min_duration: 8s,
     polygon: [[0.2, 0.42], [0.8, 0.42], [0.8, 0.9], [0.2, 0.9]]}
`, abs, truth.MinCount)
	cfgPath := filepath.Join(t.TempDir(), "crowd.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))
	var out, logs bytes.Buffer
	require.NoError(t, Analyze(context.Background(), AnalyzeOptions{
		ConfigPath: cfgPath, VideoPath: clip.Path, Start: "1970-01-01T00:00:00Z",
	}, &out, &logs), logs.String())

	sch := alertSchema(t)
	var crowd, linger []Alert
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		validateAlert(t, sch, sc.Bytes())
		var a Alert
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
		switch a.Type {
		case "crowd_dwell":
			crowd = append(crowd, a)
		case "loitering":
			linger = append(linger, a)
		}
	}
	offset := func(a Alert) float64 {
		ft, err := time.Parse(timeLayout, a.FrameTime)
		require.NoError(t, err)
		return ft.Sub(time.Unix(0, 0)).Seconds()
	}
	require.Len(t, crowd, 2, "one episode: start and end (the count never rose above its start)")
	start, end := crowd[0], crowd[1]
	require.Equal(t, "start", start.Action)
	require.Equal(t, "end", end.Action)
	require.Equal(t, start.EventID, end.EventID)
	require.InDelta(t, truth.FirstT+3, offset(start), 0.5, "start: crowd formed at %.1fs + min_duration", truth.FirstT)
	require.InDelta(t, truth.LastT+2, offset(end), 0.6, "end: crowd broke up after %.1fs + clear_duration", truth.LastT)
	require.Equal(t, truth.MinCount, *start.Count)
	require.Equal(t, truth.MaxCount, *end.PeakCount)
	require.Len(t, start.Objects, truth.MinCount)

	starts := 0
	for _, a := range linger {
		if a.Action == "start" {
			starts++
		}
	}
	require.Equal(t, len(clip.Truth.Intrusions), starts, "each person who stayed over 8 s loitered once")
}
