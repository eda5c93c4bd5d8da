package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sharpeyes/sharpeyes/analytics/lpr"
	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// errModelMissing marks an engine that cannot run because a model file is absent.
var errModelMissing = errors.New("model missing")

// engineSpec is one engine the benchmark can run. Open receives the directory of
// the plate models (../shared/models/plate).
type engineSpec struct {
	Name  string
	About string
	Open  func(models string) (plate.Reader, error)
}

// engines lists every engine, in the order they are run and printed.
var engines = []engineSpec{
	{Name: "onnx-320", About: "OpenCV DNN: HyperLPR3 detector 320, LPRNet 94x24, HyperLPR3 colour classifier", Open: onnx(320)},
	{Name: "onnx-640", About: "OpenCV DNN: HyperLPR3 detector 640, LPRNet 94x24, HyperLPR3 colour classifier", Open: onnx(640)},
	{Name: "classic", About: "no model: classical location and segmentation, embedded character classifier", Open: classic},
	{Name: "onnx-320+classic", About: "HyperLPR3 detector 320 finds and straightens, the classic engine reads, HyperLPR3 colour classifier", Open: onnxAndClassic(func(c *opencv.PlateONNXConfig, cl plate.Recognizer) { c.Reader = cl })},
	{Name: "onnx-320+vote", About: "HyperLPR3 detector 320 finds and straightens, LPRNet and the classic engine both read, the reads are voted by character, HyperLPR3 colour classifier", Open: onnxAndClassic(func(c *opencv.PlateONNXConfig, cl plate.Recognizer) { c.Vote = cl })},
}

// onnxAndClassic opens onnx-320 with a classic engine that set places in the
// config (as the reader, or as the vote).
func onnxAndClassic(set func(*opencv.PlateONNXConfig, plate.Recognizer)) func(models string) (plate.Reader, error) {
	return func(models string) (plate.Reader, error) {
		cl, err := lpr.NewClassic(lpr.ClassicOptions{})
		if err != nil {
			return nil, err
		}
		return onnxConfig(320, func(c *opencv.PlateONNXConfig) { set(c, cl) })(models)
	}
}

func onnx(size int) func(models string) (plate.Reader, error) {
	return onnxConfig(size, nil)
}

// onnxConfig opens the onnx engine with the detector at size, the shared
// models, and the changes of mod (when not nil).
func onnxConfig(size int, mod func(*opencv.PlateONNXConfig)) func(models string) (plate.Reader, error) {
	return func(models string) (plate.Reader, error) {
		cfg := opencv.PlateONNXConfig{
			Detector:     filepath.Join(models, fmt.Sprintf("hyperlpr3_y5fu_%dx_sim.onnx", size)),
			DetectorSize: size,
			Recognizer:   filepath.Join(models, "lprnet_94x24.onnx"),
			Charset:      filepath.Join(models, "lprnet_chars.txt"),
			Color:        filepath.Join(models, "hyperlpr3_litemodel_cls_96x_r1.onnx"),
		}
		if mod != nil {
			mod(&cfg)
		}
		need := []string{cfg.Detector, cfg.Recognizer, cfg.Charset, cfg.Color}
		if cfg.Reader != nil {
			need = []string{cfg.Detector, cfg.Color}
		}
		for _, p := range need {
			if _, err := os.Stat(p); err != nil {
				return nil, fmt.Errorf("%w: %s", errModelMissing, p)
			}
		}
		e, err := opencv.NewPlateONNX(cfg)
		if err != nil {
			return nil, err
		}
		return e, nil
	}
}

func classic(string) (plate.Reader, error) {
	e, err := lpr.NewClassic(lpr.ClassicOptions{})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func engineNames() []string {
	out := make([]string, len(engines))
	for i, e := range engines {
		out[i] = e.Name
	}
	return out
}

func engineByName(name string) (engineSpec, bool) {
	for _, e := range engines {
		if e.Name == name {
			return e, true
		}
	}
	return engineSpec{}, false
}
