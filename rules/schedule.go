package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Window is one arming window of a schedule: on Days (every day when empty), from
// From to To, in minutes after local midnight. To may be 1440 (24:00). A window
// whose To is not after From runs overnight: from From on each listed day until
// To on the next day.
type Window struct {
	Days     []time.Weekday
	From, To int
}

// Schedule is a rule's arming schedule: the rule is armed while any window is
// open, in the camera's time zone. An empty schedule is always armed.
type Schedule []Window

// Armed reports whether the schedule is armed at t in loc (nil: UTC).
func (s Schedule) Armed(t time.Time, loc *time.Location) bool {
	if len(s) == 0 {
		return true
	}
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	m, day := lt.Hour()*60+lt.Minute(), lt.Weekday()
	prev := (day + 6) % 7
	for _, w := range s {
		if w.From < w.To {
			if w.on(day) && m >= w.From && m < w.To {
				return true
			}
			continue
		}
		if (w.on(day) && m >= w.From) || (w.on(prev) && m < w.To) {
			return true
		}
	}
	return false
}

func (w Window) on(d time.Weekday) bool { return len(w.Days) == 0 || slices.Contains(w.Days, d) }

// dayNames are the YAML names of weekdays, Sunday first as time.Weekday.
var dayNames = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func decodeSchedule(v *yaml.Node) (Schedule, error) {
	v = resolve(v)
	if v.Kind != yaml.SequenceNode {
		return nil, nodeErr(v, "want a list of windows such as {days: [mon, fri], from: \"08:00\", to: \"18:00\"}, got %s", describe(v))
	}
	var s Schedule
	for i, n := range v.Content {
		w, err := decodeWindow(n)
		if err != nil {
			return nil, under(fmt.Sprintf("[%d]", i), err)
		}
		s = append(s, w)
	}
	return s, nil
}

func decodeWindow(n *yaml.Node) (Window, error) {
	n = resolve(n)
	var w Window
	if n.Kind != yaml.MappingNode {
		return w, nodeErr(n, "want a window mapping {days, from, to}, got %s", describe(n))
	}
	seen := map[string]bool{}
	err := decodeMapping(n, []string{"days", "from", "to"}, func(key string, v *yaml.Node) error {
		seen[key] = true
		var err error
		switch key {
		case "days":
			w.Days, err = decodeDays(v)
		case "from":
			w.From, err = decodeClock(v, false)
		case "to":
			w.To, err = decodeClock(v, true)
		}
		return err
	})
	if err != nil {
		return w, err
	}
	for _, k := range []string{"from", "to"} {
		if !seen[k] {
			return w, &FieldError{Path: k, Line: n.Line, Msg: "required (a time such as \"08:00\")"}
		}
	}
	if w.From == w.To {
		return w, &FieldError{Path: "to", Line: n.Line, Msg: "same as from: an empty window (a whole day is \"00:00\" to \"24:00\")"}
	}
	return w, nil
}

func decodeDays(v *yaml.Node) ([]time.Weekday, error) {
	names, err := decodeStrings(v)
	if err != nil {
		return nil, err
	}
	var out []time.Weekday
	for i, s := range names {
		d := slices.Index(dayNames[:], strings.ToLower(s))
		if d < 0 {
			return nil, fieldErr(fmt.Sprintf("[%d]", i), "unknown day %q (want %s)", s, strings.Join(dayNames[:], ", "))
		}
		if slices.Contains(out, time.Weekday(d)) {
			return nil, fieldErr(fmt.Sprintf("[%d]", i), "day %q listed twice", s)
		}
		out = append(out, time.Weekday(d))
	}
	return out, nil
}

// decodeClock reads "HH:MM" as minutes after midnight; "24:00" only when end is true.
func decodeClock(v *yaml.Node, end bool) (int, error) {
	var s string
	if err := decodeScalar(v, &s, `a time such as "08:00"`); err != nil {
		return 0, err
	}
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	switch {
	case !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || mm < 0 || mm > 59 || hh < 0:
	case hh < 24:
		return hh*60 + mm, nil
	case hh == 24 && mm == 0 && end:
		return 1440, nil
	}
	return 0, nodeErr(v, `want a time "HH:MM" from 00:00 to 23:59 (24:00 as an end), got %q`, s)
}

// marshalSchedule writes the schedule in the form decodeSchedule reads.
func marshalSchedule(s Schedule) []map[string]any {
	var out []map[string]any
	for _, w := range s {
		m := map[string]any{"from": clockString(w.From), "to": clockString(w.To)}
		if len(w.Days) > 0 {
			var days []string
			for _, d := range w.Days {
				days = append(days, dayNames[d])
			}
			m["days"] = days
		}
		out = append(out, m)
	}
	return out
}

func clockString(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
