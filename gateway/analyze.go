package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/decode"
	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/analytics/track"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
)

// AnalyzeOptions configure an offline run of the pipeline over a clip.
type AnalyzeOptions struct {
	ConfigPath string
	VideoPath  string
	// CameraID selects the camera whose rules and analysis settings apply; default
	// the first camera of the configuration.
	CameraID string
	// Start is the RFC 3339 time of the first frame; default the file's modification time.
	Start string
}

// Analyze runs the live pipeline (decode, detect, track, rules) over a recorded clip
// as fast as the machine allows and writes each alert as one JSON line to out. It
// needs no Kafka and no network. Progress and a summary go to logw.
func Analyze(ctx context.Context, o AnalyzeOptions, out, logw io.Writer) error {
	cfg, err := conf.Load(o.ConfigPath, conf.ModeAnalyze)
	if err != nil {
		return err
	}
	cam, err := pickCamera(cfg, o.CameraID)
	if err != nil {
		return err
	}
	start, err := clipStart(o.Start, o.VideoPath)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opencv.SetThreads(cfg.AnalysisThreads)
	runner := newRuleRunner(cfg, cam, time.Now)
	enc := json.NewEncoder(out)
	var (
		n      int
		encErr error
	)
	t0 := time.Now()
	st, err := runClip(ctx, cfg, cam, runner, o.VideoPath, start, log, func(as []Alert) {
		for i := range as {
			if err := enc.Encode(&as[i]); err != nil && encErr == nil {
				encErr = err
			}
			n++
		}
	})
	if err != nil {
		return err
	}
	if encErr != nil {
		return fmt.Errorf("write alerts: %w", encErr)
	}
	fmt.Fprintf(logw, "analyzed %s: %d frames (%.1f fps source) in %.1fs, %d alerts\n",
		o.VideoPath, st.frames, st.fps, time.Since(t0).Seconds(), n)
	return nil
}

// clipStats describe an analysed clip.
type clipStats struct {
	frames      int     // decoded
	analysed    int     // analysed (at the camera's rate)
	fps         float64 // the clip's own rate
	first, last time.Time
}

// runClip runs the camera's pipeline over a clip as fast as the machine allows,
// feeding runner and handing its alerts to emit; open events end at the last
// analysed frame.
func runClip(ctx context.Context, cfg *conf.Config, cam *conf.Camera, runner *ruleRunner, video string, start time.Time,
	log *slog.Logger, emit func([]Alert)) (clipStats, error) {
	var st clipStats
	fr, err := decode.OpenFile(video, cam.Analysis.Width)
	if err != nil {
		return st, err
	}
	defer fr.Close()
	det := cfg.DetectorFor(cam)
	d, err := newDetector(ctx, det, log)
	if err != nil {
		return st, err
	}
	plates := newPlateCapture(nil, cam.ID, log)
	plates.setRules(cfg, cam.ID)
	defer plates.close()
	p, err := pipeline.New(pipeline.Config{
		CameraID: cam.ID, FPS: cam.Analysis.FPS, Width: cam.Analysis.Width,
		Detector: d, Tracker: track.New(trackerConfig(det)), Logger: log,
		OnResult: func(res *pipeline.Result) {
			if st.first.IsZero() {
				st.first = res.Frame.CaptureTime
			}
			st.last = res.Frame.CaptureTime
			st.analysed++
			emit(runner.process(res, nil))
			if caps := plates.process(ctx, res); len(caps) > 0 {
				emit(runner.plateAlerts(caps, nil))
			}
		},
	})
	if err != nil {
		d.Close()
		return st, err
	}
	defer p.Close()
	if err := p.RunOffline(ctx, fr, start); err != nil {
		return st, err
	}
	if !st.last.IsZero() {
		emit(runner.plateAlerts(plates.finish(st.last), nil))
		emit(runner.finish(st.last))
	}
	st.frames, st.fps = int(fr.Stats().Frames), fr.Info().FPS
	return st, nil
}

func pickCamera(cfg *conf.Config, id string) (*conf.Camera, error) {
	if id == "" {
		if len(cfg.Cameras) == 0 {
			return nil, fmt.Errorf("config has no cameras: analyze needs one for its rules and analysis settings")
		}
		return &cfg.Cameras[0], nil
	}
	cam := cfg.Camera(id)
	if cam == nil {
		return nil, fmt.Errorf("--camera: no camera %q in the config", id)
	}
	return cam, nil
}

func clipStart(s, video string) (time.Time, error) {
	if s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("--start: want an RFC 3339 time such as 2026-01-02T15:04:05Z, got %q", s)
		}
		return t, nil
	}
	fi, err := os.Stat(video)
	if err != nil {
		return time.Time{}, fmt.Errorf("--video: %w", err)
	}
	return fi.ModTime(), nil
}
