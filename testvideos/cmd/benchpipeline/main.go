// Command benchpipeline measures what the analytics pipeline costs on top of decoding:
// CPU seconds per camera-second of the full gateway against decode-only, in one process
// and one run, plus capture-to-publish alert latency. Everything runs in-process on
// loopback: a simulated RTSP camera server looping the synthetic tripwire clip on N
// paths and an in-process Kafka-protocol broker (kfake).
//
// Phases, each measured over -duration after the cameras are online and a warm-up:
//
//	idle         simulated cameras and broker only (subtracted from the others)
//	decode-only  N rtspsource.Supervisor -> streams.Stream -> Reader -> decode.DecodeOnly
//	full@FPS     gateway.New with N cameras, tripwire + intrusion rules, alerts to Kafka
//
//	go run ./testvideos/cmd/benchpipeline -cameras 8 -duration 30s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

// options are the command-line settings.
type options struct {
	Cameras  int
	Duration time.Duration
	Warmup   time.Duration
	Rates    []float64
	Width    int
	Detector string
	JSON     bool
	// AlertsFile, when set, receives every consumed alert with its latency (JSON lines).
	AlertsFile string
	// CPUProfile, when set, is a directory that receives a Go CPU profile of each
	// phase's measured time (cgo time is charged to the Go function that called C).
	CPUProfile string
}

func main() {
	// The gateway vets ONNX models in a child process started from this binary.
	opencv.RunModelCheckIfRequested()
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "benchpipeline:", err)
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchpipeline:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("benchpipeline", flag.ContinueOnError)
	o := options{}
	var rates string
	fs.IntVar(&o.Cameras, "cameras", 8, "simulated cameras (640x360, 10 fps)")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "measured time per phase")
	// The default warm-up outlasts the default detector's start-up (the running
	// median learns from 30 frames, 6 s at 5 fps), so phases measure the steady state.
	fs.DurationVar(&o.Warmup, "warmup", 8*time.Second, "time after all cameras are online before measuring")
	fs.StringVar(&rates, "fps", "5,10", "comma-separated analysis rates, one full phase each")
	fs.IntVar(&o.Width, "width", 640, "analysis width")
	fs.StringVar(&o.Detector, "detector", "", "detector kind for the full phases (default: the configuration default)")
	fs.BoolVar(&o.JSON, "json", false, "print the results as JSON")
	fs.StringVar(&o.AlertsFile, "alerts", "", "append every consumed alert with its latency to this file (JSON lines)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of each phase's measured time into this directory (PHASE.pprof)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.Cameras < 1 {
		return o, fmt.Errorf("-cameras: want at least 1, got %d", o.Cameras)
	}
	if o.Duration <= 0 {
		return o, fmt.Errorf("-duration: want a positive duration, got %v", o.Duration)
	}
	for _, s := range strings.Split(rates, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			return o, fmt.Errorf("-fps: bad rate %q", s)
		}
		o.Rates = append(o.Rates, r)
	}
	if len(o.Rates) == 0 {
		return o, errors.New("-fps: give at least one analysis rate")
	}
	return o, nil
}

func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	phases := time.Duration(2 + len(o.Rates))
	defer watchdog(phases*(o.Duration+o.Warmup+onlineLimit) + 2*time.Minute)()
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	env, err := startEnv(ctx, o.Cameras, len(o.Rates))
	if err != nil {
		return err
	}
	defer env.close()
	rep := report{
		Date: time.Now().UTC().Format(time.RFC3339), Machine: machineInfo(), Cameras: o.Cameras,
		Duration: o.Duration.Seconds(), Clip: env.clipDesc(), ClipFPS: float64(env.clip.FPS), Width: o.Width,
	}
	progress("phase idle (%v)", o.Duration)
	if rep.Idle, err = idlePhase(ctx, env, o); err != nil {
		return err
	}
	progress("phase decode-only (%v)", o.Duration)
	if rep.Decode, err = decodePhase(ctx, env, o); err != nil {
		return err
	}
	for i, r := range o.Rates {
		progress("phase full at %g fps (%v)", r, o.Duration)
		fr, err := fullPhase(ctx, env, o, r, env.topics[i])
		if err != nil {
			return err
		}
		rep.Full = append(rep.Full, fr)
	}
	rep.StampAheadMax = max(0, time.Duration(env.aheadMax.Load()).Seconds())
	rep.StampAheadN = env.aheadN.Load()
	rep.finish()
	rep.Machine.LoadAvgAfter = benchenv.LoadAvg()
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(&rep)
	}
	printReport(stdout, &rep)
	return nil
}

// watchdog ends the process with a goroutine dump if the benchmark is still running
// after limit (a hung phase should not hang make bench). It returns its stop function.
func watchdog(limit time.Duration) func() bool {
	t := time.AfterFunc(limit, func() {
		fmt.Fprintf(os.Stderr, "benchpipeline: still running after %v, giving up; goroutines:\n", limit)
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
		os.Exit(3)
	})
	return t.Stop
}
