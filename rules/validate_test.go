package rules_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/rules"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		rule rules.Rule
		want string // "" for valid
	}{
		{"valid tripwire", tripwire(), ""},
		{"valid tripwire with filters", tripwire(func(r *rules.Rule) {
			r.Direction, r.Classes, r.Cooldown = rules.DirectionAToB, []string{"person", "bicycle"}, 5*time.Second
		}), ""},
		{"valid zone", zone(), ""},
		{"valid concave zone on the image border", zone(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0, 0), p(1, 0), p(1, 1), p(0.5, 0.3), p(0, 1)}
		}), ""},
		{"missing id", tripwire(func(r *rules.Rule) { r.ID = "" }), "id: required"},
		{"id with a space", tripwire(func(r *rules.Rule) { r.ID = "front door" }), `id: "front door" has spaces or unprintable characters`},
		{"missing camera", tripwire(func(r *rules.Rule) { r.Camera = "" }), "camera: required"},
		{"name with a newline", tripwire(func(r *rules.Rule) { r.Name = "a\nb" }), `name: "a\nb" has control characters or invalid UTF-8`},
		{"missing type", tripwire(func(r *rules.Rule) { r.Type = "" }), "type: required (tripwire, intrusion, loitering, crowd_dwell or plate)"},
		{"unknown type", tripwire(func(r *rules.Rule) { r.Type = "counting" }), `type: unknown type "counting" (want tripwire, intrusion, loitering, crowd_dwell or plate)`},
		{"valid crowd_dwell", crowdRule(), ""},
		{"valid crowd_dwell with clear count", crowdRule(func(r *rules.Rule) { r.ClearCount, r.ClearDuration = 3, 10*time.Second }), ""},
		{"crowd_dwell min_count 0", crowdRule(func(r *rules.Rule) { r.MinCount = 0 }), "min_count: want at least 1 object, got 0"},
		{"crowd_dwell clear_count above min_count", crowdRule(func(r *rules.Rule) { r.ClearCount = 9 }), "clear_count: want 1–min_count (0 or absent: min_count), got 9"},
		{"crowd_dwell negative clear_duration", crowdRule(func(r *rules.Rule) { r.ClearDuration = -time.Second }), "clear_duration: negative"},
		{"crowd_dwell with a line", crowdRule(func(r *rules.Rule) { r.Line = tripwire().Line }), "line: not used by crowd_dwell rules"},
		{"crowd_dwell without a polygon", crowdRule(func(r *rules.Rule) { r.Polygon = nil }), "polygon: want at least 3 points, got 0"},
		{"min_count on an intrusion", zone(func(r *rules.Rule) { r.MinCount = 3 }), "min_count: only used by crowd_dwell rules"},
		{"clear_duration on a tripwire", tripwire(func(r *rules.Rule) { r.ClearDuration = time.Second }), "clear_duration: only used by crowd_dwell rules"},
		{"valid loitering", zone(func(r *rules.Rule) { r.Type, r.MinDuration = rules.TypeLoitering, time.Minute }), ""},
		{"loitering without min_duration", zone(func(r *rules.Rule) { r.Type, r.MinDuration = rules.TypeLoitering, 0 }), "min_duration: required for loitering: how long one object may stay"},
		{"unknown class", tripwire(func(r *rules.Rule) { r.Classes = []string{"preson"} }),
			`classes[0]: unknown class "preson" (want one of person, car, bicycle, motorcycle, bus, truck, object)`},
		{"class twice", tripwire(func(r *rules.Rule) { r.Classes = []string{"car", "car"} }), `classes[1]: class "car" listed twice`},
		{"negative cooldown", tripwire(func(r *rules.Rule) { r.Cooldown = -time.Second }), "cooldown: negative"},
		{"negative min_duration", zone(func(r *rules.Rule) { r.MinDuration = -time.Second }), "min_duration: negative"},
		{"zero-length line", tripwire(func(r *rules.Rule) { r.Line = [2]rules.Point{p(0.3, 0.3), p(0.3, 0.3)} }), "line: zero-length line"},
		{"missing line", tripwire(func(r *rules.Rule) { r.Line = [2]rules.Point{} }), "line: zero-length line"},
		{"line point outside the image", tripwire(func(r *rules.Rule) { r.Line[1] = p(1.5, 0.2) }), "line[1]: [1.5, 0.2] is outside the image: coordinates are 0–1"},
		{"negative coordinate", tripwire(func(r *rules.Rule) { r.Line[0] = p(0, -0.1) }), "line[0]: [0, -0.1] is outside the image: coordinates are 0–1"},
		{"NaN coordinate", tripwire(func(r *rules.Rule) { r.Line[0] = p(math.NaN(), 0.5) }), "line[0]: [NaN, 0.5] is outside the image: coordinates are 0–1"},
		{"unknown direction", tripwire(func(r *rules.Rule) { r.Direction = "sideways" }), `direction: unknown direction "sideways" (want a_to_b, b_to_a or both)`},
		{"tripwire with a polygon", tripwire(func(r *rules.Rule) { r.Polygon = zone().Polygon }), "polygon: not used by tripwire rules"},
		{"tripwire with min_duration", tripwire(func(r *rules.Rule) { r.MinDuration = time.Second }), "min_duration: not used by tripwire rules"},
		{"zone with a line", zone(func(r *rules.Rule) { r.Line = tripwire().Line }), "line: not used by intrusion rules"},
		{"zone with a direction", zone(func(r *rules.Rule) { r.Direction = rules.DirectionBoth }), "direction: not used by intrusion rules"},
		{"polygon of 2 points", zone(func(r *rules.Rule) { r.Polygon = r.Polygon[:2] }), "polygon: want at least 3 points, got 2"},
		{"no polygon", zone(func(r *rules.Rule) { r.Polygon = nil }), "polygon: want at least 3 points, got 0"},
		{"polygon point outside the image", zone(func(r *rules.Rule) { r.Polygon[1] = p(1.2, 0.2) }), "polygon[1]: [1.2, 0.2] is outside the image: coordinates are 0–1"},
		{"self-intersecting polygon (bow tie)", zone(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0.2, 0.2), p(0.8, 0.8), p(0.8, 0.2), p(0.2, 0.8)}
		}), "polygon: self-intersecting: edges 0 and 2 cross"},
		{"polygon folding back on an edge", zone(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0.2, 0.2), p(0.8, 0.2), p(0.8, 0.8), p(0.8, 0.5)}
		}), "polygon: self-intersecting: edges 1 and 2 cross"},
		{"polygon touching itself at a vertex", zone(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0.2, 0.2), p(0.5, 0.5), p(0.8, 0.2), p(0.8, 0.8), p(0.5, 0.5), p(0.2, 0.8)}
		}), "polygon: self-intersecting: edges 0 and 3 cross"},
		{"collinear polygon", zone(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0.1, 0.1), p(0.5, 0.5), p(0.9, 0.9)}
		}), "polygon: zero area: all points on one line"},
		{"repeated polygon point", zone(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0.2, 0.2), p(0.8, 0.2), p(0.8, 0.2), p(0.2, 0.8)}
		}), "polygon[2]: same point as the one before it"},
		{"polygon closed by repeating the first point", zone(func(r *rules.Rule) {
			r.Polygon = append(r.Polygon, r.Polygon[0])
		}), "polygon[4]: repeats the first point (the polygon closes by itself)"},
		{"several problems at once", tripwire(func(r *rules.Rule) { r.ID = ""; r.Cooldown = -1 }), "id: required\ncooldown: negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
			var fe *rules.FieldError
			require.ErrorAs(t, err, &fe)
		})
	}
}

