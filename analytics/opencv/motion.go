package opencv

import (
	"errors"
	"fmt"
	"image"
	"image/color"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// Point is a normalized image point (0–1, origin top-left).
type Point struct{ X, Y float64 }

// Motion defaults.
const (
	DefaultMotionMinArea      = 0.0008 // fraction of the frame a blob's box must cover
	DefaultMotionHistory      = 300    // frames the background model remembers
	DefaultMotionVarThreshold = 25     // MOG2 squared Mahalanobis distance
	DefaultMotionWarmup       = 10     // frames learnt before blobs are reported
	DefaultMotionMergeGap     = 0.03   // normalized vertical gap under which stacked blobs merge
	DefaultMotionWidth        = 320    // width background subtraction works at
)

// MotionConfig configures a Motion detector. Zero fields take the defaults.
type MotionConfig struct {
	// MinArea is the smallest blob box, as a fraction of the frame area.
	MinArea float64
	// Masks are polygons (normalized) whose pixels never count as motion.
	Masks [][]Point
	// Class labels the blobs; default "object".
	Class string
	// Background is the background model: BackgroundMedian (default) or
	// BackgroundMOG2 (about twice the cost; it keeps several colours per pixel,
	// for backgrounds that switch between a few states). Both remove shadows.
	Background string
	// History and VarThreshold tune MOG2.
	History      int
	VarThreshold float64
	// GreyThreshold tunes the running median: how many grey levels a moving
	// pixel differs from it by.
	GreyThreshold int
	// Warmup is the number of frames learnt before any blob is reported.
	Warmup int
	// MergeGap joins blobs stacked vertically (overlapping horizontally by half
	// the narrower one) whose vertical gap is under MergeGap × frame width: the
	// pieces of one person. Negative disables merging.
	MergeGap float64
	// Width is the width background subtraction works at: larger frames are
	// scaled down to it first (as Frigate does), which costs a quarter of the work
	// at 640 and turns pixel noise into fewer spurious blobs. Boxes are normalized,
	// so callers see no difference. Negative keeps the frame's own width.
	Width int
}

func (c *MotionConfig) setDefaults() {
	if c.MinArea == 0 {
		c.MinArea = DefaultMotionMinArea
	}
	if c.Class == "" {
		c.Class = "object"
	}
	if c.Background == "" {
		c.Background = BackgroundMedian
	}
	if c.GreyThreshold == 0 {
		c.GreyThreshold = DefaultMotionGreyThreshold
	}
	if c.History == 0 {
		c.History = DefaultMotionHistory
	}
	if c.VarThreshold == 0 {
		c.VarThreshold = DefaultMotionVarThreshold
	}
	if c.Warmup == 0 {
		c.Warmup = DefaultMotionWarmup
	}
	if c.MergeGap == 0 {
		c.MergeGap = DefaultMotionMergeGap
	}
	if c.Width == 0 {
		c.Width = DefaultMotionWidth
	}
}

func (c *MotionConfig) validate() error {
	if c.MinArea < 0 || c.MinArea >= 1 {
		return fmt.Errorf("motion min area %g: want a fraction of the frame in [0, 1)", c.MinArea)
	}
	if c.History < 1 || c.VarThreshold <= 0 || c.Warmup < 0 {
		return errors.New("motion history, var threshold and warm-up must be positive")
	}
	if c.Background != BackgroundMOG2 && c.Background != BackgroundMedian {
		return fmt.Errorf("motion background %q: want %q or %q", c.Background, BackgroundMOG2, BackgroundMedian)
	}
	if c.GreyThreshold < 1 || c.GreyThreshold > 254 {
		return fmt.Errorf("motion grey threshold %d: want grey levels in [1, 254]", c.GreyThreshold)
	}
	for i, m := range c.Masks {
		if len(m) < 3 {
			return fmt.Errorf("motion mask %d: a polygon needs at least 3 points", i)
		}
	}
	return nil
}

// Motion finds moving blobs by background subtraction (a running median of
// the grey picture, or MOG2, both with shadows removed; see
// MotionConfig.Background): noise opened away, pieces closed together, masked
// areas ignored. It learns from every frame, so it must see each frame of one
// camera in order. Not safe for concurrent use.
type Motion struct {
	cfg    MotionConfig
	frames int
	// State sized for the current frame; rebuilt when the size changes.
	size  image.Point
	bg    background
	fg    gocv.Mat // foreground mask, owned here
	allow gocv.Mat // 255 where motion counts, 0 under masks; empty without masks
	open  gocv.Mat // small kernel removing speckle
	close gocv.Mat // larger kernel joining a person's pieces
	// scratch is the morphology's working memory.
	scratch gocv.Mat
}

// NewMotion returns a motion detector.
func NewMotion(cfg MotionConfig) (*Motion, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Motion{cfg: cfg}, nil
}

// Detect updates the background model with f and returns the moving blobs.
func (m *Motion) Detect(f *analytics.Frame) ([]analytics.Detection, error) {
	img, err := frameMat(f)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	w, h := f.Width, f.Height
	work := img // the picture background subtraction sees; owned by img or small
	if m.cfg.Width > 0 && w > m.cfg.Width {
		w, h = m.cfg.Width, max(1, (f.Height*m.cfg.Width+f.Width/2)/f.Width)
		small := gocv.NewMat()
		defer small.Close()
		gocv.Resize(img, &small, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		work = small
	}
	if m.size != image.Pt(w, h) {
		if err := m.reset(w, h); err != nil {
			return nil, err
		}
	}
	if err := m.foreground(work); err != nil {
		return nil, err
	}
	m.frames++
	if m.frames <= m.cfg.Warmup {
		return nil, nil
	}
	return m.blobs(w, h), nil
}

// foreground leaves the cleaned foreground mask of img in m.fg.
func (m *Motion) foreground(img gocv.Mat) error {
	if err := m.bg.apply(img, &m.fg); err != nil {
		return err
	}
	if !m.allow.Empty() {
		gocv.BitwiseAnd(m.fg, m.allow, &m.fg)
	}
	if err := maskMorph(&m.fg, m.open, &m.scratch, false); err != nil {
		return err
	}
	return maskMorph(&m.fg, m.close, &m.scratch, true)
}

// blobs returns the boxes of the foreground contours, merged and filtered.
func (m *Motion) blobs(w, h int) []analytics.Detection {
	contours := gocv.FindContours(m.fg, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer contours.Close()
	rects := make([]image.Rectangle, 0, contours.Size())
	for i := range contours.Size() {
		rects = append(rects, gocv.BoundingRect(contours.At(i)))
	}
	if m.cfg.MergeGap > 0 {
		rects = mergeStacked(rects, int(m.cfg.MergeGap*float64(w)+0.5))
	}
	minArea := m.cfg.MinArea * float64(w*h)
	var dets []analytics.Detection
	for _, r := range rects {
		if float64(r.Dx()*r.Dy()) < minArea {
			continue
		}
		dets = append(dets, analytics.Detection{Class: m.cfg.Class, Score: 1, Box: normBox(r, w, h)})
	}
	return dets
}

// reset (re)builds the per-size state: a fresh background model, masks and
// kernels scaled to the frame.
func (m *Motion) reset(w, h int) error {
	bg, err := newBackground(&m.cfg, w*h)
	if err != nil {
		return err
	}
	m.closeMats()
	m.bg = bg
	m.size = image.Pt(w, h)
	m.frames = 0
	m.fg = gocv.NewMat()
	m.scratch = gocv.NewMat()
	if len(m.cfg.Masks) > 0 {
		m.allow = allowMask(m.cfg.Masks, w, h)
	} else {
		m.allow = gocv.NewMat()
	}
	// Tall and narrow: joins a person's pieces more than side-by-side people.
	// 3×7 at 640 wide, tuned on PETS 2009 S2L1.
	m.open = gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(3, 3))
	m.close = gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(max(3, w/200|1), max(5, w/90|1)))
	return nil
}

// allowMask returns a w×h mask, 0 inside the polygons and 255 elsewhere,
// owned by the caller.
func allowMask(polys [][]Point, w, h int) gocv.Mat {
	mask := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(255, 0, 0, 0), h, w, gocv.MatTypeCV8UC1)
	pts := make([][]image.Point, len(polys))
	for i, p := range polys {
		for _, q := range p {
			pts[i] = append(pts[i], image.Pt(int(q.X*float64(w)+0.5), int(q.Y*float64(h)+0.5)))
		}
	}
	pv := gocv.NewPointsVectorFromPoints(pts)
	defer pv.Close()
	gocv.FillPoly(&mask, pv, color.RGBA{})
	return mask
}

