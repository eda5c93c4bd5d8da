package rules

import "time"

// intrusion tracks each track's stay in the zone (intrusion and loitering rules). A stay of MinDuration opens
// an event (start); leaving the zone or disappearing closes it (end). After an
// end, Cooldown holds back every new start of the rule; a stay that reaches
// MinDuration during the cooldown starts when the cooldown is over.
type intrusion struct {
	camera     string
	r          Rule
	stays      map[uint64]*stay
	quietUntil time.Time
}

// stay is one track's continuous presence in the zone.
type stay struct {
	entered time.Time
	obj     Object // as last seen
	eventID string // set while the intrusion event is open
}

func newIntrusion(camera string, r Rule) *intrusion {
	return &intrusion{camera: camera, r: r, stays: map[uint64]*stay{}}
}

func (z *intrusion) rule() *Rule { return &z.r }

func (z *intrusion) inside(o Object) bool {
	return z.r.matchesClass(o.Class) && pointInPolygon(o.Foot, z.r.Polygon)
}

// update ends stays first, then opens new ones, so a cooldown started by an
// end in this frame already applies to starts in this frame.
func (z *intrusion) update(f *frame, out []Event) []Event {
	for _, id := range sortedGone(z.stays, f.present) {
		out = z.end(id, z.stays[id].obj, f.t, out)
	}
	for _, o := range f.objs {
		if z.stays[o.TrackID] != nil && !z.inside(o) {
			out = z.end(o.TrackID, o, f.t, out)
		}
	}
	for _, o := range f.objs {
		if !z.inside(o) {
			continue
		}
		st := z.stays[o.TrackID]
		if st == nil {
			st = &stay{entered: f.t}
			z.stays[o.TrackID] = st
		}
		st.obj = o
		if st.eventID != "" || f.t.Sub(st.entered) < z.r.MinDuration || f.t.Before(z.quietUntil) {
			continue
		}
		st.eventID = eventID(z.camera, z.r.ID, o.TrackID, f.t)
		out = append(out, z.event(st, ActionStart, f.t))
	}
	return out
}

// end closes track id's stay, seen last as o, at t.
func (z *intrusion) end(id uint64, o Object, t time.Time, out []Event) []Event {
	st := z.stays[id]
	delete(z.stays, id)
	if st.eventID == "" {
		return out
	}
	st.obj = o
	if q := t.Add(z.r.Cooldown); z.r.Cooldown > 0 && q.After(z.quietUntil) {
		z.quietUntil = q
	}
	return append(out, z.event(st, ActionEnd, t))
}

func (z *intrusion) event(st *stay, a Action, t time.Time) Event {
	return Event{
		EventID: st.eventID, RuleID: z.r.ID, RuleName: z.r.Name, Camera: z.camera,
		Type: z.r.Type, Action: a, Time: t, Objects: []Object{st.obj},
		Duration: max(t.Sub(st.entered), 0),
	}
}

// carry keeps stays, open events and the cooldown; the next update judges
// them against the edited zone, class filter and min_duration.
func (z *intrusion) carry(r Rule) { z.r = r }

func (z *intrusion) close(t time.Time, out []Event) []Event {
	for _, id := range sortedGone(z.stays, nil) {
		out = z.end(id, z.stays[id].obj, t, out)
	}
	return out
}
