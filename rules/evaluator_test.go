package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/rules"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const frame = 200 * time.Millisecond // 5 fps

func p(x, y float64) rules.Point { return rules.Point{X: x, Y: y} }

// obj is a track standing with its foot at (x, y).
func obj(id uint64, class string, x, y float64) rules.Object {
	return rules.Object{
		TrackID: id, Class: class, Score: 0.9, Foot: p(x, y),
		Box: rules.Box{X1: x - 0.03, Y1: y - 0.18, X2: x + 0.03, Y2: y},
	}
}

// clock steps frame by frame from t0.
type clock struct{ now time.Time }

func newClock() *clock { return &clock{now: t0} }

func (c *clock) step(d time.Duration) time.Time {
	c.now = c.now.Add(d)
	return c.now
}

func tripwire(mod ...func(*rules.Rule)) rules.Rule {
	r := rules.Rule{
		ID: "door", Name: "Front door", Camera: "cam1", Type: rules.TypeTripwire, Enabled: true,
		Line: [2]rules.Point{p(0, 0.6), p(1, 0.6)},
	}
	for _, m := range mod {
		m(&r)
	}
	return r
}

func zone(mod ...func(*rules.Rule)) rules.Rule {
	r := rules.Rule{
		ID: "yard", Name: "Yard", Camera: "cam1", Type: rules.TypeIntrusion, Enabled: true,
		Polygon:     []rules.Point{p(0.2, 0.2), p(0.8, 0.2), p(0.8, 0.8), p(0.2, 0.8)},
		MinDuration: time.Second,
	}
	for _, m := range mod {
		m(&r)
	}
	return r
}

// step is one observation of a scripted scenario and the events it must cause.
type step struct {
	dt   time.Duration // time since the previous step
	objs []rules.Object
	want []want
}

// want describes an expected event; EventID equality is checked by group:
// events with the same non-empty group share their id, different groups differ.
type want struct {
	rule     string
	action   rules.Action
	dir      rules.Direction
	track    uint64
	duration time.Duration
	group    string
}

func runSteps(t *testing.T, e *rules.Evaluator, c *clock, steps []step) {
	t.Helper()
	ids := map[string]string{}
	for i, s := range steps {
		now := c.step(s.dt)
		got := e.Update(rules.Observation{Time: now, Objects: s.objs})
		requireEvents(t, i, now, ids, s.want, got)
	}
}

func requireEvents(t *testing.T, i int, now time.Time, ids map[string]string, want []want, got []rules.Event) {
	t.Helper()
	require.Len(t, got, len(want), "step %d: events %+v", i, got)
	for k, w := range want {
		g := got[k]
		require.Equal(t, w.rule, g.RuleID, "step %d event %d", i, k)
		require.Equal(t, w.action, g.Action, "step %d event %d", i, k)
		require.Equal(t, w.dir, g.Direction, "step %d event %d", i, k)
		require.Equal(t, now, g.Time, "step %d event %d", i, k)
		require.Equal(t, "cam1", g.Camera)
		require.Len(t, g.Objects, 1)
		require.Equal(t, w.track, g.Objects[0].TrackID, "step %d event %d", i, k)
		require.Equal(t, w.duration, g.Duration, "step %d event %d", i, k)
		require.NotEmpty(t, g.EventID)
		if w.group != "" {
			if id, ok := ids[w.group]; ok {
				require.Equal(t, id, g.EventID, "step %d: event id of %s changed", i, w.group)
			}
			for grp, id := range ids {
				if grp != w.group {
					require.NotEqual(t, id, g.EventID, "step %d: %s reuses the id of %s", i, w.group, grp)
				}
			}
			ids[w.group] = g.EventID
		}
	}
}

func objs(o ...rules.Object) []rules.Object { return o }

