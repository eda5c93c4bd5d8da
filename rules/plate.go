package rules

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Plate rule bounds.
const (
	minPlateHeight    = 8    // pixels: below this no engine reads a character
	maxPlateHeight    = 1000 // pixels
	maxDedupeWindow   = 24 * time.Hour
	maxListDistance   = 3
	maxListEntries    = 20000 // per rule, all lists together
	maxPlateEntryLen  = 16    // runes
	maxPlateEntryNote = 256   // bytes
)

// checkPlate checks a plate rule: an optional capture polygon, an optional trigger
// line (with direction), the plate height, the dedupe window and the watch lists.
func (r *Rule) checkPlate() []error {
	var errs []error
	add := func(err *FieldError) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(r.Polyline) > 0 {
		add(fieldErr("polyline", "not used by plate rules (the trigger is a line)"))
	}
	if r.Line != ([2]Point{}) {
		bad := false
		for i, p := range r.Line {
			if err := checkPoint(fmt.Sprintf("line[%d]", i), p); err != nil {
				add(err)
				bad = true
			}
		}
		if !bad && r.Line[0] == r.Line[1] {
			add(fieldErr("line", "zero-length line"))
		}
	}
	switch r.Direction {
	case "", DirectionAToB, DirectionBToA, DirectionBoth:
		if r.Direction != "" && r.Line == ([2]Point{}) {
			add(fieldErr("direction", "needs a trigger line"))
		}
	default:
		add(fieldErr("direction", "unknown direction %q (want a_to_b, b_to_a or both)", r.Direction))
	}
	if len(r.Polygon) > 0 {
		add(checkPolygon(r.Polygon))
	}
	if r.MinDuration != 0 {
		add(fieldErr("min_duration", "not used by plate rules"))
	}
	if h := r.MinPlateHeight; h != 0 && (h < minPlateHeight || h > maxPlateHeight) {
		add(fieldErr("min_plate_height", "want %d–%d pixels (0 or absent: the engine's minimum), got %d", minPlateHeight, maxPlateHeight, h))
	}
	if r.DedupeWindow < 0 || r.DedupeWindow > maxDedupeWindow {
		add(fieldErr("dedupe_window", "want 0–24h, got %s", r.DedupeWindow))
	}
	if r.ListDistance < 0 || r.ListDistance > maxListDistance {
		add(fieldErr("list_distance", "want 0 (exact) to %d edits, got %d", maxListDistance, r.ListDistance))
	}
	total := 0
	for i, l := range r.Lists {
		p := fmt.Sprintf("lists[%d]", i)
		if l.Kind != "allow" && l.Kind != "block" {
			add(fieldErr(p+".kind", "want allow or block, got %q", l.Kind))
		}
		if err := checkName(l.Name); err != nil {
			err.Path = p + ".name"
			add(err)
		}
		total += len(l.Entries)
		for j, e := range l.Entries {
			add(checkPlateEntry(fmt.Sprintf("%s.entries[%d]", p, j), e))
		}
	}
	if total > maxListEntries {
		add(fieldErr("lists", "%d entries: at most %d per rule", total, maxListEntries))
	}
	return errs
}

func checkPlateEntry(path string, e PlateEntry) *FieldError {
	t := strings.TrimSpace(e.Text)
	switch {
	case t == "":
		return fieldErr(path+".text", "empty plate")
	case !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxPlateEntryLen:
		return fieldErr(path+".text", "%q: want at most %d characters of valid UTF-8", e.Text, maxPlateEntryLen)
	case strings.IndexFunc(t, func(c rune) bool { return unicode.IsControl(c) }) >= 0:
		return fieldErr(path+".text", "%q has control characters", e.Text)
	case len(e.Note) > maxPlateEntryNote || !utf8.ValidString(e.Note) || strings.IndexFunc(e.Note, unicode.IsControl) >= 0:
		return fieldErr(path+".note", "want at most %d bytes of printable UTF-8", maxPlateEntryNote)
	}
	return nil
}

// checkNoPlate rejects the plate fields on other rule types.
func (r *Rule) checkNoPlate() []error {
	var errs []error
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"min_plate_height", r.MinPlateHeight != 0}, {"dedupe_window", r.DedupeWindow != 0},
		{"lists", len(r.Lists) > 0}, {"list_distance", r.ListDistance != 0},
	} {
		if f.set {
			errs = append(errs, fieldErr(f.name, "only used by plate rules"))
		}
	}
	return errs
}

// InRegion reports whether p lies in the rule's polygon (even-odd rule); a rule
// without a polygon covers the whole picture. Plate rules use it for their
// capture region.
func (r *Rule) InRegion(p Point) bool {
	return len(r.Polygon) == 0 || pointInPolygon(p, r.Polygon)
}

// TriggerRule returns the tripwire that stands for a plate rule's trigger line
// (same id, line and direction, any class), so the Evaluator can tell when a
// plate crosses it; ok is false when the rule has no line.
func (r *Rule) TriggerRule() (Rule, bool) {
	if r.Type != TypePlate || r.Line == ([2]Point{}) {
		return Rule{}, false
	}
	return Rule{ID: r.ID, Name: r.Name, Camera: r.Camera, Type: TypeTripwire, Enabled: true,
		Line: r.Line, Direction: r.Direction}, true
}
