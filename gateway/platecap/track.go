package platecap

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/rules"
)

// finding is a plate read of this frame with its normalized box.
type finding struct {
	plate.Finding
	box analytics.Box
}

func newFinding(fd plate.Finding, w, h int) finding {
	return finding{Finding: fd, box: analytics.Box{
		X1: float64(fd.Box.Min.X) / float64(w), Y1: float64(fd.Box.Min.Y) / float64(h),
		X2: float64(fd.Box.Max.X) / float64(w), Y2: float64(fd.Box.Max.Y) / float64(h),
	}}
}

// addFinding appends fd unless an overlapping search already found the same
// plate; of two, the more confident read stays.
func addFinding(fs []finding, fd finding) []finding {
	for i := range fs {
		if fs[i].box.IoU(fd.box) > 0.5 {
			if fd.Conf > fs[i].Conf {
				fs[i] = fd
			}
			return fs
		}
	}
	return append(fs, fd)
}

// passTrack follows one plate through the frames of one vehicle pass.
type passTrack struct {
	id        uint64
	cons      *plate.Consensus
	box       analytics.Box // last known plate box (read, or carried by its vehicle)
	first     time.Time
	firstBox  analytics.Box // the plate at its first read
	lastAlive time.Time
	vehicle   *Vehicle // the tracked object carrying the plate, last seen
	rules     map[string]bool
	fired     map[string]bool
	triggered map[string]triggerHit
	// the best read so far (largest plate area), its box, vehicle and picture
	bestArea    float64
	bestBox     analytics.Box
	bestVehicle *Vehicle
	scene       plate.Picture
}

type triggerHit struct {
	at  time.Time
	dir rules.Direction
}

func centre(b analytics.Box) (float64, float64) { return (b.X1 + b.X2) / 2, (b.Y1 + b.Y2) / 2 }

// associate adds the frame's reads to the passes they continue (the nearest
// plate within one and a half plate widths, seen within the gap) or starts new
// passes; passes without a read follow their vehicle's track.
func (s *Stage) associate(f Frame, finds []finding) {
	used := make([]bool, len(finds))
	seen := make(map[*passTrack]bool, len(s.tracks))
	for {
		bi, bt, bd := -1, (*passTrack)(nil), math.Inf(1)
		for i, fd := range finds {
			if used[i] {
				continue
			}
			fx, fy := centre(fd.box)
			for _, tr := range s.tracks {
				if seen[tr] || f.Time.Sub(tr.lastAlive) > s.opts.Gap {
					continue
				}
				tx, ty := centre(tr.box)
				gate := 1.5 * max(tr.box.W(), fd.box.W())
				if d := math.Hypot(fx-tx, fy-ty); d <= gate && d < bd {
					bi, bt, bd = i, tr, d
				}
			}
		}
		if bi < 0 {
			break
		}
		used[bi], seen[bt] = true, true
		s.addRead(bt, f, finds[bi])
	}
	for _, tr := range s.tracks {
		if !seen[tr] {
			s.carry(tr, f)
		}
	}
	for i, fd := range finds {
		if used[i] || !s.wanted(fd, f) {
			continue
		}
		if len(s.tracks) >= s.opts.MaxTracks {
			s.evictOldest()
		}
		s.nextID++
		tr := &passTrack{
			id: s.nextID, cons: plate.NewConsensus(plate.ConsensusOptions{}), first: f.Time,
			rules: map[string]bool{}, fired: map[string]bool{}, triggered: map[string]triggerHit{},
		}
		tr.firstBox = fd.box
		s.tracks = append(s.tracks, tr)
		s.addRead(tr, f, fd)
	}
}

// wanted reports whether any rule watches where fd was found.
func (s *Stage) wanted(fd finding, f Frame) bool {
	v := vehicleAt(fd.box, f.Vehicles)
	for i := range s.rules {
		if s.covers(&s.rules[i], fd.box, v) {
			return true
		}
	}
	return false
}

// covers reports whether rule r watches a plate at box carried by v.
func (s *Stage) covers(r *rules.Rule, box analytics.Box, v *Vehicle) bool {
	x, y := centre(box)
	if !r.InRegion(rules.Point{X: x, Y: y}) {
		return false
	}
	return len(r.Classes) == 0 || (v != nil && slices.Contains(r.Classes, v.Class))
}