func TestTripwire(t *testing.T) {
	ab, ba := rules.DirectionAToB, rules.DirectionBToA
	pulse := func(rule string, dir rules.Direction, track uint64) want {
		return want{rule: rule, action: rules.ActionPulse, dir: dir, track: track}
	}
	cases := []struct {
		name  string
		rules []rules.Rule
		steps []step
	}{
		{
			name:  "one crossing fires one pulse",
			rules: []rules.Rule{tripwire()},
			steps: []step{
				{0, objs(obj(1, "person", 0.5, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.55)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.65)), []want{pulse("door", ab, 1)}},
				{frame, objs(obj(1, "person", 0.5, 0.75)), nil},
			},
		},
		{
			name:  "direction filter",
			rules: []rules.Rule{tripwire(func(r *rules.Rule) { r.Direction = rules.DirectionBToA })},
			steps: []step{
				{0, objs(obj(1, "person", 0.5, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.7)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.4)), []want{pulse("door", ba, 1)}},
			},
		},
		{
			name:  "class filter",
			rules: []rules.Rule{tripwire(func(r *rules.Rule) { r.Classes = []string{"car", "truck"} })},
			steps: []step{
				{0, objs(obj(1, "person", 0.3, 0.4), obj(2, "car", 0.6, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.3, 0.7), obj(2, "car", 0.6, 0.7)), []want{pulse("door", ab, 2)}},
			},
		},
		{
			name:  "disabled rule never fires",
			rules: []rules.Rule{tripwire(func(r *rules.Rule) { r.Enabled = false })},
			steps: []step{
				{0, objs(obj(1, "person", 0.5, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.7)), nil},
			},
		},
		{
			name:  "rule of another camera is ignored",
			rules: []rules.Rule{tripwire(func(r *rules.Rule) { r.Camera = "cam2" })},
			steps: []step{
				{0, objs(obj(1, "person", 0.5, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.7)), nil},
			},
		},
		{
			name:  "cooldown is per track",
			rules: []rules.Rule{tripwire(func(r *rules.Rule) { r.Cooldown = time.Second })},
			steps: []step{
				{0, objs(obj(1, "person", 0.3, 0.4), obj(2, "person", 0.6, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.3, 0.7), obj(2, "person", 0.6, 0.4)), []want{pulse("door", ab, 1)}},
				// Track 1 comes back within the cooldown: suppressed; track 2 still fires.
				{frame, objs(obj(1, "person", 0.3, 0.4), obj(2, "person", 0.6, 0.7)), []want{pulse("door", ab, 2)}},
				{frame, objs(obj(1, "person", 0.3, 0.7), obj(2, "person", 0.6, 0.7)), nil},
				// 1 s after its pulse, track 1 fires again.
				{600 * time.Millisecond, objs(obj(1, "person", 0.3, 0.4), obj(2, "person", 0.6, 0.7)), []want{pulse("door", ba, 1)}},
			},
		},
		{
			name:  "no cooldown: every crossing fires",
			rules: []rules.Rule{tripwire()},
			steps: []step{
				{0, objs(obj(1, "person", 0.3, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.3, 0.7)), []want{pulse("door", ab, 1)}},
				{frame, objs(obj(1, "person", 0.3, 0.4)), []want{pulse("door", ba, 1)}},
				{frame, objs(obj(1, "person", 0.3, 0.7)), []want{pulse("door", ab, 1)}},
			},
		},
		{
			name:  "a track that disappears and a new id on the other side: no crossing",
			rules: []rules.Rule{tripwire()},
			steps: []step{
				{0, objs(obj(1, "person", 0.3, 0.4)), nil},
				{frame, nil, nil},
				{frame, objs(obj(2, "person", 0.3, 0.7)), nil},
			},
		},
		{
			name: "two rules in rule order",
			rules: []rules.Rule{
				tripwire(),
				tripwire(func(r *rules.Rule) { r.ID = "door2"; r.Line = [2]rules.Point{p(1, 0.65), p(0, 0.65)} }),
			},
			steps: []step{
				{0, objs(obj(1, "person", 0.5, 0.4)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.7)), []want{pulse("door", ab, 1), pulse("door2", ba, 1)}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runSteps(t, rules.NewEvaluator("cam1", tc.rules), newClock(), tc.steps)
		})
	}
}

