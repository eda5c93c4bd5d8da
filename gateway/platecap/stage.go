// Package platecap runs one camera's plate rules (电子卡口): it reads plates in the
// analysed frames through a plate.Reader, follows each plate across frames, votes
// over its reads, and reports one Capture per vehicle pass and rule — when the
// plate crosses the rule's trigger line, or, without a line, once enough reads
// agree or the plate leaves. Repeats of a plate inside the rule's dedupe window
// are suppressed; watch lists are matched on the voted text.
//
// A Stage belongs to one camera worker: Process and Finish run on its analysis
// goroutine; SetRules may come from another goroutine (reloads). It starts no
// goroutines.
package platecap

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/rules"
)

// Defaults of Options.
const (
	DefaultMaxTracks   = 16
	DefaultGap         = time.Second
	DefaultSettleReads = 3
	DefaultMinReads    = 2
	// minConf is the consensus confidence any reported pass needs: a plate read
	// over several frames agrees with itself; stripes, signs and lane markings
	// read as plates do not.
	minConf = 0.5
	// dedupeMax bounds the plates each rule's deduper remembers.
	dedupeMax = 10000
	// dedupeTolerance: a read one edit away from a plate reported inside the
	// window is the same vehicle misread.
	dedupeTolerance = 1
	// roiMargin widens a vehicle box before it is searched for its plate.
	roiMargin = 0.08
)

// Options configures a Stage.
type Options struct {
	Camera string
	// Reader is owned by the Stage from New on: Close closes it.
	Reader plate.Reader
	// MaxTracks bounds the plates followed at once (default 16). When a new plate
	// would exceed it, the one seen longest ago ends early (and is reported if its
	// rule would report it at its end).
	MaxTracks int
	// Gap is how long a plate may go unseen (neither read nor carried by its
	// vehicle's track) before its pass ends (default 1 s).
	Gap time.Duration
	// SettleReads is how many reads of a plate must vote before a rule without a
	// trigger line reports it while it is still in view (default 3).
	SettleReads int
	// MinReads is how many reads must vote for a pass to be reported at all
	// (default 2): one read alone is as likely a grille or a sign as a plate.
	MinReads int
}

// Vehicle is a tracked object of the analysed frame.
type Vehicle struct {
	TrackID uint64
	Class   string
	Score   float64
	Box     analytics.Box
}

// Frame is one analysed picture and the objects tracked in it.
type Frame struct {
	Time     time.Time
	Pic      plate.Picture
	Vehicles []Vehicle
}

// Capture is one plate record: a vehicle pass reported by one rule.
type Capture struct {
	// EventID is stable for this pass and rule.
	EventID string
	RuleID  string
	// Time is the pass time: when the plate crossed the trigger line, else the
	// capture time of the best read.
	Time time.Time
	// Direction is the crossing direction of a triggered pass.
	Direction rules.Direction
	// Result is the vote over the pass's reads; Type its GA 24.7 plate type.
	Result plate.Result
	Type   plate.Type
	// Box is the best read's plate box in the picture (normalized).
	Box analytics.Box
	// Vehicle is the tracked object carrying the plate at its best read, if any.
	Vehicle *Vehicle
	// Hit is the watch-list match, if any; Priority is the rule's, 1 on a block hit.
	Hit      *plate.Hit
	Priority int
	// Crop is the best read's rectified plate; Scene the picture it was read in.
	Crop  plate.Picture
	Scene plate.Picture
}

// Stats counts what a Stage did.
type Stats struct {
	Reads, Passes, Captures, Suppressed, ReadErrors uint64
}

// Stage is one camera's plate capture.
type Stage struct {
	opts Options

	mu      sync.Mutex
	rules   []rules.Rule
	dedupe  map[string]*plate.Deduper
	lists   map[string][]plate.List
	trigger *rules.Evaluator
	tracks  []*passTrack
	nextID  uint64
	stats   Stats
	closed  bool
	// pending are captures of passes ended early (MaxTracks) during this frame.
	pending []Capture
}

// New returns a Stage without rules.
func New(opts Options) (*Stage, error) {
	if opts.Reader == nil {
		return nil, errors.New("platecap: a plate reader is required")
	}
	if opts.MaxTracks <= 0 {
		opts.MaxTracks = DefaultMaxTracks
	}
	if opts.Gap <= 0 {
		opts.Gap = DefaultGap
	}
	if opts.SettleReads <= 0 {
		opts.SettleReads = DefaultSettleReads
	}
	if opts.MinReads <= 0 {
		opts.MinReads = DefaultMinReads
	}
	s := &Stage{opts: opts, dedupe: map[string]*plate.Deduper{}, lists: map[string][]plate.List{}}
	s.trigger = rules.NewEvaluator(opts.Camera, nil)
	return s, nil
}

// Engine names the stage's plate reader.
func (s *Stage) Engine() string { return s.opts.Reader.Engine() }

