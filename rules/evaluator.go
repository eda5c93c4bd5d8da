package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"time"
)

// Box is an axis-aligned box in normalized image coordinates: X1,Y1 the
// top-left corner, X2,Y2 the bottom-right one.
type Box struct {
	X1, Y1, X2, Y2 float64
}

// Object is one tracked object in an observation.
type Object struct {
	TrackID uint64
	Class   string
	Score   float64
	Box     Box
	// Foot is where the object touches the ground (bottom-centre of the box);
	// rules test this point.
	Foot Point
}

// Observation is what one camera's tracker reports for one frame. Objects must
// hold every track the caller wants to keep alive: a track missing from an
// observation is gone, and its open events end.
type Observation struct {
	// Time is the frame's capture time; it drives every duration and cooldown.
	Time    time.Time
	Objects []Object
}

// Action is the phase of an event that a message reports.
type Action string

// Event actions.
const (
	// ActionStart opens an event with a duration (an intrusion).
	ActionStart Action = "start"
	// ActionUpdate reports an open event that changed: a crowd_dwell whose peak
	// count rose.
	ActionUpdate Action = "update"
	// ActionEnd closes the event of the same EventID.
	ActionEnd Action = "end"
	// ActionPulse is an instantaneous event (a tripwire crossing).
	ActionPulse Action = "pulse"
)

// Event is one message produced by a rule.
type Event struct {
	// EventID is shared by all messages of one event and derived from camera,
	// rule, track and start time, so analysing the same clip again gives the
	// same ids.
	EventID  string
	RuleID   string
	RuleName string
	Camera   string
	Type     Type
	Action   Action
	// Time is the observation time of the frame that produced the message.
	Time time.Time
	// Direction is set for tripwire pulses: DirectionAToB or DirectionBToA.
	Direction Direction
	// Objects are the objects involved, as seen in that frame (for an end
	// caused by a track disappearing: as last seen).
	Objects []Object
	// Duration is, for intrusion and loitering, how long the object has been
	// inside the zone; for crowd_dwell, how long the gathering has lasted.
	Duration time.Duration
	// Count and PeakCount are, for crowd_dwell, the objects in the zone now and
	// the most seen during the episode.
	Count, PeakCount int
}

// Evaluator runs the rules of one camera over its observations. It is not safe
// for concurrent use: the camera's pipeline goroutine owns it.
type Evaluator struct {
	camera   string
	evals    []ruleEval
	loc      *time.Location  // the camera's time zone, for schedules
	disarmed map[string]bool // rules outside their schedule, by id
	last     time.Time       // time of the latest observation
	seen     map[uint64]bool
	objs     []Object
}

// ruleEval is the state machine of one rule. A new rule type implements it and
// adds a case to newRuleEval.
type ruleEval interface {
	rule() *Rule
	// update evaluates one observation and appends its events to out.
	update(f *frame, out []Event) []Event
	// carry adopts r, an edited version of the rule with the same id and type,
	// keeping open events and per-track state.
	carry(r Rule)
	// close ends every open event at t and appends the end events to out.
	close(t time.Time, out []Event) []Event
}

// frame is one deduplicated observation.
type frame struct {
	t       time.Time
	objs    []Object
	present map[uint64]bool
}

func newRuleEval(camera string, r Rule) ruleEval {
	switch r.Type {
	case TypeTripwire:
		return newTripwire(camera, r)
	case TypeIntrusion, TypeLoitering:
		return newIntrusion(camera, r)
	case TypeCrowdDwell:
		return newCrowd(camera, r)
	}
	return nil
}

// NewEvaluator returns the evaluator of camera cameraID. Of rules, it keeps the
// enabled ones whose Camera is cameraID; pass validated rules (an invalid one
// never fires, and of two rules with one id only the first counts).
func NewEvaluator(cameraID string, rules []Rule) *Evaluator {
	e := &Evaluator{camera: cameraID, seen: map[uint64]bool{}, disarmed: map[string]bool{}, loc: time.UTC}
	e.SetRules(rules)
	return e
}

// SetLocation sets the camera's time zone, in which rule schedules are read
// (default UTC; the gateway passes the camera's, Asia/Shanghai unless set).
func (e *Evaluator) SetLocation(loc *time.Location) {
	if loc != nil {
		e.loc = loc
	}
}

// SetRules replaces the rule set. A rule whose id and type persist keeps its
// state: an open intrusion keeps its event id and does not start again,
// cooldowns keep running. A rule that is removed, disabled, moved to another
// camera or changes type ends its open events; SetRules returns those end
// events, stamped with the time of the latest observation.
func (e *Evaluator) SetRules(rules []Rule) []Event {
	old := make(map[string]ruleEval, len(e.evals))
	for _, ev := range e.evals {
		old[ev.rule().ID] = ev
	}
	next := make([]ruleEval, 0, len(rules))
	taken := map[string]bool{}
	for _, r := range rules {
		if r.Camera != e.camera || !r.Enabled || taken[r.ID] {
			continue
		}
		r.Classes, r.Polygon, r.Polyline = slices.Clone(r.Classes), slices.Clone(r.Polygon), slices.Clone(r.Polyline)
		if prev, ok := old[r.ID]; ok && prev.rule().Type == r.Type {
			prev.carry(r)
			next = append(next, prev)
			taken[r.ID] = true
			continue
		}
		if ev := newRuleEval(e.camera, r); ev != nil {
			next = append(next, ev)
			taken[r.ID] = true
		}
	}
	var out []Event
	for _, ev := range e.evals {
		if !slices.Contains(next, ev) {
			out = ev.close(e.last, out)
		}
	}
	e.evals = next
	return out
}

// Update evaluates one observation and returns the events it causes, in rule
// order. Observations should come in time order.
func (e *Evaluator) Update(obs Observation) []Event {
	e.last = obs.Time
	clear(e.seen)
	e.objs = e.objs[:0]
	for _, o := range obs.Objects {
		if !e.seen[o.TrackID] { // the first report of a track wins
			e.seen[o.TrackID] = true
			e.objs = append(e.objs, o)
		}
	}
	f := &frame{t: obs.Time, objs: e.objs, present: e.seen}
	var out []Event
	for i, ev := range e.evals {
		r := ev.rule()
		if !r.Schedule.Armed(obs.Time, e.loc) {
			if !e.disarmed[r.ID] {
				// Disarming ends open events and forgets every track, so re-arming
				// later never fires for what happened meanwhile.
				e.disarmed[r.ID] = true
				out = ev.close(obs.Time, out)
				e.evals[i] = newRuleEval(e.camera, *r)
			}
			continue
		}
		delete(e.disarmed, r.ID)
		out = ev.update(f, out)
	}
	return out
}

// eventID derives the id of an event from what identifies it.
func eventID(camera, ruleID string, trackID uint64, start time.Time) string {
	h := sha256.New()
	for _, s := range []string{camera, ruleID, strconv.FormatUint(trackID, 10), strconv.FormatInt(start.UnixNano(), 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// sortedGone returns, in increasing order, the ids in state that are not present.
func sortedGone[V any](state map[uint64]V, present map[uint64]bool) []uint64 {
	var gone []uint64
	for id := range state {
		if !present[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	return gone
}