func TestIntrusion(t *testing.T) {
	start := func(track uint64, d time.Duration, group string) want {
		return want{rule: "yard", action: rules.ActionStart, track: track, duration: d, group: group}
	}
	end := func(track uint64, d time.Duration, group string) want {
		return want{rule: "yard", action: rules.ActionEnd, track: track, duration: d, group: group}
	}
	in := func(id uint64) rules.Object { return obj(id, "person", 0.5, 0.5) }
	out := func(id uint64) rules.Object { return obj(id, "person", 0.9, 0.5) }
	const eps = time.Millisecond
	cases := []struct {
		name  string
		rules []rules.Rule
		steps []step
	}{
		{
			name:  "no alert before min_duration, alert at min_duration, end on leaving",
			rules: []rules.Rule{zone()},
			steps: []step{
				{0, objs(in(1)), nil},
				{time.Second - eps, objs(in(1)), nil},
				{eps, objs(in(1)), []want{start(1, time.Second, "a")}},
				{frame, objs(in(1)), nil},
				{frame, objs(in(1)), nil},
				{frame, objs(out(1)), []want{end(1, 1600*time.Millisecond, "a")}},
				{frame, objs(out(1)), nil},
			},
		},
		{
			name:  "frame by frame at 5 fps",
			rules: []rules.Rule{zone()},
			steps: []step{
				{0, objs(out(1)), nil},
				{frame, objs(in(1)), nil},
				{frame, objs(in(1)), nil},
				{frame, objs(in(1)), nil},
				{frame, objs(in(1)), nil},
				{frame, objs(in(1)), nil},
				{frame, objs(in(1)), []want{start(1, time.Second, "a")}},
				{frame, objs(in(1)), nil},
			},
		},
		{
			name:  "leaving before min_duration resets the stay",
			rules: []rules.Rule{zone()},
			steps: []step{
				{0, objs(in(1)), nil},
				{800 * time.Millisecond, objs(in(1)), nil},
				{frame, objs(out(1)), nil},
				{frame, objs(in(1)), nil},
				{800 * time.Millisecond, objs(in(1)), nil},
				{frame, objs(in(1)), []want{start(1, time.Second, "a")}},
			},
		},
		{
			name:  "track disappearing ends the event",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0 })},
			steps: []step{
				{0, objs(in(1)), []want{start(1, 0, "a")}},
				{frame, objs(in(1)), nil},
				{frame, nil, []want{end(1, 2*frame, "a")}},
			},
		},
		{
			name:  "one event per track",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0 })},
			steps: []step{
				{0, objs(in(1)), []want{start(1, 0, "a")}},
				{frame, objs(in(1), in(2)), []want{start(2, 0, "b")}},
				{frame, objs(out(1), in(2)), []want{end(1, 2*frame, "a")}},
				{frame, objs(out(1)), []want{end(2, 2*frame, "b")}},
			},
		},
		{
			name:  "cooldown holds back new starts after an end",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0; r.Cooldown = 2 * time.Second })},
			steps: []step{
				{0, objs(in(1)), []want{start(1, 0, "a")}},
				{frame, objs(out(1)), []want{end(1, frame, "a")}},
				{frame, objs(in(1), in(2)), nil},
				{time.Second, objs(in(1), in(2)), nil},
				{800*time.Millisecond - eps, objs(in(1), in(2)), nil},
				// The cooldown is over; both stays are long enough.
				{eps, objs(in(1), in(2)), []want{start(1, 2*time.Second-frame, "b"), start(2, 2*time.Second-frame, "c")}},
			},
		},
		{
			name:  "class filter",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0; r.Classes = []string{"car"} })},
			steps: []step{
				{0, objs(obj(1, "person", 0.5, 0.5), obj(2, "car", 0.4, 0.4)), []want{start(2, 0, "a")}},
			},
		},
		{
			name:  "disabled rule never fires",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0; r.Enabled = false })},
			steps: []step{
				{0, objs(in(1)), nil},
			},
		},
		{
			name:  "a track listed twice counts once",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0 })},
			steps: []step{
				{0, objs(in(1), out(1)), []want{start(1, 0, "a")}},
			},
		},
		{
			name:  "the foot decides, not the box",
			rules: []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0 })},
			steps: []step{
				// Box overlaps the zone, foot just below it.
				{0, objs(obj(1, "person", 0.5, 0.85)), nil},
				{frame, objs(obj(1, "person", 0.5, 0.8)), []want{start(1, 0, "a")}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runSteps(t, rules.NewEvaluator("cam1", tc.rules), newClock(), tc.steps)
		})
	}
}

