package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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
