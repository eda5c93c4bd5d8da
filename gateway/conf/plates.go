package conf

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PlateEngines are the accepted plates.engine values.
var PlateEngines = []string{"classic", "onnx"}

// Plates configures how plate rules read plates, and how long plate records are
// kept.
// RecognizerClassic as plates.recognizer of the onnx engine has the classic
// engine read the plates the detector finds.
const RecognizerClassic = "classic"

type Plates struct {
	// Engine: classic (no model files: plate-colour and edge search, character
	// segmentation and a classifier built into the binary; the default) or onnx
	// (a HyperLPR3-style detector and an LPRNet recogniser through OpenCV DNN).
	Engine string `yaml:"engine"`
	// Detector is the onnx engine's plate detector model (HyperLPR3 y5fu).
	Detector string `yaml:"detector"`
	// DetectorSize is the detector's square input side, a multiple of 32 (320).
	DetectorSize int `yaml:"detector_size"`
	// Recognizer is the onnx engine's recogniser model (LPRNet, 94×24 input), or
	// RecognizerClassic: the classic engine reads the plates the detector finds
	// and straightens (no recogniser model).
	Recognizer string `yaml:"recognizer"`
	// Vote: RecognizerClassic has the classic engine read each plate as well
	// as the recogniser model; the two reads are voted character by character
	// by confidence (the most accurate reading of photos measured,
	// docs/BENCHMARKS.md section 4). Empty: the model reads alone.
	Vote string `yaml:"vote"`
	// Charset is the recogniser's class list, one character per line; empty takes
	// LPRNet's order.
	Charset string `yaml:"charset"`
	// Color is an optional plate-colour classifier model (blue/green/yellow);
	// white and black plates are told by their pixels in any case.
	Color string `yaml:"color"`
	// Retention is how long plate records stay searchable (0 keeps them forever).
	Retention Duration `yaml:"retention"`
}

func (c *Config) validatePlates(Mode) error {
	p := &c.Plates
	if !slices.Contains(PlateEngines, p.Engine) {
		return &FieldError{Path: "plates.engine", Msg: fmt.Sprintf("unknown engine %q (%s)", p.Engine, strings.Join(PlateEngines, ", "))}
	}
	if p.Engine == "onnx" {
		if p.Detector == "" {
			return &FieldError{Path: "plates.detector", Msg: "required for the onnx engine (a HyperLPR3 plate detector model)"}
		}
		if p.Recognizer == "" {
			return &FieldError{Path: "plates.recognizer", Msg: "required for the onnx engine (an LPRNet recogniser model, or " + RecognizerClassic + ")"}
		}
	}
	switch {
	case p.Vote == "":
	case p.Vote != RecognizerClassic:
		return &FieldError{Path: "plates.vote", Msg: fmt.Sprintf("unknown reader %q (%s)", p.Vote, RecognizerClassic)}
	case p.Engine != "onnx" || p.Recognizer == RecognizerClassic:
		return &FieldError{Path: "plates.vote", Msg: "needs the onnx engine with a recogniser model to vote with"}
	}
	if p.DetectorSize != 0 && (p.DetectorSize%32 != 0 || p.DetectorSize < 64 || p.DetectorSize > 1280) {
		return &FieldError{Path: "plates.detector_size", Msg: "must be a multiple of 32 between 64 and 1280"}
	}
	if p.Retention < 0 {
		return &FieldError{Path: "plates.retention", Msg: "must not be negative (0 keeps plate records forever)"}
	}
	return nil
}

// defaultPlates are the plate settings without configuration.
func defaultPlates() Plates {
	return Plates{Engine: "classic", DetectorSize: 320, Retention: Duration(90 * 24 * time.Hour)}
}