func TestSetRulesCarriesState(t *testing.T) {
	c := newClock()
	e := rules.NewEvaluator("cam1", []rules.Rule{zone(), tripwire()})
	ids := map[string]string{}
	upd := func(dt time.Duration, o []rules.Object, w ...want) {
		t.Helper()
		now := c.step(dt)
		requireEvents(t, 0, now, ids, w, e.Update(rules.Observation{Time: now, Objects: o}))
	}
	set := func(rs []rules.Rule, w ...want) {
		t.Helper()
		requireEvents(t, 0, c.now, ids, w, e.SetRules(rs))
	}
	start := want{rule: "yard", action: rules.ActionStart, track: 1, duration: time.Second, group: "stay"}

	upd(0, objs(obj(1, "person", 0.5, 0.5)))
	upd(time.Second, objs(obj(1, "person", 0.5, 0.5)), start)

	// Same rules again, then an edited name and cooldown: the open intrusion
	// stays open under its event id and does not start again.
	set([]rules.Rule{zone(), tripwire()})
	upd(frame, objs(obj(1, "person", 0.5, 0.5)))
	set([]rules.Rule{tripwire(), zone(func(r *rules.Rule) { r.Name = "Back yard"; r.Cooldown = time.Minute })})
	upd(frame, objs(obj(1, "person", 0.5, 0.5)))

	// The zone shrinks away from the object: the carried event ends.
	set([]rules.Rule{tripwire(), zone(func(r *rules.Rule) {
		r.Polygon = []rules.Point{p(0.6, 0.2), p(0.8, 0.2), p(0.8, 0.8), p(0.6, 0.8)}
	})})
	upd(frame, objs(obj(1, "person", 0.5, 0.5)),
		want{rule: "yard", action: rules.ActionEnd, track: 1, duration: time.Second + 3*frame, group: "stay"})

	// A new stay; then the rule is removed: SetRules ends it, at the time of
	// the latest observation.
	upd(frame, objs(obj(2, "person", 0.7, 0.5)))
	upd(time.Minute, objs(obj(2, "person", 0.7, 0.5)),
		want{rule: "yard", action: rules.ActionStart, track: 2, duration: time.Minute, group: "stay2"})
	set([]rules.Rule{tripwire()},
		want{rule: "yard", action: rules.ActionEnd, track: 2, duration: time.Minute, group: "stay2"})
	upd(frame, objs(obj(2, "person", 0.7, 0.5)))
	require.Empty(t, e.SetRules([]rules.Rule{tripwire()}), "nothing left to end")
}

func TestSetRulesTypeChangeAndDisable(t *testing.T) {
	c := newClock()
	e := rules.NewEvaluator("cam1", []rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0 })})
	now := c.step(0)
	got := e.Update(rules.Observation{Time: now, Objects: objs(obj(1, "person", 0.5, 0.5))})
	require.Len(t, got, 1)
	// Disabling ends the open event.
	ended := e.SetRules([]rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0; r.Enabled = false })})
	require.Len(t, ended, 1)
	require.Equal(t, rules.ActionEnd, ended[0].Action)
	require.Equal(t, got[0].EventID, ended[0].EventID)
	// Re-enabling starts a fresh event with a new id.
	require.Empty(t, e.SetRules([]rules.Rule{zone(func(r *rules.Rule) { r.MinDuration = 0 })}))
	again := e.Update(rules.Observation{Time: c.step(frame), Objects: objs(obj(1, "person", 0.5, 0.5))})
	require.Len(t, again, 1)
	require.Equal(t, rules.ActionStart, again[0].Action)
	require.NotEqual(t, got[0].EventID, again[0].EventID)
	// The same id turning into a tripwire ends the intrusion.
	ended = e.SetRules([]rules.Rule{tripwire(func(r *rules.Rule) { r.ID = "yard" })})
	require.Len(t, ended, 1)
	require.Equal(t, again[0].EventID, ended[0].EventID)
}

