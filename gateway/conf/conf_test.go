package conf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

func TestIssueConfigLoadsUnchanged(t *testing.T) {
	c, err := Load("testdata/issue.good.yaml", ModeServe)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.HTTP.Listen)
	require.Equal(t, []string{"127.0.0.1:9092"}, c.Kafka.Brokers)
	require.Equal(t, "sharpeyes.alerts", c.Kafka.Topic)
	require.Len(t, c.Grids, 3)
	require.Equal(t, "第3网格", c.Grids[2].Name)
	require.Equal(t, [2]float64{116.7290, 23.2860}, c.Grids[2].Polygon[0])
	cam := c.Camera("cam-hd-001")
	require.NotNil(t, cam)
	require.Equal(t, "河渡路口", cam.Name)
	require.Equal(t, 5.0, cam.Analysis.FPS)
	require.Equal(t, 640, cam.Analysis.Width)
	require.Equal(t, 1, c.AnalysisThreads, "default: one OpenCV thread per call")
	require.Equal(t, 15*time.Second, c.Live.IdleTimeout.D(), "live defaults")
	require.Equal(t, 256, c.Live.WebRTC.QueueSize)
	require.Equal(t, 10*time.Second, c.Live.UI.TourDwell.D())
	require.Equal(t, &Location{Lat: 23.2871, Lon: 116.7305}, cam.Location)
	require.Len(t, c.Rules, 2)
	fence := c.Rules[0]
	require.Equal(t, rules.TypeTripwire, fence.Type)
	require.Equal(t, [2]rules.Point{{X: 0.10, Y: 0.60}, {X: 0.90, Y: 0.60}}, fence.Line)
	require.Equal(t, rules.DirectionBoth, fence.Direction)
	require.Equal(t, []string{"person"}, fence.Classes)
	require.True(t, fence.Enabled)
	zone := c.Rules[1]
	require.Equal(t, rules.TypeIntrusion, zone.Type)
	require.Equal(t, 2*time.Second, zone.MinDuration)
	require.Len(t, zone.Polygon, 4)
	require.Len(t, c.RulesFor("cam-hd-001"), 2)
}

func TestFullConfig(t *testing.T) {
	c, err := Load("testdata/full.good.yaml", ModeServe)
	require.NoError(t, err)
	a := c.Camera("cam-a")
	require.Equal(t, "rtsp://admin:p%40ss@10.0.0.5:554/Streaming/Channels/101", a.URL.Raw())
	require.NotContains(t, a.URL.String(), "p%40ss")
	d := c.DetectorFor(a)
	require.Equal(t, "motion", d.Kind, "camera override")
	require.Equal(t, 0.002, d.Motion.MinArea)
	require.Equal(t, "median", d.Motion.Background, "motion background override")
	require.Equal(t, "/models/yolox_nano.onnx", d.Model.Path, "unset override fields inherit")
	require.Equal(t, map[int]string{0: "person", 2: "car"}, d.Model.Classes)
	require.False(t, c.Camera("cam-b").IsEnabled())
	require.Equal(t, 5*time.Second, c.Rules[0].Cooldown)
	require.Equal(t, 0, c.AnalysisThreads, "an explicit 0 (one per CPU) is kept")
	require.Equal(t, 30*time.Second, c.Live.IdleTimeout.D())
	require.Equal(t, ":8189", c.Live.WebRTC.UDPListen)
	require.Equal(t, []string{"stun:stun.example.org:3478"}, c.Live.WebRTC.ICEServers[0].URLs)
	require.Equal(t, 512, c.Live.WebRTC.QueueSize)
	require.Equal(t, "达濠综治中心", c.Live.UI.Title)
	require.Equal(t, 8*time.Second, c.Live.UI.TourDwell.D())
	require.Equal(t, "onnx", c.Plates.Engine)
	require.Equal(t, 320, c.Plates.DetectorSize, "default input size")
	require.Equal(t, 365*24*time.Hour, c.Plates.Retention.D())
	gate := c.Rules[1]
	require.Equal(t, rules.TypePlate, gate.Type)
	require.Equal(t, 5*time.Minute, gate.DedupeWindow)
	require.Equal(t, "盗抢", gate.Lists[0].Entries[1].Note)
}

func TestBadConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/*.bad.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".bad.yaml"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			first, _, _ := strings.Cut(string(b), "\n")
			want, ok := strings.CutPrefix(first, "# error: ")
			require.True(t, ok, "bad fixture must start with '# error: <expected>'")
			_, err = Parse(b, ModeServe)
			require.Error(t, err)
			require.Contains(t, err.Error(), want)
			require.NotContains(t, err.Error(), "secret", "errors never show passwords")
		})
	}
}

func TestAnalyzeModeNeedsNoURL(t *testing.T) {
	doc := []byte("cameras:\n  - {id: clip}\nrules:\n  - {id: r, name: r, camera: clip, type: tripwire, line: [[0, 0.6], [1, 0.6]]}\n")
	_, err := Parse(doc, ModeServe)
	require.ErrorContains(t, err, "cameras[0].url: required")
	c, err := Parse(doc, ModeAnalyze)
	require.NoError(t, err)
	require.Equal(t, 5.0, c.Cameras[0].Analysis.FPS)
}

func TestEnvOverrides(t *testing.T) {
	c := Default()
	env := map[string]string{
		EnvKafkaBrokers: "10.1.1.1:9092, 10.1.1.2:9092",
		EnvHTTPListen:   "0.0.0.0:9000",
		EnvDataDir:      "/var/lib/x",
	}
	require.NoError(t, c.applyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	require.Equal(t, []string{"10.1.1.1:9092", "10.1.1.2:9092"}, c.Kafka.Brokers)
	require.Equal(t, "0.0.0.0:9000", c.HTTP.Listen)
	require.Equal(t, "/var/lib/x", c.DataDir)
	env[EnvKafkaBrokers] = " , "
	require.ErrorContains(t, c.applyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }), EnvKafkaBrokers)
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"rtsp://admin:secret@host:554/p", "rtsp://admin:xxxxx@host:554/p"},
		{"rtsp://host/p", "rtsp://host/p"},
		{"rtsp://admin@host/p", "rtsp://admin@host/p"},
		{"rtsp://a:b:c@host%zz/p", "rtsp://a:xxxxx@host%zz/p"},
	} {
		require.Equal(t, tc.want, Redact(tc.in), tc.in)
	}
}

// FuzzConfig feeds arbitrary documents to the parser: it must never panic, and a
// document that parses must survive a YAML round trip to an equal configuration.
func FuzzConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, ModeAnalyze)
		if err != nil {
			return
		}
		out, err := yaml.Marshal(c)
		require.NoError(t, err)
		c2, err := Parse(out, ModeAnalyze)
		if err != nil {
			// Redacted URLs (xxxxx) still parse; anything else is a round-trip bug.
			t.Fatalf("re-parse of marshalled config failed: %v\n%s", err, out)
		}
		require.Equal(t, len(c.Cameras), len(c2.Cameras))
		require.Equal(t, len(c.Rules), len(c2.Rules))
		require.Equal(t, len(c.Grids), len(c2.Grids))
	})
}

func TestGridFromLocation(t *testing.T) {
	b, err := os.ReadFile("testdata/issue.good.yaml")
	require.NoError(t, err)
	doc := strings.Replace(string(b), `    grid: "440512001002003"`+"\n", "", 1)
	require.NotContains(t, doc, `grid: "440512001002003"`)
	doc = strings.Replace(doc, "cameras:\n", "cameras:\n  - {id: far-away, url: rtsp://127.0.0.1/x, location: {lat: 22.5, lon: 114.0}}\n", 1)
	c, err := Parse([]byte(doc), ModeServe)
	require.NoError(t, err)
	require.Equal(t, "440512001002003", c.Camera("cam-hd-001").Grid, "found by point-in-polygon")
	require.Empty(t, c.Camera("far-away").Grid, "outside every grid polygon")
}