// SetRules replaces the plate rules: of rs it keeps the enabled plate rules of the
// stage's camera. A rule that stays keeps its dedupe memory (its window may change).
func (s *Stage) SetRules(rs []rules.Rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []rules.Rule
	var triggers []rules.Rule
	dedupe := map[string]*plate.Deduper{}
	lists := map[string][]plate.List{}
	for _, r := range rs {
		if r.Type != rules.TypePlate || !r.Enabled || r.Camera != s.opts.Camera {
			continue
		}
		keep = append(keep, r)
		d := s.dedupe[r.ID]
		if d == nil || old(s.rules, r.ID).EffectiveDedupeWindow() != r.EffectiveDedupeWindow() {
			d = plate.NewDeduper(r.EffectiveDedupeWindow(), dedupeMax)
			d.Tolerance = dedupeTolerance
		}
		dedupe[r.ID] = d
		for _, l := range r.Lists {
			pl := plate.List{Kind: l.Kind, Name: l.Name}
			for _, e := range l.Entries {
				pl.Entries = append(pl.Entries, plate.Entry{Text: e.Text, Note: e.Note})
			}
			lists[r.ID] = append(lists[r.ID], pl)
		}
		if t, ok := r.TriggerRule(); ok {
			triggers = append(triggers, t)
		}
	}
	s.rules, s.dedupe, s.lists = keep, dedupe, lists
	s.trigger.SetRules(triggers)
}

func old(rs []rules.Rule, id string) *rules.Rule {
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i]
		}
	}
	return &rules.Rule{}
}

// HasRules reports whether any plate rule is in force.
func (s *Stage) HasRules() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rules) > 0
}

// Stats returns the counters.
func (s *Stage) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close ends the stage and closes its reader; it reports nothing.
func (s *Stage) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.tracks = nil
	return s.opts.Reader.Close()
}

// Process reads the plates of one frame and returns the passes it completes.
// A read error is returned after what the frame's other searches found was
// used.
func (s *Stage) Process(f Frame) ([]Capture, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.rules) == 0 || !f.Pic.Valid() {
		return nil, nil
	}
	finds, err := s.read(f)
	s.stats.Reads += uint64(len(finds))
	s.associate(f, finds)
	out := s.pending
	s.pending = nil
	s.fireTriggers(f)
	out = s.settle(out)
	out = s.expire(f.Time, out)
	return out, err
}

// Finish ends every pass, as at the end of a clip, and returns what they report.
func (s *Stage) Finish(t time.Time) []Capture {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Capture
	for _, tr := range s.tracks {
		out = s.end(tr, out)
	}
	s.tracks = nil
	return out
}

// read runs the reader over the areas the rules watch. Rules without classes
// search their whole region while anything is tracked or a plate is followed;
// rules with classes search the boxes of those vehicles inside their region.
func (s *Stage) read(f Frame) ([]finding, error) {
	w, h := f.Pic.W, f.Pic.H
	full := image.Rect(0, 0, w, h)
	var regions image.Rectangle
	var rois []image.Rectangle
	minH := 0
	for i, r := range s.rules {
		if i == 0 || r.MinPlateHeight < minH {
			minH = r.MinPlateHeight
		}
		area := regionRect(&s.rules[i], w, h)
		if len(r.Classes) == 0 {
			if len(f.Vehicles) > 0 || len(s.tracks) > 0 {
				regions = regions.Union(area)
			}
			continue
		}
		for _, v := range f.Vehicles {
			if !slices.Contains(r.Classes, v.Class) {
				continue
			}
			mx, my := v.Box.W()*roiMargin, v.Box.H()*roiMargin
			b := pixRect(analytics.Box{X1: v.Box.X1 - mx, Y1: v.Box.Y1 - my, X2: v.Box.X2 + mx, Y2: v.Box.Y2 + my}, w, h)
			if b = b.Intersect(area).Intersect(full); !b.Empty() {
				rois = append(rois, b)
			}
		}
	}
	if !regions.Empty() {
		// The whole-region search covers the vehicle boxes inside it.
		kept := []image.Rectangle{regions}
		for _, b := range rois {
			if !b.In(regions) {
				kept = append(kept, b)
			}
		}
		rois = kept
	}
	var out []finding
	var errs []error
	for _, roi := range rois {
		fs, err := s.opts.Reader.Read(f.Pic, roi, minH)
		if err != nil {
			s.stats.ReadErrors++
			errs = append(errs, fmt.Errorf("read plates in %v: %w", roi, err))
			continue
		}
		for _, fd := range fs {
			if plate.Normalize(fd.Text) == "" || fd.Box.Dx() < fd.Box.Dy() {
				continue // no text, or taller than wide: no plate stands on its end
			}
			out = addFinding(out, newFinding(fd, w, h))
		}
	}
	return out, errors.Join(errs...)
}

// regionRect is the bounding rectangle of a rule's capture region in pixels.
func regionRect(r *rules.Rule, w, h int) image.Rectangle {
	if len(r.Polygon) == 0 {
		return image.Rect(0, 0, w, h)
	}
	b := analytics.Box{X1: 1, Y1: 1}
	for _, p := range r.Polygon {
		b.X1, b.Y1, b.X2, b.Y2 = min(b.X1, p.X), min(b.Y1, p.Y), max(b.X2, p.X), max(b.Y2, p.Y)
	}
	return pixRect(b, w, h)
}

func pixRect(b analytics.Box, w, h int) image.Rectangle {
	r := image.Rect(int(b.X1*float64(w)), int(b.Y1*float64(h)), int(b.X2*float64(w)+0.999), int(b.Y2*float64(h)+0.999))
	return r.Intersect(image.Rect(0, 0, w, h))
}