func TestTripwireCooldownSurvivesSetRules(t *testing.T) {
	c := newClock()
	r := tripwire(func(r *rules.Rule) { r.Cooldown = time.Minute })
	e := rules.NewEvaluator("cam1", []rules.Rule{r})
	e.Update(rules.Observation{Time: c.step(0), Objects: objs(obj(1, "person", 0.5, 0.4))})
	require.Len(t, e.Update(rules.Observation{Time: c.step(frame), Objects: objs(obj(1, "person", 0.5, 0.7))}), 1)
	require.Empty(t, e.SetRules([]rules.Rule{r}))
	require.Empty(t, e.Update(rules.Observation{Time: c.step(frame), Objects: objs(obj(1, "person", 0.5, 0.4))}),
		"cooldown carried over the reload")
}

func TestTripwireMovedLineForgetsSides(t *testing.T) {
	c := newClock()
	e := rules.NewEvaluator("cam1", []rules.Rule{tripwire()})
	require.Empty(t, e.Update(rules.Observation{Time: c.step(0), Objects: objs(obj(1, "person", 0.5, 0.4))}))
	// The line moves above the standing track: that is no crossing.
	moved := tripwire(func(r *rules.Rule) { r.Line = [2]rules.Point{p(0, 0.3), p(1, 0.3)} })
	require.Empty(t, e.SetRules([]rules.Rule{moved}))
	require.Empty(t, e.Update(rules.Observation{Time: c.step(frame), Objects: objs(obj(1, "person", 0.5, 0.45))}))
	got := e.Update(rules.Observation{Time: c.step(frame), Objects: objs(obj(1, "person", 0.5, 0.2))})
	require.Len(t, got, 1)
	require.Equal(t, rules.DirectionBToA, got[0].Direction)
}

func TestEventIDsAreDeterministic(t *testing.T) {
	replay := func() []rules.Event {
		c := newClock()
		e := rules.NewEvaluator("cam1", []rules.Rule{tripwire(), zone(func(r *rules.Rule) { r.MinDuration = 0 })})
		var all []rules.Event
		for _, y := range []float64{0.4, 0.7, 0.9, 0.4} {
			all = append(all, e.Update(rules.Observation{Time: c.step(frame), Objects: objs(obj(7, "person", 0.5, y))})...)
		}
		return all
	}
	first, second := replay(), replay()
	// start; pulse; end; pulse and a new start.
	require.Len(t, first, 5)
	require.Equal(t, first, second)
	seen := map[string]rules.Action{}
	for _, ev := range first {
		if prev, ok := seen[ev.EventID]; ok {
			require.Equal(t, rules.ActionStart, prev, "only a start and its end share an id")
			require.Equal(t, rules.ActionEnd, ev.Action)
		}
		seen[ev.EventID] = ev.Action
	}
}

// BenchmarkEvaluator30 runs two tripwires and two zones over 30 walking tracks.
func BenchmarkEvaluator30(b *testing.B) {
	rs := []rules.Rule{
		tripwire(),
		tripwire(func(r *rules.Rule) { r.ID = "door2"; r.Line = [2]rules.Point{p(0.5, 0), p(0.5, 1)} }),
		zone(),
		zone(func(r *rules.Rule) {
			r.ID = "yard2"
			r.Polygon = []rules.Point{p(0.1, 0.1), p(0.5, 0.1), p(0.6, 0.4), p(0.3, 0.6), p(0.1, 0.4)}
		}),
	}
	e := rules.NewEvaluator("cam1", rs)
	frames := make([][]rules.Object, 100)
	for f := range frames {
		for i := range 30 {
			x := float64((i*37+f*(1+i%3))%100) / 100
			y := float64((i*53+f*(2-i%2))%100) / 100
			frames[f] = append(frames[f], obj(uint64(i+1), "person", x, y))
		}
	}
	c := newClock()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Update(rules.Observation{Time: c.step(frame), Objects: frames[i%len(frames)]})
		i++
	}
}
