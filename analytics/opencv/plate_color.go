package opencv

import (
	"fmt"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Plate colour classifier input: BGR / 255, 96×96 (/work/shared/models/README.md).
const plateColorSize = 96

// plateColorHSVMin is the confidence at which the pixel classifier's white or
// black beats the model, which knows only blue, green and yellow (and says one
// of them with a confidence near 1 even for a grey picture). For white and
// black, plate.ClassifyColor's confidence is the background's share of the
// light and dark pixels; the characters cover about a third of a plate, so a
// real white or black plate scores about 0.65–0.75.
const plateColorHSVMin = 0.6

// plateColorClasses is the classifier's output order.
var plateColorClasses = [...]plate.Color{plate.ColorBlue, plate.ColorGreen, plate.ColorYellow}

// checkPlateColor wants one output with one score per colour.
func checkPlateColor(outs []tensor) error {
	if len(outs) != 1 || len(outs[0].data) != len(plateColorClasses) {
		return fmt.Errorf("wrong output shape for %s: got %s, want one [1 %d]", FormatPlateColor, shapes(outs), len(plateColorClasses))
	}
	return nil
}

// plateColorer names a plate's colour: the model (when configured) for blue,
// green and yellow, plate.ClassifyColor for white and black. It owns its net.
type plateColorer struct {
	net    *plateNet // nil: pixels only
	hsvMin float64   // plateColorHSVMin
}

func (c *plateColorer) close() { c.net.close() }

// classify returns the colour of a rectified plate; crop and pic hold the same
// pixels.
func (c *plateColorer) classify(crop gocv.Mat, pic plate.Picture) (plate.Color, float64, error) {
	hc, hconf := plate.ClassifyColor(pic)
	if c.net == nil || (hc == plate.ColorWhite || hc == plate.ColorBlack) && hconf >= c.hsvMin {
		return hc, hconf, nil
	}
	blob := plainBlob(crop, plateColorSize, plateColorSize, 1.0/255, 0)
	defer blob.Close()
	outs, ts, err := c.net.forward(blob)
	if err != nil {
		return plate.ColorUnknown, 0, fmt.Errorf("colour classifier: %w", err)
	}
	defer closeMats(outs)
	if err := checkPlateColor(ts); err != nil {
		return plate.ColorUnknown, 0, err
	}
	p := make([]float64, len(plateColorClasses))
	for i, v := range ts[0].data {
		p[i] = float64(v)
	}
	if !isDistribution(p) {
		softmax64(p)
	}
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return plateColorClasses[best], p[best], nil
}