func TestValidateAt(t *testing.T) {
	r := tripwire(func(r *rules.Rule) { r.Line[1] = r.Line[0]; r.Cooldown = -1 })
	require.EqualError(t, r.ValidateAt("cameras[2].rules[1]"),
		"cameras[2].rules[1].cooldown: negative\ncameras[2].rules[1].line: zero-length line")
}

func TestValidateRules(t *testing.T) {
	rs := []rules.Rule{tripwire(), zone(), tripwire(func(r *rules.Rule) { r.Direction = "up" })}
	rs[1].ID = rs[0].ID
	require.EqualError(t, rules.ValidateRules("rules", rs),
		`rules[1].id: duplicate id "door" (also rules[0])`+"\n"+
			`rules[2].direction: unknown direction "up" (want a_to_b, b_to_a or both)`+"\n"+
			`rules[2].id: duplicate id "door" (also rules[0])`)
	require.NoError(t, rules.ValidateRules("rules", []rules.Rule{tripwire(), zone()}))
}

func crowdRule(mods ...func(*rules.Rule)) rules.Rule {
	r := zone()
	r.Type, r.MinCount, r.MinDuration, r.Classes = rules.TypeCrowdDwell, 5, 30*time.Second, []string{"person"}
	for _, m := range mods {
		m(&r)
	}
	return r
}
