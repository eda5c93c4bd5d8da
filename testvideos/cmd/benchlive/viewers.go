package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sharpeyes/sharpeyes/gateway/whep/whepclient"
)

// viewersWarmup is how long viewers play before frames are counted (ICE, DTLS, the
// cached GOP burst).
const viewersWarmup = 3 * time.Second

// runViewers is the viewers' process: n WHEP viewers on url; it prints "ready" once
// every offer is answered, counts frames over d after viewersWarmup, then prints one
// line "frames <total> min <least per viewer>". It runs apart from the gateway so that
// the gateway's CPU is measured alone.
func runViewers(ctx context.Context, url string, n int, d time.Duration, out io.Writer) error {
	var vs []*whepclient.Viewer
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, v := range vs {
			_ = v.Close(cctx)
		}
	}()
	for range n {
		v, err := whepclient.Dial(ctx, url, whepclient.Options{LoopbackOnly: true, HTTP: &http.Client{Transport: bearer{}}})
		if err != nil {
			return err
		}
		vs = append(vs, v)
	}
	fmt.Fprintln(out, "ready")
	if err := sleep(ctx, viewersWarmup); err != nil {
		return err
	}
	start := make([]int64, len(vs))
	for i, v := range vs {
		start[i] = v.Frames()
	}
	if err := sleep(ctx, d); err != nil {
		return err
	}
	var total, least int64 = 0, -1
	for i, v := range vs {
		f := v.Frames() - start[i]
		total += f
		if least < 0 || f < least {
			least = f
		}
	}
	fmt.Fprintf(out, "frames %d min %d\n", total, least)
	return nil
}

// cpuPhase is the gateway's CPU over one window with n viewers in a child process.
type cpuPhase struct {
	Viewers   int
	Wall, CPU float64 // seconds; CPU of this process (gateway, cameras, broker)
	Frames    int64   // frames all viewers received
	MinFrames int64   // frames of the viewer that got the fewest
}

// measureViewers starts n viewers in a child process, waits for them to play, and
// measures this process's CPU over d.
func measureViewers(ctx context.Context, url string, n int, d time.Duration) (cpuPhase, error) {
	ph := cpuPhase{Viewers: n}
	self, err := os.Executable()
	if err != nil {
		return ph, err
	}
	cmd := exec.CommandContext(ctx, self, "-child-url", url, "-child-n", strconv.Itoa(n), "-duration", d.String())
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return ph, err
	}
	if err := cmd.Start(); err != nil {
		return ph, err
	}
	defer func() { _ = cmd.Wait() }()
	buf := make([]byte, 64)
	k, err := stdout.Read(buf) // "ready" once every viewer has its answer
	if err != nil || !strings.HasPrefix(string(buf[:k]), "ready") {
		return ph, fmt.Errorf("viewers' process: %q %v", buf[:k], err)
	}
	if err := sleep(ctx, viewersWarmup); err != nil {
		return ph, err
	}
	c0, t0 := processCPU(), time.Now()
	if err := sleep(ctx, d); err != nil {
		return ph, err
	}
	ph.CPU, ph.Wall = (processCPU() - c0).Seconds(), time.Since(t0).Seconds()
	rest, err := io.ReadAll(stdout)
	if err != nil {
		return ph, err
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(string(rest)), "frames %d min %d", &ph.Frames, &ph.MinFrames); err != nil {
		return ph, fmt.Errorf("viewers' process said %q: %w", rest, err)
	}
	return ph, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// processCPU is this process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
