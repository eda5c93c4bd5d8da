package gateway

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/decode"
	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/analytics/track"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// newDetector builds the detector a camera's settings ask for. An ONNX model is
// vetted in a child process first, since OpenCV aborts the process on a model it
// cannot import.
func newDetector(ctx context.Context, d conf.Detector, log *slog.Logger) (analytics.Detector, error) {
	switch d.Kind {
	case "motion":
		return opencv.NewMotion(motionConfig(d))
	case "people":
		return opencv.NewPeople(opencv.PeopleConfig{Motion: motionConfig(d)})
	case "hog":
		return opencv.NewHOG(opencv.HOGConfig{})
	case "onnx":
		det, err := opencv.NewONNX(ctx, opencv.ONNXConfig{
			Path: d.Model.Path, Format: d.Model.Format, InputSize: d.Model.InputSize,
			ScoreThreshold: d.Model.ScoreThreshold, NMSIoU: d.Model.NMSThreshold, Classes: d.Model.Classes,
		})
		if err != nil {
			return nil, fmt.Errorf("detector.model %s: %w", d.Model.Path, err)
		}
		log.Info("onnx detector loaded", "model", d.Model.Path, "format", d.Model.Format, "input_size", d.Model.InputSize)
		return det, nil
	default:
		return nil, fmt.Errorf("detector.kind: unknown detector %q", d.Kind)
	}
}

func motionConfig(d conf.Detector) opencv.MotionConfig {
	mc := opencv.MotionConfig{MinArea: d.Motion.MinArea, Width: d.Motion.Width, Background: d.Motion.Background}
	for _, m := range d.Motion.Masks {
		poly := make([]opencv.Point, len(m))
		for i, p := range m {
			poly[i] = opencv.Point{X: p[0], Y: p[1]}
		}
		mc.Masks = append(mc.Masks, poly)
	}
	return mc
}

func trackerConfig(d conf.Detector) track.Config {
	return track.Config{MaxCoast: d.Track.MaxCoast.D(), MinHits: d.Track.MinHits}
}

// avDecoder adapts the libavcodec decoder to the pipeline's Decoder.
type avDecoder struct{ d *decode.Decoder }

func newDecoder(codec unit.Codec, width int, pool *analytics.FramePool) (pipeline.Decoder, error) {
	d, err := decode.New(codec, width)
	if err != nil {
		return nil, err
	}
	d.UsePool(pool)
	return avDecoder{d}, nil
}

func (a avDecoder) Decode(u *unit.AccessUnit, convert bool) (*analytics.Frame, error) {
	if !convert {
		_, err := a.d.DecodeOnly(u)
		return nil, err
	}
	return a.d.Decode(u)
}

func (a avDecoder) Close() error {
	a.d.Close()
	return nil
}

// checkModels vets, in a child process, every ONNX model a camera of cfg uses (each
// file once), so a model OpenCV cannot import is refused with a clear message
// before any camera starts instead of aborting the gateway.
func checkModels(ctx context.Context, cfg *conf.Config) error {
	seen := map[string]bool{}
	for i := range cfg.Cameras {
		cam := &cfg.Cameras[i]
		d := cfg.DetectorFor(cam)
		if d.Kind != "onnx" || !cam.IsEnabled() {
			continue
		}
		key := d.Model.Format + "\x00" + d.Model.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		if err := opencv.CheckModel(ctx, d.Model.Path, d.Model.Format); err != nil {
			field := "detector.model.path"
			if cam.Analysis.Detector != nil && cam.Analysis.Detector.Model.Path != "" {
				field = fmt.Sprintf("cameras[%d].analysis.detector.model.path", i)
			}
			return fmt.Errorf("%s: %w", field, err)
		}
	}
	return nil
}
