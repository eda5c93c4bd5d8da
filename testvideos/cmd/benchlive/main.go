// Command benchlive measures live view: click-to-first-frame in headless Chromium
// (warm: the camera is already pulled; cold: the camera starts on the click), the
// relay's CPU per viewer with 1, 10 and 50 WHEP viewers on one camera, and the
// capture-to-send delay the relay adds. `make bench-live` runs it; results go to
// docs/BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
)

type options struct {
	Plays    int
	Viewers  []int
	Duration time.Duration
	Chromium string
	// child mode: play URL with N viewers for Duration, then print frames
	ChildURL string
	ChildN   int
}

func main() {
	opencv.RunModelCheckIfRequested()
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "benchlive:", err)
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.ChildURL != "" {
		err = runViewers(ctx, o.ChildURL, o.ChildN, o.Duration, os.Stdout)
	} else {
		err = run(ctx, o, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchlive:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("benchlive", flag.ContinueOnError)
	var o options
	var viewers string
	fs.IntVar(&o.Plays, "plays", 20, "browser plays per case (warm and cold)")
	fs.StringVar(&viewers, "viewers", "1,10,50", "viewer counts for the CPU phases")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "measured time per CPU phase")
	fs.StringVar(&o.Chromium, "chromium", "/usr/bin/chromium", "headless browser for the click-to-first-frame plays")
	fs.StringVar(&o.ChildURL, "child-url", "", "internal: run as the viewers' process on this WHEP URL")
	fs.IntVar(&o.ChildN, "child-n", 0, "internal: number of viewers in the viewers' process")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(viewers, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return o, fmt.Errorf("-viewers: bad count %q", s)
		}
		o.Viewers = append(o.Viewers, n)
	}
	if o.Plays < 0 || o.Duration <= 0 {
		return o, errors.New("-plays must be ≥ 0 and -duration positive")
	}
	return o, nil
}
