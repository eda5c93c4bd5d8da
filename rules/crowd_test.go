package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/rules"
)

// people returns n persons standing inside the crowd zone, track ids from first.
func people(first uint64, n int) []rules.Object {
	var out []rules.Object
	for i := range n {
		out = append(out, obj(first+uint64(i), "person", 0.3+0.05*float64(i), 0.5))
	}
	return out
}

// crowdScript runs counts (persons inside per frame, 5 fps from t0) through a
// crowd_dwell rule and returns every event with the frame index that caused it.
// Each frame also has a car inside and a person outside the zone, which never count
// (the rules here count persons).
func crowdScript(t *testing.T, r rules.Rule, counts []int) ([]rules.Event, []int) {
	t.Helper()
	e := rules.NewEvaluator("cam1", []rules.Rule{r})
	var evs []rules.Event
	var at []int
	for i, n := range counts {
		o := append(people(1, n), obj(100, "car", 0.5, 0.5), obj(101, "person", 0.95, 0.95))
		for _, ev := range e.Update(rules.Observation{Time: t0.Add(time.Duration(i) * frame), Objects: o}) {
			evs = append(evs, ev)
			at = append(at, i)
		}
	}
	return evs, at
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}

func concat(parts ...[]int) []int {
	var out []int
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestCrowdDwellEpisode(t *testing.T) {
	r := crowdRule(func(r *rules.Rule) {
		r.MinCount, r.MinDuration, r.ClearCount, r.ClearDuration = 3, 2*time.Second, 2, time.Second
	})
	counts := concat(
		repeat(2, 5),  // 0–4: two people: no crowd
		repeat(3, 17), // 5–21: three from t=1.0 s; start at frame 15 (t=3.0 s)
		repeat(4, 2),  // 22–23: a fourth joins: update
		repeat(3, 3),  // 24–26
		repeat(1, 2),  // 27–28: thinning (below clear_count 2) from 27 …
		repeat(2, 1),  // 29: … interrupted: not below clear_count
		repeat(1, 6),  // 30–35: thinning from 30: end at 35 (t=7.0 s, 1 s later)
	)
	evs, at := crowdScript(t, r, counts)
	require.Len(t, evs, 3, "start, one update, end")
	start, upd, end := evs[0], evs[1], evs[2]

	require.Equal(t, rules.ActionStart, start.Action)
	require.Equal(t, 15, at[0], "MinDuration after the count first reached MinCount")
	require.Equal(t, rules.TypeCrowdDwell, start.Type)
	require.Equal(t, 3, start.Count)
	require.Equal(t, 3, start.PeakCount)
	require.Equal(t, 2*time.Second, start.Duration)
	require.Len(t, start.Objects, 3, "the car and the person outside do not count")

	require.Equal(t, rules.ActionUpdate, upd.Action)
	require.Equal(t, 22, at[1])
	require.Equal(t, 4, upd.Count)
	require.Equal(t, 4, upd.PeakCount)

	require.Equal(t, rules.ActionEnd, end.Action)
	require.Equal(t, 35, at[2], "ClearDuration below ClearCount, counted from the last dip")
	require.Equal(t, 1, end.Count)
	require.Equal(t, 4, end.PeakCount)
	require.Equal(t, 6*time.Second, end.Duration, "the gathering lasted from t=1 s to t=7 s")

	require.Equal(t, start.EventID, upd.EventID, "one event id for the episode")
	require.Equal(t, start.EventID, end.EventID)
}

func TestCrowdDwellFormingResets(t *testing.T) {
	r := crowdRule(func(r *rules.Rule) { r.MinCount, r.MinDuration = 3, 2*time.Second })
	// 1.8 s of a crowd, one frame of two, then the crowd again: the wait starts over.
	evs, at := crowdScript(t, r, concat(repeat(3, 9), repeat(2, 1), repeat(3, 11)))
	require.Len(t, evs, 1)
	require.Equal(t, 20, at[0], "MinDuration counted from frame 10, not frame 0")
}

func TestCrowdDwellNewEpisodeAndCooldown(t *testing.T) {
	r := crowdRule(func(r *rules.Rule) {
		r.MinCount, r.MinDuration, r.ClearDuration, r.Cooldown = 2, time.Second, time.Second, 3*time.Second
	})
	evs, at := crowdScript(t, r, concat(repeat(2, 6), repeat(0, 6), repeat(2, 30)))
	require.Len(t, evs, 3)
	require.Equal(t, []rules.Action{rules.ActionStart, rules.ActionEnd, rules.ActionStart},
		[]rules.Action{evs[0].Action, evs[1].Action, evs[2].Action})
	require.Equal(t, []int{5, 11, 26}, at, "the second crowd formed at frame 12 (start due at 17) waits for the cooldown (end 11 + 3 s)")
	require.NotEqual(t, evs[0].EventID, evs[2].EventID, "a new episode, a new id")
}

func TestCrowdDwellSetRules(t *testing.T) {
	r := crowdRule(func(r *rules.Rule) { r.MinCount, r.MinDuration = 2, time.Second })
	e := rules.NewEvaluator("cam1", []rules.Rule{r})
	var starts int
	tick := func(i int) []rules.Event {
		evs := e.Update(rules.Observation{Time: t0.Add(time.Duration(i) * frame), Objects: people(1, 2)})
		for _, ev := range evs {
			if ev.Action == rules.ActionStart {
				starts++
			}
		}
		return evs
	}
	for i := range 10 {
		tick(i)
	}
	require.Equal(t, 1, starts)
	edited := r
	edited.Name, edited.MinCount = "广场聚集", 2
	require.Empty(t, e.SetRules([]rules.Rule{edited}), "an edit keeps the open episode")
	for i := 10; i < 20; i++ {
		tick(i)
	}
	require.Equal(t, 1, starts, "no second start for the same episode")
	ends := e.SetRules(nil)
	require.Len(t, ends, 1, "removing the rule ends the episode")
	require.Equal(t, rules.ActionEnd, ends[0].Action)
	require.Equal(t, 2, ends[0].PeakCount)
}

func TestLoitering(t *testing.T) {
	r := zone(func(r *rules.Rule) { r.ID, r.Type, r.MinDuration = "linger", rules.TypeLoitering, 3*time.Second })
	e := rules.NewEvaluator("cam1", []rules.Rule{r})
	var evs []rules.Event
	for i := range 25 { // one person inside for 5 s, then gone
		o := []rules.Object{obj(7, "person", 0.5, 0.5)}
		evs = append(evs, e.Update(rules.Observation{Time: t0.Add(time.Duration(i) * frame), Objects: o})...)
	}
	evs = append(evs, e.Update(rules.Observation{Time: t0.Add(25 * frame)})...)
	require.Len(t, evs, 2)
	require.Equal(t, rules.TypeLoitering, evs[0].Type)
	require.Equal(t, rules.ActionStart, evs[0].Action)
	require.Equal(t, t0.Add(15*frame), evs[0].Time, "after min_duration (3 s)")
	require.Equal(t, rules.ActionEnd, evs[1].Action)
	require.Equal(t, 5*time.Second, evs[1].Duration)
}
