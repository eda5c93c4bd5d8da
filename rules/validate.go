package rules

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// maxIDLen bounds rule and camera ids, which end up in event ids and logs.
	maxIDLen = 128
	// maxNameLen bounds the human name carried into alerts.
	maxNameLen = 256
	// maxPolygonPoints bounds the zone so validation and evaluation stay cheap.
	maxPolygonPoints = 100
)

// knownClasses are the object classes the detectors produce (see
// analytics.Detection); a class filter naming anything else would never match.
var knownClasses = [...]string{"person", "car", "bicycle", "motorcycle", "bus", "truck", "object"}

// Validate checks the rule's meaning. Each problem is a *FieldError whose
// path is relative to the rule ("line: zero-length line"); several problems
// come joined with errors.Join. It does not check that the camera exists.
func (r Rule) Validate() error { return r.ValidateAt("") }

// ValidateAt is Validate with every field path under prefix, for a rule that
// lives inside a larger document: ValidateAt("rules[1]") reports
// "rules[1].line: zero-length line".
func (r Rule) ValidateAt(prefix string) error {
	var errs []error
	add := func(err *FieldError) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkID("id", r.ID))
	add(checkName(r.Name))
	add(checkID("camera", r.Camera))
	errs = append(errs, r.checkClasses()...)
	add(checkNonNegative("cooldown", r.Cooldown.Seconds()))
	add(checkNonNegative("min_duration", r.MinDuration.Seconds()))
	add(checkNonNegative("clear_duration", r.ClearDuration.Seconds()))
	if r.Priority < 0 || r.Priority > 4 {
		add(fieldErr("priority", "want 1 (most urgent) to 4, got %d", r.Priority))
	}
	errs = append(errs, r.Schedule.check()...)
	if r.Type != TypePlate {
		errs = append(errs, r.checkNoPlate()...)
	}
	switch r.Type {
	case TypeTripwire:
		errs = append(errs, r.checkTripwire()...)
		errs = append(errs, r.checkNoCrowd()...)
	case TypeIntrusion, TypeLoitering:
		errs = append(errs, r.checkIntrusion()...)
		errs = append(errs, r.checkNoCrowd()...)
		if r.Type == TypeLoitering && r.MinDuration <= 0 {
			add(fieldErr("min_duration", "required for loitering: how long one object may stay"))
		}
	case TypeCrowdDwell:
		errs = append(errs, r.checkIntrusion()...)
		errs = append(errs, r.checkCrowd()...)
	case TypePlate:
		errs = append(errs, r.checkPlate()...)
		errs = append(errs, r.checkNoCrowd()...)
	case "":
		add(fieldErr("type", "required (%s)", typeList))
	default:
		add(fieldErr("type", "unknown type %q (want %s)", r.Type, typeList))
	}
	return under(prefix, errors.Join(errs...))
}

// ValidateRules validates a rule set that lives at path in a document (for
// example "rules"): each rule as ValidateAt(path[i]), and ids must be unique.
func ValidateRules(path string, rs []Rule) error {
	var errs []error
	seen := map[string]int{}
	for i := range rs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := rs[i].ValidateAt(p); err != nil {
			errs = append(errs, err)
		}
		if first, dup := seen[rs[i].ID]; dup && rs[i].ID != "" {
			errs = append(errs, fieldErr(p+".id", "duplicate id %q (also %s[%d])", rs[i].ID, path, first))
			continue
		}
		seen[rs[i].ID] = i
	}
	return errors.Join(errs...)
}

func checkID(field, s string) *FieldError {
	switch {
	case s == "":
		return fieldErr(field, "required")
	case len(s) > maxIDLen:
		return fieldErr(field, "longer than %d bytes", maxIDLen)
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(c rune) bool { return unicode.IsSpace(c) || !unicode.IsPrint(c) }) >= 0:
		return fieldErr(field, "%q has spaces or unprintable characters", s)
	}
	return nil
}

