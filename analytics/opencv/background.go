package opencv

import (
	"fmt"

	"gocv.io/x/gocv"
)

// Background models Motion can use (MotionConfig.Background).
const (
	// BackgroundMOG2 is OpenCV's Gaussian mixture on colour, with shadow
	// detection: shadows do not count as motion.
	BackgroundMOG2 = "mog2"
	// BackgroundMedian (the default) is a running median of the blurred grey
	// picture: a pixel moves when it differs from it by more than GreyThreshold
	// grey levels and more than its own learnt spread (leaves, water), and
	// shadows are told apart on a colour median. It costs about half of MOG2.
	BackgroundMedian = "median"
)

// background separates the pixels that move from the learnt scene. One belongs
// to one Motion detector and one picture size.
type background interface {
	// apply learns img (8-bit BGR, owned by the caller) and writes the
	// foreground mask into fg (owned by the caller): 255 where something moves,
	// 0 elsewhere.
	apply(img gocv.Mat, fg *gocv.Mat) error
	// close frees the model's Mats.
	close()
}

// mog2Mixtures is how many Gaussians MOG2 keeps per pixel (OpenCV's default 5).
var mog2Mixtures = 3

// newBackground returns the background model cfg names, for pictures of the
// given number of pixels.
func newBackground(cfg *MotionConfig, pixels int) (background, error) {
	switch cfg.Background {
	case BackgroundMOG2:
		return newMOG2(cfg.History, cfg.VarThreshold, mog2Mixtures)
	case BackgroundMedian:
		return newMedianBackground(cfg.GreyThreshold, pixels), nil
	default:
		return nil, fmt.Errorf("motion background %q: want %q or %q", cfg.Background, BackgroundMOG2, BackgroundMedian)
	}
}
