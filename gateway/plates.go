package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/lpr"
	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/platecap"
	"github.com/sharpeyes/sharpeyes/gateway/store"
	"github.com/sharpeyes/sharpeyes/rules"
)

// newPlateReader builds the configured plate engine. The onnx engine's models are
// first loaded in a child process: OpenCV aborts the process on some files.
func newPlateReader(ctx context.Context, p conf.Plates) (plate.Reader, error) {
	switch p.Engine {
	case "", "classic":
		r, err := newClassic("plates.engine")
		if err != nil {
			return nil, err // not a nil *lpr.Classic in the interface
		}
		return r, nil
	case "onnx":
		cfg := opencv.PlateONNXConfig{
			Detector: p.Detector, DetectorSize: p.DetectorSize, Recognizer: p.Recognizer, Charset: p.Charset, Color: p.Color,
		}
		if p.Recognizer == conf.RecognizerClassic {
			cl, err := newClassic("plates.recognizer")
			if err != nil {
				return nil, err
			}
			cfg.Recognizer, cfg.Charset, cfg.Reader = "", "", cl
		}
		if p.Vote == conf.RecognizerClassic {
			cl, err := newClassic("plates.vote")
			if err != nil {
				return nil, err
			}
			cfg.Vote = cl
		}
		for _, m := range []struct{ field, path, format string }{
			{"plates.detector", cfg.Detector, opencv.FormatHyperLPR3},
			{"plates.recognizer", cfg.Recognizer, opencv.FormatLPRNet},
			{"plates.color", cfg.Color, opencv.FormatPlateColor},
		} {
			if m.path == "" {
				continue
			}
			if err := opencv.CheckModelSize(ctx, m.path, m.format, plateModelSize(m.format, p)); err != nil {
				return nil, fmt.Errorf("%s: %w", m.field, err)
			}
		}
		r, err := opencv.NewPlateONNX(cfg)
		if err != nil {
			return nil, fmt.Errorf("plates: %w", err)
		}
		return r, nil
	default:
		return nil, fmt.Errorf("plates.engine: unknown engine %q", p.Engine)
	}
}

// newClassic opens the classic engine for the config field that asked for it.
func newClassic(field string) (*lpr.Classic, error) {
	r, err := lpr.NewClassic(lpr.ClassicOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s classic: %w", field, err)
	}
	return r, nil
}

// plateModelSize is the input size a plate model is checked at: the configured
// detector size, or 0 (the format's fixed input) for the others.
func plateModelSize(format string, p conf.Plates) int {
	if format == opencv.FormatHyperLPR3 {
		return p.DetectorSize
	}
	return 0
}

// plateCapture runs a camera's plate rules on its analysis goroutine. The stage
// and its engine are built when a plate rule first needs them and live as long
// as the pipeline; setRules may come from any goroutine.
type plateCapture struct {
	g      *Gateway
	camera string
	log    *slog.Logger

	mu       sync.Mutex
	rules    []rules.Rule
	settings conf.Plates
	stage    *platecap.Stage
	// retryAt is when to try building a failed engine again.
	retryAt time.Time
}

// plateRetry is how long a camera waits before building a failed engine again.
const plateRetry = 30 * time.Second

func newPlateCapture(g *Gateway, camera string, log *slog.Logger) *plateCapture {
	return &plateCapture{g: g, camera: camera, log: log}
}

// setRules hands the camera's rules and the plate settings to the stage.
func (pc *plateCapture) setRules(cfg *conf.Config, camera string) {
	rs := plateRules(cfg.RulesFor(camera))
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.rules, pc.settings = rs, cfg.Plates
	if pc.stage != nil {
		pc.stage.SetRules(rs)
	}
}

// plateRules keeps the enabled plate rules.
func plateRules(rs []rules.Rule) []rules.Rule {
	var out []rules.Rule
	for _, r := range rs {
		if r.Type == rules.TypePlate && r.Enabled {
			out = append(out, r)
		}
	}
	return out
}