func checkName(s string) *FieldError {
	switch {
	case len(s) > maxNameLen:
		return fieldErr("name", "longer than %d bytes", maxNameLen)
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fieldErr("name", "%q has control characters or invalid UTF-8", s)
	}
	return nil
}

func (r *Rule) checkClasses() []error {
	var errs []error
	for i, c := range r.Classes {
		p := fmt.Sprintf("classes[%d]", i)
		if !isKnownClass(c) {
			errs = append(errs, fieldErr(p, "unknown class %q (want one of %s)", c, strings.Join(knownClasses[:], ", ")))
			continue
		}
		for _, prev := range r.Classes[:i] {
			if prev == c {
				errs = append(errs, fieldErr(p, "class %q listed twice", c))
				break
			}
		}
	}
	return errs
}

func isKnownClass(c string) bool {
	for _, k := range knownClasses {
		if c == k {
			return true
		}
	}
	return false
}

func checkNonNegative(field string, v float64) *FieldError {
	if v < 0 {
		return fieldErr(field, "negative")
	}
	return nil
}

func checkPoint(path string, p Point) *FieldError {
	if !(p.X >= 0 && p.X <= 1 && p.Y >= 0 && p.Y <= 1) { // also rejects NaN
		return fieldErr(path, "%v is outside the image: coordinates are 0–1", p)
	}
	return nil
}

func (r *Rule) checkTripwire() []error {
	var errs []error
	if len(r.Polyline) > 0 {
		if r.Line != ([2]Point{}) {
			errs = append(errs, fieldErr("polyline", "give line or polyline, not both"))
		} else if err := checkPolyline(r.Polyline); err != nil {
			errs = append(errs, err)
		}
	} else {
		bad := false
		for i, p := range r.Line {
			if err := checkPoint(fmt.Sprintf("line[%d]", i), p); err != nil {
				errs = append(errs, err)
				bad = true
			}
		}
		if !bad && r.Line[0] == r.Line[1] {
			errs = append(errs, fieldErr("line", "zero-length line"))
		}
	}
	switch r.Direction {
	case "", DirectionAToB, DirectionBToA, DirectionBoth:
	default:
		errs = append(errs, fieldErr("direction", "unknown direction %q (want a_to_b, b_to_a or both)", r.Direction))
	}
	if len(r.Polygon) > 0 {
		errs = append(errs, fieldErr("polygon", "not used by tripwire rules"))
	}
	if r.MinDuration != 0 {
		errs = append(errs, fieldErr("min_duration", "not used by tripwire rules"))
	}
	return errs
}

// typeList names the rule types for error messages.
const typeList = "tripwire, intrusion, loitering, crowd_dwell or plate"

