package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"text/tabwriter"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

// report is everything the benchmark prints (also its -json shape).
type report struct {
	Date     string        `json:"date"`
	Machine  machine       `json:"machine"`
	Cameras  int           `json:"cameras"`
	Duration float64       `json:"phase_seconds"`
	Clip     string        `json:"clip"`
	ClipFPS  float64       `json:"clip_fps"`
	Width    int           `json:"analysis_width"`
	Idle     phaseResult   `json:"idle"`
	Decode   phaseResult   `json:"decode_only"`
	Full     []phaseResult `json:"full"`
	// StampAheadMax and StampAheadN: see env.aheadMax.
	StampAheadMax float64 `json:"sim_stamp_ahead_max_seconds"`
	StampAheadN   int64   `json:"sim_stamps_ahead"`
}

// phaseResult is one measured phase.
type phaseResult struct {
	Name     string   `json:"name"`
	FPS      float64  `json:"analysis_fps,omitempty"`
	Detector string   `json:"detector,omitempty"`
	Span     span     `json:"span"`
	Counts   counters `json:"counts"`
	// CPUPerCamSecond is (CPU - idle CPU rate * wall) / (cameras * wall).
	CPUPerCamSecond float64 `json:"cpu_per_camera_second"`
	// Ratio is CPUPerCamSecond over the decode-only phase's.
	Ratio float64 `json:"ratio_to_decode_only,omitempty"`
	// Rates per camera-second.
	SentPerCamS     float64 `json:"sent_per_camera_second"`
	DecodedPerCamS  float64 `json:"decoded_per_camera_second"`
	AnalysedPerCamS float64 `json:"analysed_per_camera_second"`
	Alerts          int     `json:"alerts,omitempty"`
	// Analysis is sharpeyes_analysis_duration_seconds: detect + track per frame
	// (wall time on the camera's analysis goroutine, over the gateway's life).
	Analysis histSummary `json:"analysis_duration"`
	// LatencyConsumer is receive time at a Kafka consumer minus frame_time.
	LatencyConsumer latencySummary `json:"latency_consumer"`
	// LatencyMetric is the gateway's sharpeyes_alert_latency_seconds (capture to ack).
	LatencyMetric histSummary `json:"latency_metric"`
}

// keptUp tells whether a full phase analysed at its configured rate (within 5 %).
func (p *phaseResult) keptUp() bool {
	want := min(p.FPS, p.SentPerCamS)
	return p.AnalysedPerCamS >= 0.95*want
}

type latencySummary struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_seconds"`
	P99   float64 `json:"p99_seconds"`
	Max   float64 `json:"max_seconds"`
}

// finish derives the per-camera-second figures once every phase is in.
func (r *report) finish() {
	idleRate := r.Idle.Span.CPU / r.Idle.Span.Wall
	perCam := func(p *phaseResult) {
		cs := float64(r.Cameras) * p.Span.Wall
		p.CPUPerCamSecond = (p.Span.CPU - idleRate*p.Span.Wall) / cs
		p.SentPerCamS = p.Counts.Sent / cs
		p.DecodedPerCamS = p.Counts.Decoded / cs
		p.AnalysedPerCamS = p.Counts.Analysed / cs
	}
	perCam(&r.Idle)
	r.Idle.CPUPerCamSecond = idleRate / float64(r.Cameras)
	perCam(&r.Decode)
	for i := range r.Full {
		perCam(&r.Full[i])
		r.Full[i].Ratio = r.Full[i].CPUPerCamSecond / r.Decode.CPUPerCamSecond
	}
}

// machine describes where the benchmark ran.
type machine struct {
	CPUs         int    `json:"cpus"`
	CPUModel     string `json:"cpu_model"`
	GOMAXPROCS   int    `json:"gomaxprocs"`
	LoadAvg      string `json:"loadavg_before"`
	LoadAvgAfter string `json:"loadavg_after"`
	// Commit is the source tree: git's short HEAD, "-dirty" with local changes.
	Commit string `json:"commit"`
}

func machineInfo() machine {
	return machine{
		CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPUModel: benchenv.CPUModel(),
		LoadAvg: benchenv.LoadAvg(), Commit: benchenv.GitCommit(),
	}
}