// vehicleAt returns the smallest tracked box holding the plate's centre.
func vehicleAt(box analytics.Box, vs []Vehicle) *Vehicle {
	x, y := centre(box)
	var best *Vehicle
	for i := range vs {
		b := vs[i].Box
		if x >= b.X1 && x <= b.X2 && y >= b.Y1 && y <= b.Y2 && (best == nil || b.Area() < best.Box.Area()) {
			v := vs[i]
			best = &v
		}
	}
	return best
}

func (s *Stage) addRead(tr *passTrack, f Frame, fd finding) {
	v := vehicleAt(fd.box, f.Vehicles)
	tr.box, tr.lastAlive = fd.box, f.Time
	if v != nil {
		tr.vehicle = v
	}
	for i := range s.rules {
		if r := &s.rules[i]; s.covers(r, fd.box, v) {
			tr.rules[r.ID] = true
		}
	}
	area := float64(fd.Box.Dx() * fd.Box.Dy())
	tr.cons.Add(plate.Read{
		Text: fd.Text, CharConf: fd.CharConf, Conf: fd.Conf, Color: fd.Color, ColorConf: fd.ColorConf,
		Crop: fd.Crop, At: f.Time, Area: area,
	})
	if area > tr.bestArea {
		tr.bestArea, tr.bestBox, tr.bestVehicle = area, fd.box, v
		tr.scene = copyPicture(tr.scene, f.Pic)
	}
}

// carry moves a pass without a read this frame along with its vehicle's track,
// which keeps it alive.
func (s *Stage) carry(tr *passTrack, f Frame) {
	if tr.vehicle == nil || f.Time.Sub(tr.lastAlive) > s.opts.Gap {
		return
	}
	for _, v := range f.Vehicles {
		if v.TrackID != tr.vehicle.TrackID {
			continue
		}
		dx := (v.Box.X1 + v.Box.X2 - tr.vehicle.Box.X1 - tr.vehicle.Box.X2) / 2
		dy := v.Box.Y2 - tr.vehicle.Box.Y2
		tr.box = analytics.Box{X1: tr.box.X1 + dx, Y1: tr.box.Y1 + dy, X2: tr.box.X2 + dx, Y2: tr.box.Y2 + dy}
		vv := v
		tr.vehicle, tr.lastAlive = &vv, f.Time
		return
	}
}

func copyPicture(dst, src plate.Picture) plate.Picture {
	n := src.W * src.H * 3
	if cap(dst.Pix) < n {
		dst.Pix = make([]byte, n)
	}
	dst.Pix = dst.Pix[:n]
	copy(dst.Pix, src.Pix[:n])
	dst.W, dst.H = src.W, src.H
	return dst
}

// fireTriggers steps every live pass over the trigger lines; a crossing in an
// accepted direction arms the pass for that rule.
func (s *Stage) fireTriggers(f Frame) {
	obs := rules.Observation{Time: f.Time}
	// Every live pass is observed, at its last known place when this frame has
	// neither a read nor its vehicle: the crossing is then found when the plate
	// is seen again beyond the line.
	for _, tr := range s.tracks {
		x := (tr.box.X1 + tr.box.X2) / 2
		obs.Objects = append(obs.Objects, rules.Object{
			TrackID: tr.id, Class: "object", Score: 1,
			Box:  rules.Box{X1: tr.box.X1, Y1: tr.box.Y1, X2: tr.box.X2, Y2: tr.box.Y2},
			Foot: rules.Point{X: x, Y: tr.box.Y2},
		})
	}
	for _, ev := range s.trigger.Update(obs) {
		for _, tr := range s.tracks {
			if tr.id == ev.Objects[0].TrackID && tr.rules[ev.RuleID] {
				if _, done := tr.triggered[ev.RuleID]; !done {
					tr.triggered[ev.RuleID] = triggerHit{at: ev.Time, dir: ev.Direction}
				}
			}
		}
	}
}

