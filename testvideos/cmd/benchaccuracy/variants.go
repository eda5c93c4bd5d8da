package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sharpeyes/sharpeyes/testvideos/pets"
)

// variant is one detector configuration under test.
type variant struct {
	Name string
	Kind string // detector.kind
	// Model is the file under -models, for kind onnx.
	Model     string
	Format    string
	InputSize int
	// Class filters the rules on; "" for detectors that only say "object".
	Class string
}

var variants = []variant{
	{Name: "motion", Kind: "motion"},
	{Name: "hog", Kind: "hog", Class: "person"},
	{Name: "people", Kind: "people", Class: "person"},
	{Name: "yolox-416", Kind: "onnx", Model: "detect/yolox_nano.onnx", Format: "yolox", InputSize: 416, Class: "person"},
	{Name: "yolox-640", Kind: "onnx", Model: "detect/yolox_nano.onnx", Format: "yolox", InputSize: 640, Class: "person"},
	{Name: "nanodet-416", Kind: "onnx", Model: "detect/object_detection_nanodet_2022nov.onnx", Format: "nanodet", InputSize: 416, Class: "person"},
}

func variantNames() []string {
	out := make([]string, len(variants))
	for i, v := range variants {
		out[i] = v.Name
	}
	return out
}

func variantByName(name string) (variant, bool) {
	for _, v := range variants {
		if v.Name == name {
			return v, true
		}
	}
	return variant{}, false
}

// modelPath is the model file of an onnx variant, absolute.
func (v variant) modelPath(models string) (string, error) {
	return filepath.Abs(filepath.Join(models, v.Model))
}

// configYAML is the gateway configuration for one variant: camera "pets" analysed at
// the clip's rate, the two scored tripwires, the intrusion zone and the crowd_dwell rules.
func (v variant) configYAML(models, dataDir string, width int) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir: %q\n", dataDir)
	switch v.Kind {
	case "onnx":
		p, err := v.modelPath(models)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "detector: {kind: onnx, model: {path: %q, format: %s, input_size: %d}}\n", p, v.Format, v.InputSize)
	default:
		fmt.Fprintf(&b, "detector: {kind: %s}\n", v.Kind)
	}
	fmt.Fprintf(&b, "cameras:\n  - {id: pets, analysis: {fps: %d, width: %d}}\nrules:\n", clipFPS, width)
	classes := ""
	if v.Class != "" {
		classes = fmt.Sprintf(", classes: [%s]", v.Class)
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "  - {id: %s, name: %s, camera: pets, type: tripwire, line: %s, direction: both%s}\n",
			l.Name, l.Name, yamlPoints([]pets.Point{l.A, l.B}), classes)
	}
	fmt.Fprintf(&b, "  - {id: %s, name: %s, camera: pets, type: intrusion, polygon: %s, min_duration: %gs%s}\n",
		zoneRule, zoneRule, yamlPoints(zone), zoneDwell, classes)
	crowd, err := crowdRulesYAML(v.Class)
	if err != nil {
		return "", err
	}
	b.WriteString(crowd)
	return b.String(), nil
}

func yamlPoints(ps []pets.Point) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("[%g, %g]", p.X, p.Y)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