// checkIntrusion checks the zone rules' common fields (intrusion, loitering,
// crowd_dwell).
func (r *Rule) checkIntrusion() []error {
	var errs []error
	if r.Line != ([2]Point{}) {
		errs = append(errs, fieldErr("line", "not used by %s rules", r.Type))
	}
	if len(r.Polyline) > 0 {
		errs = append(errs, fieldErr("polyline", "not used by %s rules", r.Type))
	}
	if r.Direction != "" {
		errs = append(errs, fieldErr("direction", "not used by %s rules", r.Type))
	}
	if err := checkPolygon(r.Polygon); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// checkPolygon reports the first problem of a zone polygon.
func checkPolygon(poly []Point) *FieldError {
	if err := checkVertices("polygon", poly, 3, "same point as the one before it"); err != nil {
		return err
	}
	if last := len(poly) - 1; poly[last] == poly[0] {
		return fieldErr(fmt.Sprintf("polygon[%d]", last), "repeats the first point (the polygon closes by itself)")
	}
	if collinear(poly) {
		return fieldErr("polygon", "zero area: all points on one line")
	}
	if i, j, ok := selfIntersection(poly); ok {
		return fieldErr("polygon", "self-intersecting: edges %d and %d cross", i, j)
	}
	if polygonArea(poly) < 1e-9 {
		return fieldErr("polygon", "zero area")
	}
	return nil
}

// collinear reports whether all points lie on the line through the first two.
func collinear(poly []Point) bool {
	for _, p := range poly[2:] {
		if sideOf(poly[0], poly[1], p) != sideOn {
			return false
		}
	}
	return true
}

// checkNoCrowd rejects the crowd fields on other rule types.
func (r *Rule) checkNoCrowd() []error {
	var errs []error
	for _, f := range []struct {
		name string
		set  bool
	}{{"min_count", r.MinCount != 0}, {"clear_count", r.ClearCount != 0}, {"clear_duration", r.ClearDuration != 0}} {
		if f.set {
			errs = append(errs, fieldErr(f.name, "only used by crowd_dwell rules"))
		}
	}
	return errs
}

// checkCrowd checks crowd_dwell's counts.
func (r *Rule) checkCrowd() []error {
	var errs []error
	switch {
	case r.MinCount < 1:
		errs = append(errs, fieldErr("min_count", "want at least 1 object, got %d", r.MinCount))
	case r.MinCount > maxCrowd:
		errs = append(errs, fieldErr("min_count", "want at most %d, got %d", maxCrowd, r.MinCount))
	}
	if r.ClearCount < 0 || (r.MinCount >= 1 && r.ClearCount > r.MinCount) {
		errs = append(errs, fieldErr("clear_count", "want 1–min_count (0 or absent: min_count), got %d", r.ClearCount))
	}
	return errs
}

// maxCrowd bounds min_count: the trackers follow at most a few hundred objects.
const maxCrowd = 1000

// check validates windows built in code (YAML decoding already checks its own).
func (s Schedule) check() []error {
	var errs []error
	for i, w := range s {
		p := fmt.Sprintf("schedule[%d]", i)
		switch {
		case w.From < 0 || w.From >= 1440:
			errs = append(errs, fieldErr(p+".from", "want 00:00–23:59"))
		case w.To <= 0 || w.To > 1440:
			errs = append(errs, fieldErr(p+".to", "want 00:01–24:00"))
		case w.From == w.To:
			errs = append(errs, fieldErr(p+".to", "same as from: an empty window"))
		}
		for j, d := range w.Days {
			if d < time.Sunday || d > time.Saturday {
				errs = append(errs, fieldErr(fmt.Sprintf("%s.days[%d]", p, j), "not a weekday"))
			}
		}
	}
	return errs
}

// checkPolyline reports the first problem of a polyline tripwire.
func checkPolyline(pl []Point) *FieldError {
	if err := checkVertices("polyline", pl, 2, "same point as the one before it (a zero-length segment)"); err != nil {
		return err
	}
	for i := 0; i+1 < len(pl); i++ {
		for j := i + 2; j+1 < len(pl); j++ {
			if segmentsIntersect(pl[i], pl[i+1], pl[j], pl[j+1]) {
				return fieldErr("polyline", "self-intersecting: segments %d and %d cross", i, j)
			}
		}
	}
	return nil
}

// checkVertices reports the first problem of the points of a polygon or polyline
// named field: fewer than minPts or more than maxPolygonPoints points, a point
// outside the image, or a point repeating the one before it (repeatMsg).
func checkVertices(field string, pts []Point, minPts int, repeatMsg string) *FieldError {
	switch {
	case len(pts) < minPts:
		return fieldErr(field, "want at least %d points, got %d", minPts, len(pts))
	case len(pts) > maxPolygonPoints:
		return fieldErr(field, "want at most %d points, got %d", maxPolygonPoints, len(pts))
	}
	for i, p := range pts {
		path := fmt.Sprintf("%s[%d]", field, i)
		if err := checkPoint(path, p); err != nil {
			return err
		}
		if i > 0 && p == pts[i-1] {
			return fieldErr(path, "%s", repeatMsg)
		}
	}
	return nil
}
