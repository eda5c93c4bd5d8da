package rules

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ruleKeys lists the YAML keys of a rule, in the order MarshalYAML writes them.
var ruleKeys = [...]string{
	"id", "name", "camera", "type", "enabled", "classes", "cooldown",
	"line", "polyline", "direction", "polygon", "min_duration", "min_count", "clear_count", "clear_duration",
	"priority", "schedule", "min_plate_height", "dedupe_window", "lists", "list_distance",
}

// UnmarshalYAML reads one rule mapping strictly: unknown and repeated keys are
// errors, and every error names its field. `enabled` defaults to true.
// Meaning (ranges, geometry, which fields a type uses) is checked by Validate.
func (r *Rule) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nodeErr(n, "want a rule mapping, got %s", describe(n))
	}
	out := Rule{Enabled: true}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nodeErr(k, "want a key name, got %s", describe(k))
		}
		if !knownKey(k.Value) {
			return &FieldError{
				Path: k.Value, Line: k.Line,
				Msg: "unknown key (want one of " + strings.Join(ruleKeys[:], ", ") + ")",
			}
		}
		if seen[k.Value] {
			return &FieldError{Path: k.Value, Line: k.Line, Msg: "repeated key"}
		}
		seen[k.Value] = true
		if resolve(v).ShortTag() == "!!null" {
			continue // an empty value leaves the field at its default
		}
		if err := out.decodeField(k.Value, v); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) && fe.Line == 0 {
				fe.Line = k.Line
			}
			return under(k.Value, err)
		}
	}
	*r = out
	return nil
}

func (r *Rule) decodeField(key string, v *yaml.Node) error {
	var err error
	switch key {
	case "id":
		r.ID, err = decodeString(v)
	case "name":
		r.Name, err = decodeString(v)
	case "camera":
		r.Camera, err = decodeString(v)
	case "type":
		var s string
		s, err = decodeString(v)
		r.Type = Type(s)
	case "enabled":
		err = decodeBool(v, &r.Enabled)
	case "classes":
		r.Classes, err = decodeStrings(v)
	case "cooldown":
		r.Cooldown, err = decodeDuration(v)
	case "line":
		r.Line, err = decodeLine(v)
	case "direction":
		var s string
		s, err = decodeString(v)
		r.Direction = Direction(s)
	case "polygon":
		r.Polygon, err = decodePoints(v)
		if len(r.Polygon) == 0 {
			r.Polygon = nil
		}
	case "polyline":
		r.Polyline, err = decodePoints(v)
		if len(r.Polyline) == 0 {
			r.Polyline = nil
		}
	case "min_duration":
		r.MinDuration, err = decodeDuration(v)
	case "min_count":
		err = decodeScalar(v, &r.MinCount, "a whole number")
	case "clear_count":
		err = decodeScalar(v, &r.ClearCount, "a whole number")
	case "clear_duration":
		r.ClearDuration, err = decodeDuration(v)
	case "priority":
		err = decodeScalar(v, &r.Priority, "a whole number 1–4")
	case "schedule":
		r.Schedule, err = decodeSchedule(v)
	case "min_plate_height":
		err = decodeScalar(v, &r.MinPlateHeight, "a whole number of pixels")
	case "dedupe_window":
		r.DedupeWindow, err = decodeDuration(v)
	case "lists":
		r.Lists, err = decodeLists(v)
	case "list_distance":
		err = decodeScalar(v, &r.ListDistance, "a whole number 0–3")
	}
	return err
}

func knownKey(k string) bool {
	for _, known := range ruleKeys {
		if k == known {
			return true
		}
	}
	return false
}