func printReport(w io.Writer, r *report) {
	fmt.Fprintf(w, "benchpipeline  %s\n", r.Date)
	fmt.Fprintf(w, "machine: %d CPUs (GOMAXPROCS %d), %s, load average before %s, after %s; source %s\n",
		r.Machine.CPUs, r.Machine.GOMAXPROCS, r.Machine.CPUModel, r.Machine.LoadAvg, r.Machine.LoadAvgAfter, r.Machine.Commit)
	fmt.Fprintf(w, "cameras: %d x %s, analysis width %d, %.0f s measured per phase\n\n", r.Cameras, r.Clip, r.Width, r.Duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phase\tdetector\twall s\tCPU s\tCPU s per cam-s\tvs decode\tsent/cam-s\tdecoded/cam-s\tanalysed/cam-s\tdropped\tskipped\terrors\t")
	fmt.Fprintf(tw, "idle\t\t%.1f\t%.2f\t(%.4f)\t\t%.2f\t\t\t\t\t\t\n", r.Idle.Span.Wall, r.Idle.Span.CPU, r.Idle.CPUPerCamSecond, r.Idle.SentPerCamS)
	for _, p := range append([]phaseResult{r.Decode}, r.Full...) {
		ratio, analysed := "", ""
		if p.Ratio != 0 {
			ratio = fmt.Sprintf("x%.2f", p.Ratio)
		}
		if p.FPS != 0 {
			analysed = fmt.Sprintf("%.2f", p.AnalysedPerCamS)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.2f\t%.4f\t%s\t%.2f\t%.2f\t%s\t%.0f\t%.0f\t%.0f\t\n", p.Name, p.Detector,
			p.Span.Wall, p.Span.CPU, p.CPUPerCamSecond, ratio, p.SentPerCamS, p.DecodedPerCamS, analysed,
			p.Counts.Dropped, p.Counts.Skipped, p.Counts.Errors)
	}
	tw.Flush()
	for _, p := range r.Full {
		fmt.Fprintf(w, "%s: detect+track %.1f ms per frame (mean over %.0f frames, sharpeyes_analysis_duration_seconds)\n",
			p.Name, p.Analysis.Mean*1000, p.Analysis.Count)
	}
	fmt.Fprintln(w, "\nCPU s per cam-s subtracts the idle phase's CPU rate (simulated cameras + broker); target: full <= 2x decode-only")
	for _, p := range r.Full {
		if !p.keptUp() {
			fmt.Fprintf(w, "WARNING: %s analysed %.2f frames per camera-second, short of %g: the machine did not keep up, so its CPU figure understates the cost\n",
				p.Name, p.AnalysedPerCamS, min(p.FPS, p.SentPerCamS))
		}
	}
	if r.Decode.SentPerCamS < 0.95*r.ClipFPS {
		fmt.Fprintf(w, "WARNING: the simulated cameras sent %.2f pictures per camera-second, short of %g: the machine is overloaded\n",
			r.Decode.SentPerCamS, r.ClipFPS)
	}
	fmt.Fprintln(w, "\nalert latency (capture to publish)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phase\tconsumer n\tp50 s\tp99 s\tmax s\tmetric n\tmetric p50 s\tmetric p99 s\tmetric mean s\t")
	for _, p := range r.Full {
		c, m := p.LatencyConsumer, p.LatencyMetric
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t\n", p.Name, c.Count, f3(c.P50, c.Count), f3(c.P99, c.Count),
			f3(c.Max, c.Count), m.Count, f3(m.P50, int(m.Count)), f3(m.P99, int(m.Count)), f3(m.Mean, int(m.Count)))
	}
	tw.Flush()
	fmt.Fprintln(w, "consumer: receive time at a Kafka consumer in this process minus the alert's frame_time (whole gateway lifetime);")
	fmt.Fprintln(w, "metric: sharpeyes_alert_latency_seconds (frame capture to Kafka ack), quantiles interpolated within its buckets")
	fmt.Fprintf(w, "simulated cameras: %d pictures stamped more than 1 ms after they were sent (max %.1f ms); such stamps make latency read low\n",
		r.StampAheadN, r.StampAheadMax*1000)
}

// f3 formats a latency in seconds, "-" when it summarises no samples.
func f3(x float64, n int) string {
	if n == 0 || math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.3f", x)
}