// ready returns the stage, building it if plate rules need one; nil when no
// plate rule is in force or the engine cannot be built now.
func (pc *plateCapture) ready(ctx context.Context, now time.Time) *platecap.Stage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.rules) == 0 {
		return pc.stage // may be nil; an existing stage has no rules then
	}
	if pc.stage != nil || now.Before(pc.retryAt) {
		return pc.stage
	}
	r, err := newPlateReader(ctx, pc.settings)
	if err != nil {
		pc.retryAt = now.Add(plateRetry)
		pc.log.Error("plate engine failed to start; plate rules wait", "err", err, "retry_in", plateRetry)
		return nil
	}
	st, err := platecap.New(platecap.Options{Camera: pc.camera, Reader: r})
	if err != nil {
		r.Close()
		pc.log.Error("plate capture failed to start", "err", err)
		return nil
	}
	st.SetRules(pc.rules)
	pc.stage = st
	pc.log.Info("plate engine ready", "engine", r.Engine())
	return st
}

// close ends the stage (its engine with it); open passes are dropped.
func (pc *plateCapture) close() {
	pc.mu.Lock()
	st := pc.stage
	pc.stage = nil
	pc.mu.Unlock()
	if st != nil {
		st.Close()
	}
}

// process reads the plates of one analysed frame and returns the finished passes.
func (pc *plateCapture) process(ctx context.Context, res *pipeline.Result) []platecap.Capture {
	st := pc.ready(ctx, time.Now())
	if st == nil {
		return nil
	}
	f := res.Frame
	caps, err := st.Process(platecap.Frame{Time: f.CaptureTime, Pic: framePicture(f), Vehicles: vehicles(res)})
	if err != nil {
		pc.log.Warn("plate reading failed", "err", err)
	}
	return caps
}

// finish ends every open pass at the end of a clip.
func (pc *plateCapture) finish(t time.Time) []platecap.Capture {
	pc.mu.Lock()
	st := pc.stage
	pc.mu.Unlock()
	if st == nil {
		return nil
	}
	return st.Finish(t)
}

func framePicture(f *analytics.Frame) plate.Picture {
	return plate.Picture{W: f.Width, H: f.Height, Pix: f.Pix}
}

func vehicles(res *pipeline.Result) []platecap.Vehicle {
	out := make([]platecap.Vehicle, 0, len(res.Tracks))
	for _, t := range res.Tracks {
		out = append(out, platecap.Vehicle{TrackID: t.ID, Class: t.Class, Score: t.Score, Box: t.Box})
	}
	return out
}

// plateImages saves a capture's scene and plate crop as JPEGs and returns their
// URLs ("" for one that could not be saved: the alert still goes out).
func (g *Gateway) plateImages(camera string, c platecap.Capture, log *slog.Logger) (scene, crop string) {
	if g.snaps == nil {
		return "", ""
	}
	save := func(p plate.Picture, suffix string) string {
		if !p.Valid() {
			return ""
		}
		img, err := opencv.EncodeJPEG(&analytics.Frame{Width: p.W, Height: p.H, Pix: p.Pix}, g.Config().Snapshots.Quality)
		if err != nil {
			log.Warn("plate image encoding failed", "err", err)
			return ""
		}
		name, err := g.snaps.Save(fmt.Sprintf("%s-%d-%s", camera, c.Time.UnixMilli(), suffix), img)
		if err != nil {
			log.Warn("plate image not saved", "err", err)
			return ""
		}
		return g.publicURL() + "/snapshots/" + name
	}
	return save(c.Scene, "scene"), save(c.Crop, "plate-"+c.EventID[:8])
}

// plateRecord is the database row of a published plate alert.
func plateRecord(a *Alert) store.PlateRecord {
	p := a.Plate
	rec := store.PlateRecord{
		EventID: a.EventID, Camera: a.Camera.ID, RuleID: a.Rule.ID,
		Text: p.Text, Display: p.Display, Conf: p.Confidence, CharConf: p.CharConfidences,
		PassTime: a.captured, CropURL: p.CropURL, SnapshotURL: a.SnapshotURL,
	}
	if a.Grid != nil {
		rec.Grid = a.Grid.Code
	}
	rec.Color, _ = plate.ParseColor(p.Color) // kind and GA type: the store derives them
	rec.PlateBox, _ = json.Marshal(p.BBox)
	if len(a.Objects) > 0 {
		rec.VehicleBox, _ = json.Marshal(a.Objects[0].BBox)
	}
	if h := a.ListHit; h != nil {
		rec.Hit = &plate.Hit{List: h.List, Name: h.Name, Entry: plate.Entry{Text: h.Entry, Note: h.Note}, Distance: h.Distance}
	}
	return rec
}