// MarshalYAML writes the rule in the form UnmarshalYAML reads, leaving out
// empty optional fields.
func (r Rule) MarshalYAML() (any, error) {
	type out struct {
		ID          string           `yaml:"id"`
		Name        string           `yaml:"name,omitempty"`
		Camera      string           `yaml:"camera"`
		Type        Type             `yaml:"type"`
		Enabled     bool             `yaml:"enabled"`
		Classes     []string         `yaml:"classes,omitempty,flow"`
		Cooldown    string           `yaml:"cooldown,omitempty"`
		Line        []Point          `yaml:"line,omitempty,flow"`
		Polyline    []Point          `yaml:"polyline,omitempty,flow"`
		Direction   Direction        `yaml:"direction,omitempty"`
		Polygon     []Point          `yaml:"polygon,omitempty,flow"`
		MinDuration string           `yaml:"min_duration,omitempty"`
		MinCount    int              `yaml:"min_count,omitempty"`
		ClearCount  int              `yaml:"clear_count,omitempty"`
		ClearDur    string           `yaml:"clear_duration,omitempty"`
		Priority    int              `yaml:"priority,omitempty"`
		Schedule    []map[string]any `yaml:"schedule,omitempty"`
		MinPlateH   int              `yaml:"min_plate_height,omitempty"`
		Dedupe      string           `yaml:"dedupe_window,omitempty"`
		Lists       []plateListYAML  `yaml:"lists,omitempty"`
		ListDist    int              `yaml:"list_distance,omitempty"`
	}
	o := out{
		ID: r.ID, Name: r.Name, Camera: r.Camera, Type: r.Type, Enabled: r.Enabled,
		Classes: r.Classes, Direction: r.Direction, Polygon: r.Polygon, Polyline: r.Polyline,
		Cooldown: formatDuration(r.Cooldown), MinDuration: formatDuration(r.MinDuration),
		MinCount: r.MinCount, ClearCount: r.ClearCount, ClearDur: formatDuration(r.ClearDuration),
		Priority: r.Priority, Schedule: marshalSchedule(r.Schedule),
		MinPlateH: r.MinPlateHeight, Dedupe: formatDuration(r.DedupeWindow), ListDist: r.ListDistance,
	}
	for _, l := range r.Lists {
		o.Lists = append(o.Lists, plateListYAML{Kind: l.Kind, Name: l.Name, Entries: l.Entries})
	}
	if r.Line != ([2]Point{}) {
		o.Line = r.Line[:]
	}
	return o, nil
}

func decodeScalar(v *yaml.Node, dst any, want string) error {
	v = resolve(v)
	if v.Kind != yaml.ScalarNode || v.Decode(dst) != nil {
		return nodeErr(v, "want %s, got %s", want, describe(v))
	}
	return nil
}

// decodeBool accepts only true and false: YAML 1.1 spellings such as yes and
// off are errors rather than guesses.
func decodeBool(v *yaml.Node, dst *bool) error {
	v = resolve(v)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		return nodeErr(v, "want true or false, got %s", describe(v))
	}
	return decodeScalar(v, dst, "true or false")
}

func decodeString(v *yaml.Node) (string, error) {
	var s string
	err := decodeScalar(v, &s, "a string")
	return s, err
}

func decodeStrings(v *yaml.Node) ([]string, error) {
	v = resolve(v)
	if v.Kind != yaml.SequenceNode {
		return nil, nodeErr(v, "want a list of strings, got %s", describe(v))
	}
	var out []string
	for i, c := range v.Content {
		s, err := decodeString(c)
		if err != nil {
			return nil, under(fmt.Sprintf("[%d]", i), err)
		}
		out = append(out, s)
	}
	return out, nil
}

func decodeLine(v *yaml.Node) ([2]Point, error) {
	pts, err := decodePoints(v)
	if err != nil {
		return [2]Point{}, err
	}
	if len(pts) != 2 {
		return [2]Point{}, nodeErr(resolve(v), "want 2 points, got %d", len(pts))
	}
	return [2]Point{pts[0], pts[1]}, nil
}

// decodeDuration reads a Go duration string such as "2s" or "1m30s". A bare
// number other than 0 is an error: "5" would silently mean 5 nanoseconds.
func decodeDuration(v *yaml.Node) (time.Duration, error) {
	v = resolve(v)
	if v.Kind != yaml.ScalarNode {
		return 0, nodeErr(v, "want a duration such as \"2s\", got %s", describe(v))
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		return 0, nodeErr(v, "want a duration such as \"2s\", got %q", v.Value)
	}
	return d, nil
}

func formatDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
