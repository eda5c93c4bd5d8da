package opencv

import (
	"fmt"
)

// Plate model formats CheckModel accepts besides FormatYOLOX and FormatNanoDet.
const (
	FormatHyperLPR3  = "hyperlpr3"   // HyperLPR3 y5fu plate detector, [1, N, 15]
	FormatLPRNet     = "lprnet"      // LPRNet CTC recogniser, 94×24 in, [classes, T] out
	FormatPlateColor = "plate-color" // HyperLPR3 colour classifier, 96×96 in, [1, 3] out
)

// plateFormat says how the model check feeds and vets one kind of plate model.
type plateFormat struct {
	defaultSize int                                 // square input side when not given; 0: fixed input
	input       func(size int) (w, h int)           // network input size
	check       func(outs []tensor, size int) error // output shapes
}

// plateFormatByName returns the plate format called name, if it is one.
func plateFormatByName(name string) (plateFormat, bool) {
	switch name {
	case FormatHyperLPR3:
		return plateFormat{
			defaultSize: DefaultPlateDetectorSize,
			input:       func(s int) (int, int) { return s, s },
			check:       checkPlateDetector,
		}, true
	case FormatLPRNet:
		return plateFormat{
			input: func(int) (int, int) { return lprnetW, lprnetH },
			check: func(outs []tensor, _ int) error { return checkLPRNet(outs) },
		}, true
	case FormatPlateColor:
		return plateFormat{
			input: func(int) (int, int) { return plateColorSize, plateColorSize },
			check: func(outs []tensor, _ int) error { return checkPlateColor(outs) },
		}, true
	}
	return plateFormat{}, false
}

// plateInputDesc describes the input a plate model was run at, for errors.
func plateInputDesc(f plateFormat, size int) string {
	if size == 0 {
		size = f.defaultSize
	}
	w, h := f.input(size)
	return fmt.Sprintf("%d×%d", w, h)
}

// checkLPRNet wants one output whose last two dimensions are classes × steps,
// with room for an 8-character plate.
func checkLPRNet(outs []tensor) error {
	if len(outs) == 1 {
		s := outs[0].shape
		n := len(s)
		if n >= 2 && s[n-2] >= 2 && s[n-1] >= plateMaxLen && s[n-2]*s[n-1] == len(outs[0].data) {
			return nil
		}
	}
	return fmt.Errorf("wrong output shape for %s: got %s, want one [classes T] with T ≥ %d", FormatLPRNet, shapes(outs), plateMaxLen)
}

// runPlateModelCheck is the child side of CheckModel for plate formats: load,
// one forward on a grey picture, output shapes. It returns the exit code.
func runPlateModelCheck(req checkRequest, f plateFormat, report func(format string, args ...any)) int {
	size := req.Size
	if size == 0 {
		size = f.defaultSize
	}
	report("stage load")
	net, err := loadPlateNet(req.Path)
	if err != nil {
		report("error OpenCV cannot load it: %v", err)
		return 1
	}
	defer net.close()
	report("stage forward")
	w, h := f.input(size)
	img := grayImage(h, w)
	defer img.Close()
	blob := plainBlob(img, w, h, 1.0/255, 0)
	defer blob.Close()
	outs, ts, err := net.forward(blob)
	if err != nil {
		report("error %v", err)
		return 1
	}
	defer closeMats(outs)
	if err := f.check(ts, size); err != nil {
		report("error %v", err)
		return 1
	}
	report("ok outputs %s", shapes(ts))
	return 0
}