// settle reports the passes that are ready while still in view: triggered ones
// (line rules) with a valid vote, and, for rules without a line, votes of at
// least SettleReads reads.
func (s *Stage) settle(out []Capture) []Capture {
	for _, tr := range s.tracks {
		for i := range s.rules {
			r := &s.rules[i]
			if !tr.rules[r.ID] || tr.fired[r.ID] {
				continue
			}
			res, ok := tr.cons.Result()
			if !ok || res.Reads < s.opts.MinReads || res.Conf < minConf {
				continue
			}
			hit, triggered := tr.triggered[r.ID]
			_, hasLine := r.TriggerRule()
			switch {
			case hasLine && triggered:
				out = s.report(r, tr, res, hit, out)
			case !hasLine && res.Reads >= s.opts.SettleReads && tr.moved():
				out = s.report(r, tr, res, triggerHit{}, out)
			}
		}
	}
	return out
}

// expire ends the passes not seen within the gap.
func (s *Stage) expire(now time.Time, out []Capture) []Capture {
	kept := s.tracks[:0]
	for _, tr := range s.tracks {
		if now.Sub(tr.lastAlive) > s.opts.Gap {
			out = s.end(tr, out)
			continue
		}
		kept = append(kept, tr)
	}
	clear(s.tracks[len(kept):])
	s.tracks = kept
	return out
}

func (s *Stage) evictOldest() {
	oldest := 0
	for i, tr := range s.tracks {
		if tr.lastAlive.Before(s.tracks[oldest].lastAlive) {
			oldest = i
		}
	}
	// What it reports is lost to the caller of this frame only if the rule
	// would have reported at the end; count it as a pass all the same.
	s.pending = s.end(s.tracks[oldest], s.pending)
	s.tracks = append(s.tracks[:oldest], s.tracks[oldest+1:]...)
}

// end reports, for the rules without a trigger line, a pass that leaves with a
// valid vote it has not reported yet.
func (s *Stage) end(tr *passTrack, out []Capture) []Capture {
	s.stats.Passes++
	res, ok := tr.cons.Result()
	if !ok || res.Reads < s.opts.MinReads || res.Conf < minConf {
		return out
	}
	for i := range s.rules {
		r := &s.rules[i]
		if !tr.rules[r.ID] || tr.fired[r.ID] {
			continue
		}
		if _, hasLine := r.TriggerRule(); hasLine {
			hit, triggered := tr.triggered[r.ID]
			if triggered {
				out = s.report(r, tr, res, hit, out)
			}
			continue
		}
		if tr.moved() {
			out = s.report(r, tr, res, triggerHit{}, out)
		}
	}
	return out
}

// moved reports whether the plate moved at least its own height since its first
// read: a vehicle passes; a stripe, sign or lane marking read as a plate does
// not. (A trigger line needs no such check: crossing it is moving.)
func (tr *passTrack) moved() bool {
	x0, y0 := centre(tr.firstBox)
	x1, y1 := centre(tr.box)
	return math.Hypot(x1-x0, y1-y0) >= tr.firstBox.H()
}

// report builds the capture of pass tr for rule r unless the rule's deduper has
// seen the plate inside its window.
func (s *Stage) report(r *rules.Rule, tr *passTrack, res plate.Result, trig triggerHit, out []Capture) []Capture {
	tr.fired[r.ID] = true
	at := res.Best.At
	if !trig.at.IsZero() {
		at = trig.at
	}
	if s.dedupe[r.ID].Seen(s.opts.Camera, res.Text, at) {
		s.stats.Suppressed++
		return out
	}
	s.stats.Captures++
	c := Capture{
		EventID: eventID(s.opts.Camera, r.ID, tr.id, tr.first, res.Text),
		RuleID:  r.ID, Time: at, Direction: trig.dir, Result: res,
		Type: plate.TypeOf(res.Plate, res.Color), Box: tr.bestBox, Vehicle: tr.bestVehicle,
		Priority: r.EffectivePriority(), Scene: copyPicture(plate.Picture{}, tr.scene),
	}
	if crop, ok := res.Best.Crop.(plate.Picture); ok {
		c.Crop = crop
	}
	if hit, ok := plate.Match(s.lists[r.ID], res.Text, r.ListDistance); ok {
		c.Hit = &hit
		if hit.List == plate.ListBlock {
			c.Priority = 1
		}
	}
	return append(out, c)
}

// eventID is stable for one pass of one plate under one rule: the same clip
// analysed twice gives the same ids.
func eventID(camera, rule string, pass uint64, first time.Time, text string) string {
	h := sha256.New()
	for _, s := range []string{camera, rule, "plate", strconv.FormatUint(pass, 10), strconv.FormatInt(first.UnixNano(), 10), text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
