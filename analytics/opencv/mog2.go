package opencv

// #include <stdlib.h>
// #include "mog2_shim.h"
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"gocv.io/x/gocv"
)

// mog2Background is OpenCV's MOG2 with shadow detection, with Mixtures
// Gaussians per pixel.
type mog2Background struct {
	m *C.se_mog2
}

func newMOG2(history int, varThreshold float64, mixtures int) (*mog2Background, error) {
	m := C.se_mog2_new(C.int(history), C.double(varThreshold), C.int(mixtures))
	if m == nil {
		return nil, errors.New("create MOG2 background subtractor")
	}
	return &mog2Background{m: m}, nil
}

func (b *mog2Background) apply(img gocv.Mat, fg *gocv.Mat) error {
	var msg [256]C.char
	if C.se_mog2_apply(b.m, unsafe.Pointer(img.Ptr()), unsafe.Pointer(fg.Ptr()), &msg[0], C.int(len(msg))) != 0 {
		return fmt.Errorf("MOG2: %s", C.GoString(&msg[0]))
	}
	// MOG2 marks shadows 127 and foreground 255.
	gocv.Threshold(*fg, fg, 200, 255, gocv.ThresholdBinary)
	return nil
}

func (b *mog2Background) close() {
	if b.m != nil {
		C.se_mog2_free(b.m)
		b.m = nil
	}
}
