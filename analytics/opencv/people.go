package opencv

import (
	"image"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// personHeight is the height a person should have in the scanned image: the
// default people detector's 128-pixel window holds a person about 96 tall.
const personHeight = 100

// peoplePadding is the HOG padding around a scanned region: the region already
// has margins around its blob (scanRegion), so half the whole-frame default.
const peoplePadding = 8

// PeopleConfig configures the People classifier. HOG.Upscale is ignored: each
// motion region is scaled so that its blob is about one person tall. HOG.MinHits
// defaults to 1 here: on PETS 2009 that confirms 93% of the moving people
// (2 confirms 89%) at the same 98% precision.
type PeopleConfig struct {
	Motion MotionConfig
	HOG    HOGConfig
	// DropUnconfirmed drops moving blobs HOG does not confirm instead of
	// reporting them with the motion class.
	DropUnconfirmed bool
}

// People labels moving blobs "person" when the HOG people detector confirms
// them. Motion proposes where to look (cheap, and it gives tight boxes); HOG
// scans only a window around each blob, scaled so the blob is about one person
// tall, which also finds people too small for a whole-frame scan. A blob with
// one confirmation keeps its motion box; a blob with several (people walking
// together) is split into the HOG boxes. Standing people fade into the
// background and are not reported; the tracker bridges short stops. Not safe
// for concurrent use.
type People struct {
	cfg    PeopleConfig
	motion *Motion
	scan   *hogScanner
	// recent are the single-person blobs of the last frame, confirmed by HOG in
	// it or carried from an earlier confirmation; see reuse.
	recent []confirmation
	// stats counts blobs and HOG scans, for tests and benchmarks.
	stats peopleStats
}

// peopleStats counts what People did.
type peopleStats struct {
	frames, blobs, scans int
}

// confirmation is HOG's verdict on a blob: exactly one person, or no person.
type confirmation struct {
	box    analytics.Box
	person bool
	score  float64       // the person's HOG score
	age    int           // frames since HOG last looked
	at     time.Duration // frame time (PTS) when HOG looked
	used   bool
}

// How long HOG's verdict on a blob is carried along with the blob before HOG
// looks again. A steadily walking person costs one HOG scan a second
// (reverifyAfter, less a little for jittery frame times; at least
// reverifyEvery frames, at most reverifyMaxFrames) instead of one each frame.
// A blob HOG found no person in (a car, a swaying branch, a person HOG cannot
// see yet) is looked at every recheckEvery frames, so a person it missed is
// still found one frame later at most, at any rate. A blob that changes shape
// (people meeting or parting) is scanned at once.
const (
	reverifyAfter     = 950 * time.Millisecond
	reverifyEvery     = 5
	reverifyMaxFrames = 2 * reverifyEvery
	recheckEvery      = 2
)

// stale tells whether the verdict has been carried long enough at frame time
// now: frames count always, time only for a person and only while it runs
// forward (a restarted stream starts its times again).
func (c *confirmation) stale(now time.Duration) bool {
	if !c.person {
		return c.age+1 >= recheckEvery
	}
	if c.age+1 >= reverifyMaxFrames {
		return true
	}
	elapsed := now - c.at
	return c.age+1 >= reverifyEvery && (elapsed < 0 || elapsed >= reverifyAfter)
}

// NewPeople returns a People classifier.
func NewPeople(cfg PeopleConfig) (*People, error) {
	if cfg.HOG.MinHits == 0 {
		cfg.HOG.MinHits = 1 // motion already vouches for the place
	}
	if cfg.HOG.Padding == 0 {
		cfg.HOG.Padding = peoplePadding
	}
	cfg.HOG.setDefaults()
	cfg.HOG.Upscale = 1
	if err := cfg.HOG.validate(); err != nil {
		return nil, err
	}
	motion, err := NewMotion(cfg.Motion)
	if err != nil {
		return nil, err
	}
	scan, err := newHOGScanner()
	if err != nil {
		motion.Close()
		return nil, err
	}
	return &People{cfg: cfg, motion: motion, scan: scan}, nil
}

// Detect updates the background model with f and returns its moving people
// (and, unless DropUnconfirmed, its other moving blobs).
func (p *People) Detect(f *analytics.Frame) ([]analytics.Detection, error) {
	blobs, err := p.motion.Detect(f)
	if err != nil || len(blobs) == 0 {
		return nil, err
	}
	img, err := frameMat(f)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	var out []analytics.Detection
	var next []confirmation
	p.stats.frames++
	for _, b := range blobs {
		p.stats.blobs++
		if c := p.reuse(b.Box, f.PTS); c != nil {
			next = append(next, confirmation{box: b.Box, person: c.person, score: c.score, age: c.age + 1, at: c.at})
			switch {
			case c.person:
				out = append(out, analytics.Detection{Class: "person", Score: c.score, Box: b.Box})
			case !p.cfg.DropUnconfirmed:
				out = append(out, b)
			}
			continue
		}
		blob := pixelRect(b.Box, f.Width, f.Height)
		roi, scale := scanRegion(blob)
		p.stats.scans++
		hits, err := p.scan.detect(img, roi, scale, p.cfg.HOG)
		if err != nil {
			return nil, err
		}
		dets := p.classify(b, blob, hits, f.Width, f.Height)
		switch {
		case len(dets) == 1 && dets[0].Class == "person" && dets[0].Box == b.Box:
			next = append(next, confirmation{box: b.Box, person: true, score: dets[0].Score, at: f.PTS})
		case !hasPerson(dets):
			next = append(next, confirmation{box: b.Box, at: f.PTS})
		}
		out = append(out, dets...)
	}
	p.recent = next
	return out, nil
}

// hasPerson tells whether any detection is a person.
func hasPerson(dets []analytics.Detection) bool {
	for _, d := range dets {
		if d.Class == "person" {
			return true
		}
	}
	return false
}

// reuse returns the last frame's verdict on the blob box continues, if it is
// fresh enough at frame time now: the same size within a quarter and a centre
// at most one box width (and half a box height) away. Each verdict serves one
// blob.
func (p *People) reuse(box analytics.Box, now time.Duration) *confirmation {
	for i := range p.recent {
		c := &p.recent[i]
		if c.used || c.stale(now) {
			continue
		}
		hr, wr := box.H()/c.box.H(), box.W()/c.box.W()
		if hr < 0.8 || hr > 1.25 || wr < 0.67 || wr > 1.5 {
			continue
		}
		cx, cy := (box.X1+box.X2)/2, (box.Y1+box.Y2)/2
		px, py := (c.box.X1+c.box.X2)/2, (c.box.Y1+c.box.Y2)/2
		if abs(cx-px) > c.box.W() || abs(cy-py) > c.box.H()/2 {
			continue
		}
		c.used = true
		return c
	}
	return nil
}

func abs(v float64) float64 { return max(v, -v) }

// classify turns one blob and the HOG hits around it into detections.
func (p *People) classify(b analytics.Detection, blob image.Rectangle, hits []hogHit, w, h int) []analytics.Detection {
	var mine []hogHit
	for _, hit := range hits {
		if c := centre(hit.person()); c.In(blob) {
			mine = append(mine, hit)
		}
	}
	switch {
	case len(mine) == 0 && p.cfg.DropUnconfirmed:
		return nil
	case len(mine) == 0:
		return []analytics.Detection{b}
	case len(mine) == 1:
		return []analytics.Detection{{Class: "person", Score: mine[0].score(), Box: b.Box}}
	}
	out := make([]analytics.Detection, 0, len(mine))
	for _, hit := range mine {
		r := hit.person().Intersect(blob)
		out = append(out, analytics.Detection{Class: "person", Score: hit.score(), Box: normBox(r, w, h)})
	}
	return out
}

// scanRegion returns the region around a blob worth scanning, with room for
// the detector window's margins, and the scale that makes the blob about one
// person tall.
func scanRegion(blob image.Rectangle) (image.Rectangle, float64) {
	h := blob.Dy()
	scale := min(max(float64(personHeight)/float64(h), 0.25), 4)
	padX := max(h/3, blob.Dx()/4)
	return image.Rect(blob.Min.X-padX, blob.Min.Y-h/4, blob.Max.X+padX, blob.Max.Y+h/4), scale
}

func centre(r image.Rectangle) image.Point {
	return image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
}

// Close frees the background model and the HOG descriptor.
func (p *People) Close() error {
	p.scan.close()
	return p.motion.Close()
}
