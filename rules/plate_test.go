package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

func plateRule(edit ...func(*rules.Rule)) rules.Rule {
	r := rules.Rule{ID: "gate", Name: "卡口", Camera: "cam-4", Type: rules.TypePlate, Enabled: true}
	for _, e := range edit {
		e(&r)
	}
	return r
}

func TestValidatePlate(t *testing.T) {
	cases := []struct {
		name string
		rule rules.Rule
		want string
	}{
		{"bare plate rule: whole picture", plateRule(), ""},
		{"region, trigger line, lists", plateRule(func(r *rules.Rule) {
			r.Polygon = zone().Polygon
			r.Line, r.Direction = [2]rules.Point{p(0.1, 0.6), p(0.9, 0.6)}, rules.DirectionAToB
			r.MinPlateHeight, r.DedupeWindow, r.ListDistance = 14, 5*time.Minute, 1
			r.Classes = []string{"car", "bus", "truck"}
			r.Lists = []rules.PlateList{{Kind: "block", Name: "布控", Entries: []rules.PlateEntry{{Text: "粤D12345", Note: "盗抢"}}}, {Kind: "allow"}}
		}), ""},
		{"direction without a line", plateRule(func(r *rules.Rule) { r.Direction = rules.DirectionAToB }), "direction: needs a trigger line"},
		{"zero-length trigger line", plateRule(func(r *rules.Rule) { r.Line = [2]rules.Point{p(0.2, 0.5), p(0.2, 0.5)} }), "line: zero-length line"},
		{"trigger line outside", plateRule(func(r *rules.Rule) { r.Line = [2]rules.Point{p(0.2, 0.5), p(1.2, 0.5)} }), "line[1]: [1.2, 0.5] is outside the image: coordinates are 0–1"},
		{"polyline", plateRule(func(r *rules.Rule) { r.Polyline = []rules.Point{p(0, 0), p(1, 1)} }), "polyline: not used by plate rules (the trigger is a line)"},
		{"self-intersecting region", plateRule(func(r *rules.Rule) {
			r.Polygon = []rules.Point{p(0, 0), p(1, 1), p(1, 0), p(0, 1)}
		}), "polygon: self-intersecting: edges 0 and 2 cross"},
		{"min_duration", plateRule(func(r *rules.Rule) { r.MinDuration = time.Second }), "min_duration: not used by plate rules"},
		{"min_count", plateRule(func(r *rules.Rule) { r.MinCount = 2 }), "min_count: only used by crowd_dwell rules"},
		{"plate too small", plateRule(func(r *rules.Rule) { r.MinPlateHeight = 4 }), "min_plate_height: want 8–1000 pixels (0 or absent: the engine's minimum), got 4"},
		{"negative dedupe", plateRule(func(r *rules.Rule) { r.DedupeWindow = -time.Second }), "dedupe_window: want 0–24h, got -1s"},
		{"dedupe over a day", plateRule(func(r *rules.Rule) { r.DedupeWindow = 25 * time.Hour }), "dedupe_window: want 0–24h, got 25h0m0s"},
		{"list distance", plateRule(func(r *rules.Rule) { r.ListDistance = 4 }), "list_distance: want 0 (exact) to 3 edits, got 4"},
		{"list kind", plateRule(func(r *rules.Rule) { r.Lists = []rules.PlateList{{Kind: "deny"}} }), `lists[0].kind: want allow or block, got "deny"`},
		{"empty entry", plateRule(func(r *rules.Rule) {
			r.Lists = []rules.PlateList{{Kind: "block", Entries: []rules.PlateEntry{{Text: "粤D12345"}, {Text: " "}}}}
		}), "lists[0].entries[1].text: empty plate"},
		{"long entry", plateRule(func(r *rules.Rule) {
			r.Lists = []rules.PlateList{{Kind: "allow", Entries: []rules.PlateEntry{{Text: strings.Repeat("粤", 17)}}}}
		}), "lists[0].entries[0].text: \"" + strings.Repeat("粤", 17) + "\": want at most 16 characters of valid UTF-8"},
		{"list name with a newline", plateRule(func(r *rules.Rule) { r.Lists = []rules.PlateList{{Kind: "allow", Name: "a\nb"}} }),
			`lists[0].name: "a\nb" has control characters or invalid UTF-8`},
		{"too many entries", plateRule(func(r *rules.Rule) {
			r.Lists = []rules.PlateList{{Kind: "block", Entries: make([]rules.PlateEntry, 20001)}}
			for i := range r.Lists[0].Entries {
				r.Lists[0].Entries[i].Text = "粤D12345"
			}
		}), "lists: 20001 entries: at most 20000 per rule"},
		{"plate fields on a tripwire", tripwire(func(r *rules.Rule) { r.MinPlateHeight, r.Lists = 20, []rules.PlateList{{Kind: "block"}} }),
			"min_plate_height: only used by plate rules\nlists: only used by plate rules"},
		{"dedupe on a zone", zone(func(r *rules.Rule) { r.DedupeWindow = time.Minute }), "dedupe_window: only used by plate rules"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestPlateRuleYAML(t *testing.T) {
	const doc = `
id: gate
name: 礐石医院卡口
camera: cam-hd-004
type: plate
polygon: [[0.1, 0.3], [0.9, 0.3], [0.9, 0.95], [0.1, 0.95]]
line: [[0.1, 0.6], [0.9, 0.6]]
direction: a_to_b
min_plate_height: 14
dedupe_window: 5m
list_distance: 1
lists:
  - kind: block
    name: 布控车辆
    entries: [粤D12345, {text: 京A6K789, note: 盗抢}]
  - {kind: allow, entries: [粤B00001]}
`
	var r rules.Rule
	require.NoError(t, yaml.Unmarshal([]byte(doc), &r))
	require.NoError(t, r.Validate())
	require.Equal(t, 14, r.MinPlateHeight)
	require.Equal(t, 5*time.Minute, r.DedupeWindow)
	require.Equal(t, 1, r.ListDistance)
	require.Equal(t, []rules.PlateList{
		{Kind: "block", Name: "布控车辆", Entries: []rules.PlateEntry{{Text: "粤D12345"}, {Text: "京A6K789", Note: "盗抢"}}},
		{Kind: "allow", Entries: []rules.PlateEntry{{Text: "粤B00001"}}},
	}, r.Lists)

	out, err := yaml.Marshal(r)
	require.NoError(t, err)
	var back rules.Rule
	require.NoError(t, yaml.Unmarshal(out, &back), string(out))
	require.Equal(t, r, back, "round trip through MarshalYAML")
	bare := plateRule()
	require.Equal(t, time.Minute, bare.EffectiveDedupeWindow())
	require.Equal(t, 5*time.Minute, r.EffectiveDedupeWindow())

	for _, bad := range []struct{ doc, want string }{
		{"{id: g, camera: c, type: plate, lists: [{kind: block, entries: [{text: 粤D12345, why: x}]}]}",
			"lists[0].entries[0].why: unknown key (want one of text, note) (line 1)"},
		{"{id: g, camera: c, type: plate, lists: [{kind: block, list: []}]}", "lists[0].list: unknown key (want one of kind, name, entries) (line 1)"},
		{"{id: g, camera: c, type: plate, lists: block}", "lists: want a list of watch lists, got \"block\" (line 1)"},
		{"{id: g, camera: c, type: plate, min_plate_height: tall}", "min_plate_height: want a whole number of pixels, got \"tall\" (line 1)"},
	} {
		var r rules.Rule
		require.EqualError(t, yaml.Unmarshal([]byte(bad.doc), &r), bad.want, bad.doc)
	}
}

func TestEvaluatorLeavesPlateRulesAlone(t *testing.T) {
	e := rules.NewEvaluator("cam-4", []rules.Rule{plateRule(func(r *rules.Rule) { r.Line = [2]rules.Point{p(0, 0.5), p(1, 0.5)} })})
	t0 := time.Unix(0, 0)
	evs := e.Update(rules.Observation{Time: t0, Objects: []rules.Object{{TrackID: 1, Class: "car", Foot: p(0.5, 0.4)}}})
	evs = append(evs, e.Update(rules.Observation{Time: t0.Add(time.Second), Objects: []rules.Object{{TrackID: 1, Class: "car", Foot: p(0.5, 0.6)}}})...)
	require.Empty(t, evs, "the gateway's plate stage, not the evaluator, runs plate rules")
}
