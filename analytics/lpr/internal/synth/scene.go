package synth

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// ScenePlate places one plate in a scene: its centre, height and tilt (radians).
type ScenePlate struct {
	Text   string
	Color  plate.Color
	X, Y   float64
	Height float64
	Angle  float64
}

// Scene draws plates into a w×h street-like picture (grey gradient, noise, a few
// dull rectangles, light blur and JPEG) and returns it with each plate's
// axis-aligned bounding box.
func (s *Set) Scene(rng *rand.Rand, w, h int, plates []ScenePlate) (plate.Picture, []image.Rectangle, error) {
	pic := background(rng, w, h)
	for range 6 {
		r := image.Rect(rng.IntN(w), rng.IntN(h), rng.IntN(w), rng.IntN(h)).Canon()
		c := [3]byte{byte(rng.IntN(200)), byte(rng.IntN(200)), byte(rng.IntN(200))}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				copy(pic.Pix[(y*w+x)*3:(y*w+x)*3+3], c[:])
			}
		}
	}
	boxes := make([]image.Rectangle, 0, len(plates))
	for _, p := range plates {
		st := RandomStyle(rng)
		st.Brightness = uniform(rng, 0.8, 1.05)
		flat, err := s.DrawPlate(p.Text, p.Color, 2*p.Height/plateHmm, st)
		if err != nil {
			return plate.Picture{}, nil, err
		}
		boxes = append(boxes, place(pic, flat.Pic, p).Intersect(image.Rect(0, 0, w, h)))
	}
	degrade(rng, pic)
	return pic, boxes, nil
}

// place composites flat (drawn at twice the scene's resolution) into pic, centred
// at p.X, p.Y and rotated by p.Angle; it returns the plate's bounding box.
func place(pic, flat plate.Picture, p ScenePlate) image.Rectangle {
	fw, fh := float64(flat.W)/2, float64(flat.H)/2 // size in scene pixels
	cos, sin := math.Cos(p.Angle), math.Sin(p.Angle)
	hx := math.Abs(fw/2*cos) + math.Abs(fh/2*sin)
	hy := math.Abs(fw/2*sin) + math.Abs(fh/2*cos)
	box := image.Rect(int(math.Floor(p.X-hx)), int(math.Floor(p.Y-hy)), int(math.Ceil(p.X+hx)), int(math.Ceil(p.Y+hy)))
	// scene offset (dx, dy) from the centre → flat: rotate by −Angle, scale 2, shift.
	toFlat := func(x, y float64) (float64, float64) {
		dx, dy := x-p.X, y-p.Y
		u, v := dx*cos+dy*sin, -dx*sin+dy*cos
		return 2 * (u + fw/2), 2 * (v + fh/2)
	}
	u0, v0 := toFlat(float64(box.Min.X), float64(box.Min.Y))
	u1, v1 := toFlat(float64(box.Min.X)+1, float64(box.Min.Y))
	u2, v2 := toFlat(float64(box.Min.X), float64(box.Min.Y)+1)
	m := seg.Affine{A: u1 - u0, B: u2 - u0, C: u0, D: v1 - v0, E: v2 - v0, F: v0}
	patch := seg.Warp(flat, m, box.Dx(), box.Dy())
	for y := range box.Dy() {
		for x := range box.Dx() {
			sx, sy := box.Min.X+x, box.Min.Y+y
			if sx < 0 || sy < 0 || sx >= pic.W || sy >= pic.H {
				continue
			}
			u, v := toFlat(float64(sx)+0.5, float64(sy)+0.5)
			if u < 0 || v < 0 || u >= float64(flat.W) || v >= float64(flat.H) {
				continue
			}
			copy(pic.Pix[(sy*pic.W+sx)*3:(sy*pic.W+sx)*3+3], patch.Pix[(y*box.Dx()+x)*3:(y*box.Dx()+x)*3+3])
		}
	}
	return box
}
