package opencv

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// PlateONNX defaults.
const (
	DefaultPlateDetectorSize = 320
	DefaultPlateMinConf      = 0.25
	// DefaultPlateMinHeight is the smallest plate height in pixels Read keeps
	// when the caller passes 0: smaller plates cannot be read.
	DefaultPlateMinHeight = 10
)

// Second detector pass (PlateONNX.refineBox): a window of plateRefine plate
// widths, run only when it is at least plateRefineGain times smaller than the
// region searched.
const (
	plateRefine     = 3.0
	plateRefineGain = 1.5
)

// PlateONNXConfig configures a PlateONNX. Zero fields take the defaults.
type PlateONNXConfig struct {
	// Detector is a HyperLPR3 y5fu plate detector (box, 4 corners, one or two
	// rows). Optional: without it Read fails and Recognize still works.
	Detector string
	// DetectorSize is the detector's square input side, a multiple of 32; it
	// must match the model (the HyperLPR3 files are fixed at 320 or 640).
	DetectorSize int
	// Recognizer is an LPRNet-style CTC recogniser (94×24 input, [classes, T]
	// output). Required unless Reader is set.
	Recognizer string
	// Reader, when set, reads each rectified plate instead of the recogniser
	// model (Recognizer and Charset are then ignored): the detector finds and
	// straightens plates, another engine reads them (such as lpr's classic
	// engine, which reads photos better than the LPRNet weights; see
	// docs/BENCHMARKS.md). The colour still comes from this engine. The engine
	// does not close it.
	Reader plate.Recognizer
	// Vote, when set with a recogniser model, reads each plate too, and the two
	// reads are voted character by character by confidence, as the frames of
	// one vehicle pass are (plate.Consensus). The engine does not close it.
	Vote plate.Recognizer
	// Charset is a file listing the recogniser's classes, one character per
	// line, blank last (lprnet_chars.txt). Empty means the built-in LPRNet order.
	Charset string
	// Color is an optional plate colour classifier (blue, green, yellow).
	// Without it the colour comes from plate.ClassifyColor alone.
	Color string
	// MinDetectConf is the detector score (objectness × row-type probability)
	// a plate needs, 0–1.
	MinDetectConf float64
	// GreedyDecode reads the recogniser's output with plain greedy CTC instead
	// of the beam search constrained by the plate grammar (for comparison).
	GreedyDecode bool
	// SingleView reads each plate once instead of averaging the recogniser
	// over three views of it (as it is, with a little more and a little less
	// margin): a third of the recogniser's time, fewer plates read right.
	SingleView bool
}

func (c *PlateONNXConfig) setDefaults() {
	if c.DetectorSize == 0 {
		c.DetectorSize = DefaultPlateDetectorSize
	}
	if c.MinDetectConf == 0 {
		c.MinDetectConf = DefaultPlateMinConf
	}
}

func (c *PlateONNXConfig) validate() error {
	switch {
	case c.Recognizer == "" && c.Reader == nil:
		return errors.New("recognizer: required")
	case c.DetectorSize < 32 || c.DetectorSize%32 != 0:
		return fmt.Errorf("detector_size %d: want a positive multiple of 32", c.DetectorSize)
	case c.MinDetectConf < 0 || c.MinDetectConf > 1 || math.IsNaN(c.MinDetectConf):
		return fmt.Errorf("min_detect_conf %g: want 0–1", c.MinDetectConf)
	}
	return nil
}

// PlateONNX finds and reads Chinese plates with ONNX models through OpenCV
// DNN: a HyperLPR3 detector, an LPRNet recogniser and an optional colour
// classifier. It implements plate.Reader and plate.Recognizer, owns one Net per
// model and is not safe for concurrent use: one per camera worker.
type PlateONNX struct {
	cfg    PlateONNXConfig
	closed bool
	det    *plateDetector   // nil without a detector
	rec    *plateRecognizer // nil when cfg.Reader reads
	col    *plateColorer
	// splitRows reads the two rows of a two-row plate one by one instead of
	// side by side (measured in TestPlateEval; side by side is the default).
	splitRows bool
	// expandW and expandH widen the detector's quad (plateExpandW, plateExpandH).
	expandW, expandH float64
	// refine is the side of the window, in plate widths, in which a second
	// detector pass sharpens each plate's corners; 0 turns it off.
	refine float64
}

var (
	_ plate.Reader     = (*PlateONNX)(nil)
	_ plate.Recognizer = (*PlateONNX)(nil)
)

