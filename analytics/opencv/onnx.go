package opencv

import (
	"context"
	"fmt"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// ONNX defaults.
const (
	DefaultInputSize      = 416
	DefaultScoreThreshold = 0.3
	DefaultNMSIoU         = 0.45
)

// DefaultClasses maps the COCO ids the product uses to its class names; other
// COCO classes are dropped. It returns a new map each call.
func DefaultClasses() map[int]string {
	return map[int]string{0: "person", 1: "bicycle", 2: "car", 3: "motorcycle", 5: "bus", 7: "truck"}
}

// ONNXConfig configures an ONNX detector. Zero fields take the defaults.
type ONNXConfig struct {
	Path   string // model file
	Format string // FormatYOLOX or FormatNanoDet
	// InputSize is the square network input side, a multiple of 32.
	InputSize      int
	ScoreThreshold float64
	NMSIoU         float64
	// Classes maps model class ids to product class names; ids not in the map
	// are dropped. Nil means DefaultClasses().
	Classes map[int]string
}

func (c *ONNXConfig) setDefaults() {
	if c.InputSize == 0 {
		c.InputSize = DefaultInputSize
	}
	if c.ScoreThreshold == 0 {
		c.ScoreThreshold = DefaultScoreThreshold
	}
	if c.NMSIoU == 0 {
		c.NMSIoU = DefaultNMSIoU
	}
	if c.Classes == nil {
		c.Classes = DefaultClasses()
	}
}

func (c *ONNXConfig) validate() error {
	switch {
	case c.InputSize < 32 || c.InputSize%32 != 0:
		return fmt.Errorf("input size %d: want a positive multiple of 32", c.InputSize)
	case c.ScoreThreshold < 0 || c.ScoreThreshold > 1:
		return fmt.Errorf("score threshold %g: want 0–1", c.ScoreThreshold)
	case c.NMSIoU < 0 || c.NMSIoU > 1:
		return fmt.Errorf("NMS IoU %g: want 0–1", c.NMSIoU)
	}
	_, err := formatByName(c.Format)
	return err
}

// ONNX detects objects with an ONNX model through OpenCV DNN. It owns one Net
// and is not safe for concurrent use: one per camera worker.
type ONNX struct {
	cfg   ONNXConfig
	model *dnnModel
}

// NewONNX validates the model in a child process (see CheckModel), loads it and
// runs one warm-up forward, since the first one is 2–3× slower.
func NewONNX(ctx context.Context, cfg ONNXConfig) (*ONNX, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("model %s: %w", cfg.Path, err)
	}
	format, _ := formatByName(cfg.Format)
	if err := checkModel(ctx, cfg.Path, format.name, cfg.InputSize); err != nil {
		return nil, err
	}
	m, err := loadModel(cfg.Path, format, cfg.InputSize)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", cfg.Path, err)
	}
	d := &ONNX{cfg: cfg, model: m}
	if err := d.warmUp(); err != nil {
		d.Close()
		return nil, fmt.Errorf("model %s: warm-up: %w", cfg.Path, err)
	}
	return d, nil
}

func (d *ONNX) warmUp() error {
	img := grayImage(d.cfg.InputSize, d.cfg.InputSize)
	defer img.Close()
	_, _, err := d.model.detect(img, 1)
	return err
}

// Detect runs the network on f and returns the mapped classes after NMS.
func (d *ONNX) Detect(f *analytics.Frame) ([]analytics.Detection, error) {
	img, err := frameMat(f)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	cands, lb, err := d.model.detect(img, float32(d.cfg.ScoreThreshold))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", d.cfg.Path, err)
	}
	dets := make([]analytics.Detection, 0, len(cands))
	for _, c := range cands {
		name, ok := d.cfg.Classes[c.class]
		if !ok {
			continue
		}
		dets = append(dets, analytics.Detection{Class: name, Score: float64(c.score), Box: analytics.Box{
			X1: clamp01((float64(c.x1) - lb.padX) / lb.r / float64(f.Width)),
			Y1: clamp01((float64(c.y1) - lb.padY) / lb.r / float64(f.Height)),
			X2: clamp01((float64(c.x2) - lb.padX) / lb.r / float64(f.Width)),
			Y2: clamp01((float64(c.y2) - lb.padY) / lb.r / float64(f.Height)),
		}})
	}
	return nms(dets, d.cfg.NMSIoU), nil
}

// Close frees the network.
func (d *ONNX) Close() error {
	if d.model != nil {
		d.model.close()
		d.model = nil
	}
	return nil
}
