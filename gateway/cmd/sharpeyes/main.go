// Command sharpeyes is the Sharp Eyes video-analytics gateway.
//
//	sharpeyes serve   --config FILE            run against the cameras and Kafka of FILE
//	sharpeyes demo    [--clips DIR]            everything in one process: broker, simulated cameras, gateway
//	sharpeyes analyze --config FILE --video F  run the pipeline on a clip, print alerts as JSON lines
//	sharpeyes analyze --image FILE...          read the plates in still images, one JSON line per plate
//	sharpeyes hash-password < PASSWORD         a bcrypt hash for auth.users[].password_hash
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/gateway"
	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/demo"
)

var version = "dev"

func main() {
	// A child started to vet an ONNX model runs the check and exits here.
	opencv.RunModelCheckIfRequested()
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:])
	case "demo":
		err = runDemo(ctx, args[1:])
	case "analyze":
		err = analyze(ctx, args[1:])
	case "hash-password":
		err = hashPassword(os.Stdin, os.Stdout)
	case "version", "--version", "-v":
		fmt.Println("sharpeyes", version)
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "sharpeyes: unknown command %q\n", args[0])
		usage()
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintln(os.Stderr, "sharpeyes:", err)
		return 1
	}
	return 0
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  sharpeyes serve   --config FILE
  sharpeyes demo    [--clips DIR] [--http 127.0.0.1:8080] [--kafka 127.0.0.1:9092] [--rtsp 127.0.0.1:8554]
  sharpeyes analyze --config FILE --video FILE [--camera ID] [--start RFC3339]
  sharpeyes analyze [--config FILE] [--min-height PX] --image FILE...   (plates in still images)
  sharpeyes hash-password < file-holding-the-password   (or type it, then Enter)
  sharpeyes version
`)
}

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	configPath := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *configPath == "" {
		return errors.New("serve: --config is required")
	}
	return gateway.Serve(ctx, *configPath)
}

func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	o := demo.DefaultOptions()
	fs.StringVar(&o.ClipsDir, "clips", o.ClipsDir, "directory with the simulated cameras' clips")
	fs.StringVar(&o.HTTPListen, "http", o.HTTPListen, "gateway HTTP listen address")
	fs.StringVar(&o.KafkaListen, "kafka", o.KafkaListen, "embedded Kafka broker listen address")
	fs.StringVar(&o.RTSPListen, "rtsp", o.RTSPListen, "simulated cameras' RTSP listen address")
	fs.StringVar(&o.DataDir, "data", o.DataDir, "data directory (alert queue, snapshots)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return demo.Run(ctx, o, os.Stdout)
}

func analyze(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	var o gateway.AnalyzeOptions
	fs.StringVar(&o.ConfigPath, "config", "", "configuration file (YAML)")
	fs.StringVar(&o.VideoPath, "video", "", "clip to analyse")
	fs.StringVar(&o.CameraID, "camera", "", "camera whose rules apply (default: the only camera, or the first)")
	fs.StringVar(&o.Start, "start", "", "RFC 3339 time of the clip's first frame (default: the file's modification time)")
	images := fs.Bool("image", false, "read the plates in the still images (JPEG, PNG) named after the flags instead of a clip")
	minHeight := fs.Int("min-height", 0, "with --image: skip plates shorter than this many pixels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *images {
		if len(fs.Args()) == 0 || o.VideoPath != "" {
			return errors.New("analyze --image: name one or more image files after the flags, and no --video")
		}
		return gateway.AnalyzeImages(ctx, gateway.ImageOptions{ConfigPath: o.ConfigPath, Images: fs.Args(), MinHeight: *minHeight}, os.Stdout, os.Stderr)
	}
	if o.ConfigPath == "" || o.VideoPath == "" {
		return errors.New("analyze: --config and --video are required")
	}
	return gateway.Analyze(ctx, o, os.Stdout, os.Stderr)
}

// hashPassword reads one password line and prints its bcrypt hash, for the
// configuration's auth.users[].password_hash. The password is never echoed back.
func hashPassword(in io.Reader, out io.Writer) error {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("hash-password: %w", err)
	}
	h, err := auth.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return fmt.Errorf("hash-password: %w", err)
	}
	_, err = fmt.Fprintln(out, h)
	return err
}
