package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

func run(ctx context.Context, o options, out, progress io.Writer) error {
	say := func(format string, a ...any) { fmt.Fprintf(progress, format+"\n", a...) }
	e, err := startEnv(ctx)
	if err != nil {
		return err
	}
	defer e.close()
	if err := waitFor(ctx, 30*time.Second, func() bool { return e.state("cam-warm") == "online" }); err != nil {
		return fmt.Errorf("the analysed camera never came online: %w", err)
	}
	if err := sleep(ctx, 3*time.Second); err != nil { // a full GOP in the cache
		return err
	}
	fmt.Fprintf(out, "benchlive  %s\nmachine: %d CPUs, %s, load average %s; source %s\n",
		time.Now().UTC().Format(time.RFC3339), numCPU(), benchenv.CPUModel(), benchenv.LoadAvg(), benchenv.GitCommit())
	fmt.Fprintf(out, "camera: synth %s %dx%d %d fps, keyframe every 2 s, RTSP on loopback\n\n",
		scene, e.clip.Width, e.clip.Height, e.clip.FPS)

	if o.Plays > 0 {
		say("browser plays (%d warm, %d cold)", o.Plays, o.Plays)
		b, err := newBrowser(ctx, o.Chromium)
		if err != nil {
			return err
		}
		if err := b.login(e.base, benchUser, benchPassword); err != nil {
			b.close()
			return fmt.Errorf("log in: %w", err)
		}
		warm, err := plays(e, b, "440512100", "cam-warm", o.Plays, nil)
		if err == nil {
			idle := func() error {
				return waitFor(ctx, 10*time.Second, func() bool { return e.state("cam-cold") == "idle" })
			}
			var cold []time.Duration
			cold, err = plays(e, b, "440512200", "cam-cold", o.Plays, idle)
			if err == nil {
				fmt.Fprintln(out, "click to first frame (headless Chromium, window.__sharpeyes.firstFrameMs)")
				fmt.Fprintf(out, "%-42s %5s %8s %8s %8s\n", "case", "plays", "p50 ms", "p95 ms", "max ms")
				row(out, "warm: camera pulled (cached GOP)", warm)
				row(out, "cold: camera idle, pulled on the click", cold)
				fs, _ := benchenv.Histogram(e.reg, "sharpeyes_whep_time_to_first_keyframe_seconds")
				fmt.Fprintf(out, "relay: connected to first keyframe sent p50 %.1f ms p99 %.1f ms over %d sessions\n\n",
					fs.P50*1000, fs.P99*1000, int(fs.Count))
			}
		}
		b.close()
		if err != nil {
			return fmt.Errorf("browser plays: %w", err)
		}
	}

	url := e.base + "/api/v1/cameras/cam-warm/whep"
	say("CPU phase without viewers (%v)", o.Duration)
	c0, t0 := processCPU(), time.Now()
	if err := sleep(ctx, o.Duration); err != nil {
		return err
	}
	base := (processCPU() - c0).Seconds() / time.Since(t0).Seconds()
	fmt.Fprintln(out, "relay CPU per viewer (viewers in a separate process; this process: gateway, camera simulator, broker)")
	fmt.Fprintf(out, "baseline without viewers: %.3f CPU s per s (the camera is pulled and analysed anyway)\n", base)
	fmt.Fprintf(out, "%-8s %12s %20s %22s %18s\n", "viewers", "CPU s per s", "added per viewer %", "frames/s per viewer", "min frames/s")
	for _, n := range o.Viewers {
		say("CPU phase with %d viewers (%v)", n, o.Duration)
		ph, err := measureViewers(ctx, url, n, o.Duration)
		if err != nil {
			return fmt.Errorf("%d viewers: %w", n, err)
		}
		rate := ph.CPU / ph.Wall
		window := o.Duration.Seconds()
		fmt.Fprintf(out, "%-8d %12.3f %20.2f %22.1f %18.1f\n", n, rate, 100*(rate-base)/float64(n),
			float64(ph.Frames)/float64(n)/window, float64(ph.MinFrames)/window)
	}
	d, _ := benchenv.Histogram(e.reg, "sharpeyes_whep_capture_to_send_seconds")
	fmt.Fprintf(out, "\nrelay latency, camera capture to RTP sent (live units): p50 %.1f ms p99 %.1f ms mean %.1f ms over %d units\n",
		d.P50*1000, d.P99*1000, d.Mean*1000, int(d.Count))
	fmt.Fprintln(out, "(capture time from the simulated camera's RTCP sender reports; includes RTSP on loopback and depacketisation)")
	return nil
}

// plays runs n browser plays of camera in grid; before each, ready (if set) must hold.
func plays(e *env, b *browser, grid, camera string, n int, ready func() error) ([]time.Duration, error) {
	var out []time.Duration
	for i := range n {
		if err := b.unload(); err != nil {
			return nil, err
		}
		if ready != nil {
			if err := ready(); err != nil {
				return nil, fmt.Errorf("play %d: %w", i+1, err)
			}
		}
		d, err := b.play(e.base, grid, camera, 30*time.Second)
		if err != nil {
			return nil, fmt.Errorf("play %d of %s: %w", i+1, camera, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func row(out io.Writer, name string, ds []time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) float64 { // nearest rank
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return float64(s[min(max(i, 0), len(s)-1)].Microseconds()) / 1000
	}
	fmt.Fprintf(out, "%-42s %5d %8.0f %8.0f %8.0f\n", name, len(s), q(0.5), q(0.95), q(1))
}

func waitFor(ctx context.Context, d time.Duration, ok func() bool) error {
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %v", d)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

func numCPU() int { return runtime.NumCPU() }