func (m *Motion) closeMats() {
	if m.size == (image.Point{}) {
		return
	}
	m.bg.close()
	for _, mat := range []*gocv.Mat{&m.fg, &m.allow, &m.open, &m.close, &m.scratch} {
		_ = mat.Close()
	}
}

// Close frees the background model and masks.
func (m *Motion) Close() error {
	m.closeMats()
	m.size = image.Point{}
	return nil
}

// mergeStacked joins rectangles stacked vertically, as the head, torso and legs
// of one person often are: they overlap horizontally by at least half of the
// narrower one and are less than gap pixels apart vertically. Side-by-side
// blobs stay apart.
func mergeStacked(rs []image.Rectangle, gap int) []image.Rectangle {
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(rs); i++ {
			for j := i + 1; j < len(rs); j++ {
				if stacked(rs[i], rs[j], gap) {
					rs[i] = rs[i].Union(rs[j])
					rs = append(rs[:j], rs[j+1:]...)
					merged = true
					j--
				}
			}
		}
	}
	return rs
}

func stacked(a, b image.Rectangle, gap int) bool {
	overlapX := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
	gapY := max(a.Min.Y, b.Min.Y) - min(a.Max.Y, b.Max.Y)
	return 2*overlapX >= min(a.Dx(), b.Dx()) && gapY <= gap
}
