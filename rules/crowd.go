package rules

import "time"

// crowd is the state machine of a crowd_dwell rule: one episode at a time.
//
//	below MinCount ──count ≥ MinCount──▶ forming (since) ──MinDuration──▶ open: start
//	open: count > peak ──▶ update; count < clear count for ClearDuration ──▶ end
//
// Cooldown holds back the next start after an end; a crowd that has formed
// during the cooldown starts when it is over.
type crowd struct {
	camera string
	r      Rule

	since      time.Time // when the count last reached MinCount; zero while below
	eventID    string    // set while an episode is open
	peak       int
	thinSince  time.Time // while open: when the count fell below the clear count; zero otherwise
	last       []Object  // the objects of the latest frame, for an end caused by SetRules
	quietUntil time.Time
}

func newCrowd(camera string, r Rule) *crowd { return &crowd{camera: camera, r: r} }

func (c *crowd) rule() *Rule { return &c.r }

func (c *crowd) inside(f *frame) []Object {
	var in []Object
	for _, o := range f.objs {
		if c.r.matchesClass(o.Class) && pointInPolygon(o.Foot, c.r.Polygon) {
			in = append(in, o)
		}
	}
	return in
}

func (c *crowd) update(f *frame, out []Event) []Event {
	in := c.inside(f)
	n := len(in)
	c.last = in
	if n >= c.r.MinCount {
		if c.since.IsZero() {
			c.since = f.t
		}
	} else if c.eventID == "" {
		c.since = time.Time{}
	}
	if c.eventID == "" {
		if c.since.IsZero() || f.t.Sub(c.since) < c.r.MinDuration || f.t.Before(c.quietUntil) {
			return out
		}
		c.eventID = eventID(c.camera, c.r.ID, 0, c.since)
		c.peak, c.thinSince = n, time.Time{}
		return append(out, c.event(ActionStart, f.t, in))
	}
	if n < c.r.clearCount() {
		if c.thinSince.IsZero() {
			c.thinSince = f.t
		}
		if f.t.Sub(c.thinSince) >= c.r.clearDuration() {
			return c.end(f.t, in, out)
		}
		return out
	}
	c.thinSince = time.Time{}
	if n > c.peak {
		c.peak = n
		out = append(out, c.event(ActionUpdate, f.t, in))
	}
	return out
}

func (c *crowd) end(t time.Time, in []Object, out []Event) []Event {
	ev := c.event(ActionEnd, t, in)
	c.eventID, c.peak, c.thinSince = "", 0, time.Time{}
	if len(in) < c.r.MinCount {
		c.since = time.Time{}
	} else {
		c.since = t // still a crowd by MinCount's measure: a new episode may form
	}
	if q := t.Add(c.r.Cooldown); c.r.Cooldown > 0 && q.After(c.quietUntil) {
		c.quietUntil = q
	}
	return append(out, ev)
}

func (c *crowd) event(a Action, t time.Time, in []Object) Event {
	return Event{
		EventID: c.eventID, RuleID: c.r.ID, RuleName: c.r.Name, Camera: c.camera,
		Type: TypeCrowdDwell, Action: a, Time: t, Objects: append([]Object(nil), in...),
		Duration: max(t.Sub(c.since), 0), Count: len(in), PeakCount: c.peak,
	}
}

// carry keeps the episode, its peak and the cooldown; the next update judges
// them against the edited zone and counts.
func (c *crowd) carry(r Rule) { c.r = r }

func (c *crowd) close(t time.Time, out []Event) []Event {
	if c.eventID == "" {
		return out
	}
	return c.end(t, c.last, out)
}
