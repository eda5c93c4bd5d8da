package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

// yamlCases are single rules in YAML; they also seed FuzzRuleYAML.
var yamlCases = []struct {
	name string
	in   string
	want *rules.Rule // nil when err is set
	err  string
}{
	{
		name: "tripwire",
		in: `id: door
name: Front door
camera: cam1
type: tripwire
classes: [person, bicycle]
cooldown: 5s
line: [[0, 0.6], [1, 0.6]]
direction: a_to_b
`,
		want: &rules.Rule{
			ID: "door", Name: "Front door", Camera: "cam1", Type: rules.TypeTripwire, Enabled: true,
			Classes: []string{"person", "bicycle"}, Cooldown: 5 * time.Second,
			Line: [2]rules.Point{p(0, 0.6), p(1, 0.6)}, Direction: rules.DirectionAToB,
		},
	},
	{
		name: "intrusion, disabled, block style points",
		in: `id: yard
camera: cam1
type: intrusion
enabled: false
min_duration: 1m30s
polygon:
  - [0.2, 0.2]
  - [0.8, 0.2]
  - [0.5, 0.9]
`,
		want: &rules.Rule{
			ID: "yard", Camera: "cam1", Type: rules.TypeIntrusion, MinDuration: 90 * time.Second,
			Polygon: []rules.Point{p(0.2, 0.2), p(0.8, 0.2), p(0.5, 0.9)},
		},
	},
	{
		name: "aliases, empty values, a numeric id and a zero duration",
		in: `id: 12
camera: &cam cam1
type: intrusion
name: *cam
cooldown: 0
min_duration:
classes: []
polygon: &zone [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]
`,
		want: &rules.Rule{
			ID: "12", Name: "cam1", Camera: "cam1", Type: rules.TypeIntrusion, Enabled: true,
			Polygon: []rules.Point{p(0.1, 0.1), p(0.9, 0.1), p(0.9, 0.9)},
		},
	},
	{name: "unknown key", in: "id: a\ncolour: red\n",
		err: "colour: unknown key (want one of id, name, camera, type, enabled, classes, cooldown, line, polyline, direction, polygon, min_duration, min_count, clear_count, clear_duration, priority, schedule, min_plate_height, dedupe_window, lists, list_distance) (line 2)"},
	{name: "repeated key", in: "id: a\nid: b\n", err: "id: repeated key (line 2)"},
	{name: "not a mapping", in: "- id: a\n", err: "want a rule mapping, got a list (line 1)"},
	{name: "bare number duration", in: "cooldown: 5\n", err: `cooldown: want a duration such as "2s", got "5" (line 1)`},
	{name: "bad duration", in: "min_duration: soon\n", err: `min_duration: want a duration such as "2s", got "soon" (line 1)`},
	{name: "duration as a list", in: "cooldown: [1]\n", err: `cooldown: want a duration such as "2s", got a list (line 1)`},
	{name: "yes is not a boolean", in: "enabled: yes\n", err: `enabled: want true or false, got "yes" (line 1)`},
	{name: "line of 3 points", in: "line: [[0, 0], [1, 1], [0, 1]]\n", err: "line: want 2 points, got 3 (line 1)"},
	{name: "point of 3 numbers", in: "line: [[0, 0], [1, 1, 1]]\n", err: "line[1]: want a point [x, y] (line 1)"},
	{name: "point as a mapping", in: "polygon:\n  - {x: 1, y: 2}\n", err: "polygon[0]: want a point [x, y] (line 2)"},
	{name: "coordinate not a number", in: "polygon: [[0, 0], [a, 1]]\n", err: `polygon[1]: want a number, got "a" (line 1)`},
	{name: "classes not a list", in: "classes: person\n", err: `classes: want a list of strings, got "person" (line 1)`},
	{name: "class not a string", in: "classes: [[person]]\n", err: "classes[0]: want a string, got a list (line 1)"},
	{name: "id not a string", in: "id: {a: 1}\n", err: "id: want a string, got a mapping (line 1)"},
}

func TestUnmarshalYAML(t *testing.T) {
	for _, tc := range yamlCases {
		t.Run(tc.name, func(t *testing.T) {
			var r rules.Rule
			err := yaml.Unmarshal([]byte(tc.in), &r)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, *tc.want, r)
			requireRoundTrip(t, r)
		})
	}
}

func requireRoundTrip(t *testing.T, r rules.Rule) {
	t.Helper()
	out, err := yaml.Marshal(r)
	require.NoError(t, err)
	var back rules.Rule
	require.NoError(t, yaml.Unmarshal(out, &back), "marshalled:\n%s", out)
	require.Equal(t, r, back, "marshalled:\n%s", out)
}

func TestMarshalYAMLIsReadable(t *testing.T) {
	out, err := yaml.Marshal(tripwire(func(r *rules.Rule) { r.Cooldown = 2 * time.Second; r.Classes = []string{"person"} }))
	require.NoError(t, err)
	require.Equal(t, `id: door
name: Front door
camera: cam1
type: tripwire
enabled: true
classes: [person]
cooldown: 2s
line: [[0, 0.6], [1, 0.6]]
`, string(out))
}

// TestFixtures parses testdata/*.good.yaml, which must load and round-trip, and
// testdata/*.bad.yaml, whose first line is "# error: <the error Parse must return>".
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			rs, err := rules.LoadFile(f)
			switch {
			case strings.HasSuffix(f, ".good.yaml"):
				require.NoError(t, err)
				require.NotEmpty(t, rs)
				for _, r := range rs {
					requireRoundTrip(t, r)
				}
			case strings.HasSuffix(f, ".bad.yaml"):
				first, _, _ := strings.Cut(string(data), "\n")
				want, ok := strings.CutPrefix(first, "# error: ")
				require.True(t, ok, "a bad fixture starts with # error: ...")
				require.EqualError(t, err, "load rules from "+f+": "+strings.ReplaceAll(want, `\n`, "\n"))
			default:
				t.Fatalf("fixture %s is neither .good.yaml nor .bad.yaml", f)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing\n", "rules:\n", "rules: []\n"} {
		rs, err := rules.Parse([]byte(in))
		require.NoError(t, err, "%q", in)
		require.Empty(t, rs)
	}
}