// NewPlateONNX validates the config, checks each model in a child process (see
// CheckModel), loads them and runs one warm-up forward each.
func NewPlateONNX(cfg PlateONNXConfig) (*PlateONNX, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("plate onnx: %w", err)
	}
	e := &PlateONNX{cfg: cfg, col: &plateColorer{hsvMin: plateColorHSVMin}, expandW: plateExpandW, expandH: plateExpandH, refine: plateRefine}
	if err := e.load(); err != nil {
		_ = e.Close()
		return nil, fmt.Errorf("plate onnx: %w", err)
	}
	return e, nil
}

// load checks, loads and warms up the configured models.
func (e *PlateONNX) load() error {
	if e.cfg.Reader == nil {
		chars, err := loadCharset(e.cfg.Charset)
		if err != nil {
			return fmt.Errorf("charset %s: %w", e.cfg.Charset, err)
		}
		net, err := checkedPlateNet("recognizer", e.cfg.Recognizer, FormatLPRNet, 0)
		if err != nil {
			return err
		}
		e.rec = newPlateRecognizer(net, chars, e.cfg.GreedyDecode)
		if !e.cfg.SingleView {
			e.rec.views = 3
		}
		if e.rec.head, err = loadContextHead(e.cfg.Recognizer, net); err != nil {
			return fmt.Errorf("recognizer: model %s: %w", e.cfg.Recognizer, err)
		}
		if err := e.warmRecognizer(); err != nil {
			return fmt.Errorf("recognizer: model %s: %w", e.cfg.Recognizer, err)
		}
	}
	if e.cfg.Detector != "" {
		net, err := checkedPlateNet("detector", e.cfg.Detector, FormatHyperLPR3, e.cfg.DetectorSize)
		if err != nil {
			return err
		}
		e.det = newPlateDetector(net, e.cfg.DetectorSize, e.cfg.MinDetectConf)
		img := grayImage(e.cfg.DetectorSize, e.cfg.DetectorSize)
		_, err = e.det.detect(img)
		_ = img.Close()
		if err != nil {
			return fmt.Errorf("detector: model %s: warm-up: %w", e.cfg.Detector, err)
		}
	}
	if e.cfg.Color != "" {
		net, err := checkedPlateNet("color", e.cfg.Color, FormatPlateColor, 0)
		if err != nil {
			return err
		}
		e.col.net = net
	}
	return nil
}

// warmRecognizer runs one forward, which also checks that the charset matches
// the model's classes.
func (e *PlateONNX) warmRecognizer() error {
	img := grayImage(lprnetH, lprnetW)
	defer img.Close()
	_, err := e.rec.probs(img)
	if err != nil {
		return fmt.Errorf("warm-up with %d charset classes: %w", len(e.rec.chars), err)
	}
	return nil
}

// checkedPlateNet vets path in a child process, then loads it; field names the
// config field in errors.
func checkedPlateNet(field, path, format string, size int) (*plateNet, error) {
	if err := checkModel(context.Background(), path, format, size); err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	net, err := loadPlateNet(path)
	if err != nil {
		return nil, fmt.Errorf("%s: model %s: %w", field, path, err)
	}
	return net, nil
}

// Engine names the engine and its models, e.g. "onnx(hyperlpr3-320+lprnet-ctx+cls)"
// or, with another engine reading, "onnx(hyperlpr3-320+read:classic+cls)".
func (e *PlateONNX) Engine() string {
	s := "onnx("
	if e.cfg.Detector != "" {
		s += fmt.Sprintf("hyperlpr3-%d+", e.cfg.DetectorSize)
	}
	switch r := e.cfg.Reader.(type) {
	case nil:
		s += "lprnet"
		if e.rec != nil && e.rec.head != nil {
			s += "-ctx"
		}
		if e.cfg.GreedyDecode {
			s += "-greedy"
		}
		if e.cfg.Vote != nil {
			s += "+vote:" + engineName(e.cfg.Vote)
		}
	default:
		s += "read:" + engineName(r)
	}
	if e.cfg.Color != "" {
		s += "+cls"
	}
	return s + ")"
}

// engineName is r's Engine() when it has one, else its type.
func engineName(r plate.Recognizer) string {
	if n, ok := r.(interface{ Engine() string }); ok {
		return n.Engine()
	}
	return fmt.Sprintf("%T", r)
}

// Close frees the networks. It is idempotent.
func (e *PlateONNX) Close() error {
	e.closed = true
	if e.det != nil {
		e.det.close()
		e.det = nil
	}
	if e.rec != nil {
		e.rec.close()
		e.rec = nil
	}
	if e.col != nil {
		e.col.close()
		e.col = nil
	}
	return nil
}
