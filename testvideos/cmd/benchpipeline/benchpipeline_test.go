package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
)

func TestMain(m *testing.M) {
	opencv.RunModelCheckIfRequested()
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).run"))
}

func TestQuantiles(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	require.Equal(t, []float64{5, 10, 10, 1}, quantiles(xs, 0.5, 0.99, 1, 0))
	require.True(t, math.IsNaN(quantiles(nil, 0.5)[0]))
}

func TestHistogramQuantiles(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "h", Buckets: []float64{0.1, 0.2, 0.4}}, []string{"camera"})
	reg.MustRegister(h)
	for range 50 {
		h.WithLabelValues("a").Observe(0.05) // first bucket
	}
	for range 50 {
		h.WithLabelValues("b").Observe(0.15) // second bucket, another series
	}
	hs, ok := histogram(reg, "h")
	require.True(t, ok)
	require.Equal(t, 100.0, hs.Count)
	require.InDelta(t, 0.1, hs.Mean, 1e-9)
	require.InDelta(t, 0.1, hs.P50, 1e-9, "rank 50 is the top of the first bucket")
	require.InDelta(t, 0.198, hs.P99, 1e-9, "rank 99 is 49/50 into the second bucket")
	_, ok = histogram(reg, "missing")
	require.False(t, ok)
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    options
		wantErr string
	}{
		{name: "defaults", want: options{Cameras: 8, Duration: 30 * time.Second, Warmup: 8 * time.Second, Rates: []float64{5, 10}, Width: 640}},
		{name: "double dash as make passes it", args: []string{"--cameras", "2", "-fps", "5"},
			want: options{Cameras: 2, Duration: 30 * time.Second, Warmup: 8 * time.Second, Rates: []float64{5}, Width: 640}},
		{name: "no cameras", args: []string{"-cameras", "0"}, wantErr: "-cameras"},
		{name: "bad rate", args: []string{"-fps", "5,x"}, wantErr: `bad rate "x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseFlags(c.args)
			if c.wantErr != "" {
				require.ErrorContains(t, err, c.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, o)
		})
	}
}

// TestRunSmoke runs every phase briefly with two cameras and checks that each did
// its work: pictures decoded, frames analysed at the configured rate, a report.
func TestRunSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts simulated cameras, a broker and a gateway")
	}
	o := options{Cameras: 2, Duration: 3 * time.Second, Warmup: time.Second, Rates: []float64{5}, Width: 320, Detector: "motion", JSON: true}
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), o, &stdout, &stderr), stderr.String())
	var rep report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
	require.Equal(t, 2, rep.Cameras)
	require.Greater(t, rep.Idle.Counts.Sent, 0.0)
	require.Greater(t, rep.Decode.DecodedPerCamS, 5.0, "10 fps cameras, generous for a loaded machine")
	require.Len(t, rep.Full, 1)
	f := rep.Full[0]
	require.Equal(t, "motion", f.Detector)
	require.Greater(t, f.AnalysedPerCamS, 2.0)
	require.Greater(t, f.CPUPerCamSecond, 0.0)
	require.Greater(t, f.Analysis.Count, 0.0, "the gateway's analysis histogram was read")
}

func TestFullConfigParses(t *testing.T) {
	e, err := startEnv(context.Background(), 3, 1)
	require.NoError(t, err)
	defer e.close()
	for _, det := range []string{"", "motion"} {
		o := options{Width: 640, Detector: det}
		cfg, err := conf.Parse([]byte(fullConfig(e, o, 5, e.topics[0], t.TempDir())), conf.ModeServe)
		require.NoError(t, err)
		require.Len(t, cfg.Cameras, 3)
		require.Len(t, cfg.Rules, 6)
		for _, r := range cfg.Rules {
			if det == "motion" {
				require.Empty(t, r.Classes)
			} else {
				require.Equal(t, []string{"person"}, r.Classes)
			}
		}
	}
}
