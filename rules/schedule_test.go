package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

func TestScheduleArmed(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	weekdays := rules.Window{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: 8 * 60, To: 18 * 60}
	fridayNight := rules.Window{Days: []time.Weekday{time.Friday}, From: 22 * 60, To: 6 * 60}
	everyEvening := rules.Window{From: 20 * 60, To: 1440}
	// 2026-11-20 is a Friday.
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, shanghai) }
	for _, tc := range []struct {
		name  string
		s     rules.Schedule
		t     time.Time
		armed bool
	}{
		{"empty schedule: always", nil, at(20, 3, 0), true},
		{"weekday window, inside", rules.Schedule{weekdays}, at(20, 8, 0), true},
		{"weekday window, end is exclusive", rules.Schedule{weekdays}, at(20, 18, 0), false},
		{"weekday window, saturday", rules.Schedule{weekdays}, at(21, 12, 0), false},
		{"overnight, friday evening", rules.Schedule{fridayNight}, at(20, 23, 30), true},
		{"overnight, saturday early morning", rules.Schedule{fridayNight}, at(21, 5, 59), true},
		{"overnight, saturday after it", rules.Schedule{fridayNight}, at(21, 6, 0), false},
		{"overnight, thursday night is not friday's", rules.Schedule{fridayNight}, at(20, 2, 0), false},
		{"every day to midnight", rules.Schedule{everyEvening}, at(22, 23, 59), true},
		{"every day, before", rules.Schedule{everyEvening}, at(22, 19, 59), false},
		{"any window of several", rules.Schedule{weekdays, fridayNight}, at(21, 1, 0), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.armed, tc.s.Armed(tc.t, shanghai))
			require.Equal(t, tc.armed, tc.s.Armed(tc.t.UTC(), shanghai), "the instant, not its zone, matters")
		})
	}
	// The same instant in another zone: 08:00 in Shanghai is 00:00 UTC.
	require.False(t, rules.Schedule{weekdays}.Armed(at(20, 8, 0), time.UTC))
}

func TestScheduleYAML(t *testing.T) {
	base := "{id: z, camera: c, type: intrusion, polygon: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]], "
	for _, tc := range []struct {
		name, in, err string
		want          rules.Schedule
	}{
		{name: "windows", in: `schedule: [{days: [mon, FRI], from: "08:00", to: "18:30"}, {from: "22:00", to: "06:00"}, {from: "00:00", to: "24:00"}]}`,
			want: rules.Schedule{{Days: []time.Weekday{time.Monday, time.Friday}, From: 480, To: 1110}, {From: 1320, To: 360}, {From: 0, To: 1440}}},
		{name: "unknown day", in: `schedule: [{days: [mon, mnd], from: "08:00", to: "18:00"}]}`,
			err: `schedule[0].days[1]: unknown day "mnd" (want sun, mon, tue, wed, thu, fri, sat) (line 1)`},
		{name: "day twice", in: `schedule: [{days: [sat, sat], from: "08:00", to: "18:00"}]}`, err: `schedule[0].days[1]: day "sat" listed twice (line 1)`},
		{name: "one-digit hour", in: `schedule: [{from: "8:00", to: "18:00"}]}`,
			err: `schedule[0].from: want a time "HH:MM" from 00:00 to 23:59 (24:00 as an end), got "8:00" (line 1)`},
		{name: "24:00 as a start", in: `schedule: [{from: "24:00", to: "06:00"}]}`,
			err: `schedule[0].from: want a time "HH:MM" from 00:00 to 23:59 (24:00 as an end), got "24:00" (line 1)`},
		{name: "empty window", in: `schedule: [{from: "08:00", to: "08:00"}]}`,
			err: `schedule[0].to: same as from: an empty window (a whole day is "00:00" to "24:00") (line 1)`},
		{name: "missing to", in: `schedule: [{from: "08:00"}]}`, err: `schedule[0].to: required (a time such as "08:00") (line 1)`},
		{name: "unknown window key", in: `schedule: [{from: "08:00", to: "09:00", tz: x}]}`, err: `schedule[0].tz: unknown key (want one of days, from, to) (line 1)`},
		{name: "not a list", in: `schedule: daily}`, err: `schedule: want a list of windows such as {days: [mon, fri], from: "08:00", to: "18:00"}, got "daily" (line 1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r rules.Rule
			err := yaml.Unmarshal([]byte(base+tc.in), &r)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Schedule)
			require.NoError(t, r.Validate())
			requireRoundTrip(t, r)
		})
	}
}

func TestPriority(t *testing.T) {
	r := zone()
	require.Equal(t, rules.DefaultPriority, r.EffectivePriority())
	r.Priority = 1
	require.Equal(t, 1, r.EffectivePriority())
	r.Priority = 5
	require.EqualError(t, r.Validate(), "priority: want 1 (most urgent) to 4, got 5")
	var y rules.Rule
	require.NoError(t, yaml.Unmarshal([]byte("{id: z, camera: c, type: intrusion, priority: 2, polygon: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]}"), &y))
	require.Equal(t, 2, y.Priority)
	requireRoundTrip(t, y)
}

// TestScheduleDisarms: leaving the schedule ends an open intrusion; a tripwire
// crossing made while disarmed never fires, not even when the rule re-arms.
func TestScheduleDisarms(t *testing.T) {
	// Armed 12:00–12:01 UTC each day; t0 is 12:00:00 UTC.
	armed := rules.Schedule{{From: 12 * 60, To: 12*60 + 1}}
	z := zone(func(r *rules.Rule) { r.Schedule = armed })
	w := tripwire(func(r *rules.Rule) { r.Schedule = armed })
	e := rules.NewEvaluator("cam1", []rules.Rule{z, w})
	e.SetLocation(time.UTC)
	var evs []rules.Event
	step := func(at time.Duration, o ...rules.Object) {
		evs = append(evs, e.Update(rules.Observation{Time: t0.Add(at), Objects: o})...)
	}
	for s := 0; s <= 50; s++ { // a person in the zone, above the line, for 10 s
		step(time.Duration(s)*frame, obj(1, "person", 0.5, 0.5))
	}
	require.Len(t, evs, 1)
	require.Equal(t, rules.ActionStart, evs[0].Action)
	step(61*time.Second, obj(1, "person", 0.5, 0.5)) // disarmed at 12:01
	require.Len(t, evs, 2)
	require.Equal(t, rules.ActionEnd, evs[1].Action, "disarming ends the open intrusion")
	require.Equal(t, evs[0].EventID, evs[1].EventID)
	step(62*time.Second, obj(1, "person", 0.5, 0.7)) // crosses the line while disarmed
	require.Len(t, evs, 2, "nothing while disarmed")
	// Re-armed a day later, the person is still below the line: no crossing, and
	// the stay in the zone is counted from the re-arming.
	day := 24 * time.Hour
	step(day, obj(1, "person", 0.5, 0.7))
	step(day+frame, obj(1, "person", 0.5, 0.71))
	require.Len(t, evs, 2, "a crossing made while disarmed never fires")
	step(day+2*frame, obj(1, "person", 0.5, 0.5)) // crosses back while armed
	require.Len(t, evs, 3)
	require.Equal(t, rules.TypeTripwire, evs[2].Type)
}
