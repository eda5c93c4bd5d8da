package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

// processCPU is the CPU time (user + system) this process has used so far.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// span is one measured interval.
type span struct {
	Wall float64 `json:"wall_seconds"`
	CPU  float64 `json:"cpu_seconds"`
}

// counters are the progress counts of a phase, summed over cameras.
type counters struct {
	Sent     float64 `json:"sent"`     // pictures the simulated cameras sent
	Decoded  float64 `json:"decoded"`  // pictures decoded
	Analysed float64 `json:"analysed"` // frames run through detection and tracking
	Skipped  float64 `json:"skipped"`  // decoded frames replaced in the analysis mailbox
	Dropped  float64 `json:"dropped"`  // units dropped by the analysis reader's ring
	Errors   float64 `json:"errors"`   // decode and detect errors
}

func (c counters) sub(o counters) counters {
	return counters{
		Sent: c.Sent - o.Sent, Decoded: c.Decoded - o.Decoded, Analysed: c.Analysed - o.Analysed,
		Skipped: c.Skipped - o.Skipped, Dropped: c.Dropped - o.Dropped, Errors: c.Errors - o.Errors,
	}
}

// measure waits d and returns the wall and process CPU time it took, and how far the
// counters read moved meanwhile. With profile set it also writes a Go CPU profile
// of that time there (cgo time is charged to the Go function that called C; C
// threads of libavcodec and OpenCV are not sampled).
func measure(ctx context.Context, d time.Duration, read func() counters, profile string) (span, counters, error) {
	stop, err := startProfile(profile)
	if err != nil {
		return span{}, counters{}, err
	}
	sp, n, err := measureSpan(ctx, d, read)
	if perr := stop(); err == nil {
		err = perr
	}
	return sp, n, err
}

func measureSpan(ctx context.Context, d time.Duration, read func() counters) (span, counters, error) {
	c0, err := processCPU()
	if err != nil {
		return span{}, counters{}, err
	}
	t0 := time.Now()
	n0 := read()
	if err := wait(ctx, d); err != nil {
		return span{}, counters{}, err
	}
	n1 := read()
	c1, err := processCPU()
	if err != nil {
		return span{}, counters{}, err
	}
	return span{Wall: time.Since(t0).Seconds(), CPU: (c1 - c0).Seconds()}, n1.sub(n0), nil
}

// startProfile starts a CPU profile into path ("" profiles nothing) and returns
// the function that stops it and closes the file.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// profilePath is where phase's CPU profile goes ("" when not profiling).
func (o options) profilePath(phase string) string {
	if o.CPUProfile == "" {
		return ""
	}
	return filepath.Join(o.CPUProfile, strings.ReplaceAll(phase, "@", "-")+".pprof")
}

// wait blocks for d unless ctx ends first.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitFor polls cond every 100 ms until it holds, ctx ends or limit passes.
func waitFor(ctx context.Context, limit time.Duration, what string, cond func() bool) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("%s: not within %v", what, limit)
		case <-tick.C:
		}
	}
	return nil
}

// quantiles returns the p-quantiles of xs (nearest rank); NaN when xs is empty.
func quantiles(xs []float64, ps ...float64) []float64 {
	out := make([]float64, len(ps))
	s := slices.Clone(xs)
	slices.Sort(s)
	for i, p := range ps {
		if len(s) == 0 {
			out[i] = math.NaN()
			continue
		}
		k := int(math.Ceil(p*float64(len(s)))) - 1
		out[i] = s[max(0, min(k, len(s)-1))]
	}
	return out
}

// counterSum adds up every series of a counter family in reg (0 when absent).
func counterSum(reg prometheus.Gatherer, name string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		return math.NaN()
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// histSummary is a histogram merged over its series (see benchenv.Histogram).
type histSummary = benchenv.HistSummary

func histogram(reg prometheus.Gatherer, name string) (histSummary, bool) {
	return benchenv.Histogram(reg, name)
}
