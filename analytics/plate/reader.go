package plate

import "image"

// Picture is a packed BGR24 picture (3 bytes per pixel, row stride W*3), the layout of
// analytics.Frame. Readers only read Pix.
type Picture struct {
	W, H int
	Pix  []byte
}

// Valid reports whether Pix holds W×H BGR pixels.
func (p Picture) Valid() bool { return p.W > 0 && p.H > 0 && len(p.Pix) >= p.W*p.H*3 }

// Crop copies r, clipped to the picture, into a new Picture; the result has no
// pixels (W and H 0) when nothing of r is inside.
func (p Picture) Crop(r image.Rectangle) Picture {
	r = r.Intersect(image.Rect(0, 0, p.W, p.H))
	if r.Empty() {
		return Picture{}
	}
	out := Picture{W: r.Dx(), H: r.Dy(), Pix: make([]byte, 0, r.Dx()*r.Dy()*3)}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := (y*p.W + r.Min.X) * 3
		out.Pix = append(out.Pix, p.Pix[row:row+r.Dx()*3]...)
	}
	return out
}

// Finding is one plate a Reader found and read in a picture.
type Finding struct {
	// Text is the raw read, not normalised or validated (Parse does that); it may be
	// empty when the plate was found but no character could be read.
	Text string
	// CharConf is the confidence of each character of Text in [0, 1].
	CharConf []float64
	// Conf is the confidence of the whole read in [0, 1].
	Conf float64
	// Color is the classified plate colour, ColorConf its confidence in [0, 1].
	Color     Color
	ColorConf float64
	// Box is the plate's axis-aligned bounding box in picture pixels.
	Box image.Rectangle
	// Corners are the plate's corners in picture pixels, top-left, top-right,
	// bottom-right, bottom-left (equal to Box's corners when the engine finds no quad).
	Corners [4]image.Point
	// DetectConf is the detector's confidence that this is a plate, in [0, 1].
	DetectConf float64
	// DoubleRow is true for two-row plates (large vehicles, trailers, motorcycles).
	DoubleRow bool
	// Crop is the rectified plate, BGR, owned by the caller (a copy).
	Crop Picture
}

// Reader finds and reads the plates in a picture. Implementations (engines) are not
// safe for concurrent use: each camera worker owns its own.
type Reader interface {
	// Read finds the plates inside roi (picture pixels; the empty rectangle means the
	// whole picture) and reads them. Plates whose height is under minHeight pixels are
	// skipped (0: the engine's own minimum). Read never keeps pic.Pix.
	Read(pic Picture, roi image.Rectangle, minHeight int) ([]Finding, error)
	// Engine names the engine and its models for logs and benchmarks.
	Engine() string
	Close() error
}

// Recognizer reads one picture that is already a rectified plate crop (as from a
// checkpoint camera's plate image, or the crops benchmark). Engines implement it
// besides Reader; Box and Corners of the result cover the whole crop.
type Recognizer interface {
	Recognize(crop Picture) (Finding, error)
}
