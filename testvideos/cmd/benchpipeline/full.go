package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sharpeyes/sharpeyes/gateway"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

// rulesFor are gateway/e2e_test.go's tripwireRules for one camera: a tripwire across
// the clip's walkway and the intrusion zone, with rule ids made unique per camera.
// classSuffix is ", classes: [person]" or "" for the class-less motion detector.
func rulesFor(cam, classSuffix string) string {
	return fmt.Sprintf(`  - {id: fence-%[1]s, name: 河堤电子围栏, camera: %[1]s, type: tripwire,
     line: [[0.0, 0.60], [1.0, 0.60]], direction: both%[2]s}
  - {id: zone-%[1]s, name: 仓库禁区, camera: %[1]s, type: intrusion,
     polygon: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]], min_duration: 2s%[2]s}
`, cam, classSuffix)
}

// fullConfig is the gateway configuration of one full phase.
func fullConfig(e *env, o options, fps float64, topic, dataDir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "http: {listen: \"127.0.0.1:0\"}\nkafka: {brokers: [%q], topic: %q, write_timeout: 2s}\ndata_dir: %q\n",
		e.broker.ListenAddrs()[0], topic, dataDir)
	if o.Detector != "" {
		fmt.Fprintf(&b, "detector: {kind: %s}\n", o.Detector)
	}
	classes := ", classes: [person]"
	if o.Detector == "motion" {
		classes = ""
	}
	b.WriteString("cameras:\n")
	for _, p := range e.paths {
		fmt.Fprintf(&b, "  - {id: %s, url: %q, analysis: {fps: %g, width: %d}}\n", p, e.cams.URL(p), fps, o.Width)
	}
	b.WriteString("rules:\n")
	for _, p := range e.paths {
		b.WriteString(rulesFor(p, classes))
	}
	return b.String()
}

// fullPhase runs the whole gateway on every camera at one analysis rate, consuming
// its alerts from the broker, and reads its metrics from a registry of our own.
func fullPhase(ctx context.Context, e *env, o options, fps float64, topic string) (phaseResult, error) {
	res := phaseResult{Name: fmt.Sprintf("full@%gfps", fps), FPS: fps}
	dataDir, err := os.MkdirTemp("", "benchpipeline-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dataDir)
	cfg, err := conf.Parse([]byte(fullConfig(e, o, fps, topic, dataDir)), conf.ModeServe)
	if err != nil {
		return res, fmt.Errorf("benchmark configuration: %w", err)
	}
	res.Detector = cfg.Detector.Kind
	cons, err := startConsumer(e.broker.ListenAddrs(), topic)
	if err != nil {
		return res, err
	}
	defer cons.stop()
	reg := prometheus.NewRegistry()
	gw, err := gateway.New(cfg, gateway.Options{Logger: benchenv.QuietLogger(), Registry: reg})
	if err != nil {
		return res, fmt.Errorf("start gateway: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			gw.Close()
		}
	}()
	online := func() bool {
		for _, c := range gw.Cameras() {
			if c.State != "online" {
				return false
			}
		}
		return true
	}
	if err := waitFor(ctx, onlineLimit, "gateway cameras online", online); err != nil {
		return res, err
	}
	if err := wait(ctx, o.Warmup); err != nil {
		return res, err
	}
	res.Span, res.Counts, err = measure(ctx, o.Duration, func() counters {
		n := readPipeCounters(reg)
		n.Sent = e.counters().Sent
		return n
	}, o.profilePath(res.Name))
	if err != nil {
		return res, err
	}
	// The sink unregisters its series on Close: read the histogram first.
	res.LatencyMetric, _ = histogram(reg, "sharpeyes_alert_latency_seconds")
	res.Analysis, _ = histogram(reg, "sharpeyes_analysis_duration_seconds")
	delivered := counterSum(reg, "sharpeyes_alerts_delivered_total")
	closed = true
	if err := gw.Close(); err != nil {
		return res, fmt.Errorf("close gateway: %w", err)
	}
	// Everything delivered before the histogram was read should reach the consumer.
	_ = waitFor(ctx, 5*time.Second, "consumer catching up", func() bool { return float64(cons.count()) >= delivered })
	if o.AlertsFile != "" {
		if err := appendReceipts(o.AlertsFile, res.Name, cons.receipts()); err != nil {
			return res, err
		}
	}
	lat := cons.latencies()
	res.Alerts = len(lat)
	if len(lat) > 0 { // no alerts: zeros with Count 0 (JSON has no NaN)
		q := quantiles(lat, 0.5, 0.99, 1)
		res.LatencyConsumer = latencySummary{Count: len(lat), P50: q[0], P99: q[1], Max: q[2]}
	}
	return res, nil
}

// readPipeCounters reads the gateway's analysis counters, summed over cameras.
func readPipeCounters(reg prometheus.Gatherer) counters {
	return counters{
		Decoded:  counterSum(reg, "sharpeyes_frames_decoded_total"),
		Analysed: counterSum(reg, "sharpeyes_frames_analysed_total"),
		Skipped:  counterSum(reg, "sharpeyes_frames_skipped_total"),
		Dropped:  counterSum(reg, "sharpeyes_stream_reader_dropped_total"),
		Errors:   counterSum(reg, "sharpeyes_decode_errors_total") + counterSum(reg, "sharpeyes_detect_errors_total"),
	}
}

// appendReceipts adds one phase's received alerts to path as JSON lines.
func appendReceipts(path, phase string, rs []receipt) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("-alerts: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, r := range rs {
		if err := enc.Encode(struct {
			Phase string `json:"phase"`
			receipt
		}{phase, r}); err != nil {
			f.Close()
			return fmt.Errorf("-alerts: %w", err)
		}
	}
	return f.Close()
}
