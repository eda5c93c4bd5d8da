package main

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
	"github.com/sharpeyes/sharpeyes/testvideos/pets"
)

// crowdRule is one scored crowd_dwell rule. The same rules.Rule goes into every
// variant's configuration and into the ground-truth evaluator, so truth and product
// share the state machine (see crowdRules.rule and truthEpisodes).
type crowdRule struct {
	ID       string
	Polygon  []rules.Point
	MinCount int
	// MinDuration and ClearDuration are the rule's min_duration and clear_duration.
	MinDuration, ClearDuration time.Duration
	// Where says in words what the polygon covers, for the report.
	Where string
}

// crowdRules were chosen from the ground truth's per-frame counts (go run . -crowd-truth
// prints them; the README says why each was picked), never from a detector's output.
var crowdRules = []crowdRule{
	{
		ID: "crowd-paved", MinCount: 4, MinDuration: 3 * time.Second, ClearDuration: 2 * time.Second,
		Polygon: []rules.Point{{X: 0, Y: 0.3}, {X: 0.75, Y: 0.2}, {X: 1, Y: 0.2}, {X: 1, Y: 0.85}, {X: 0.45, Y: 0.56}, {X: 0, Y: 0.42}},
		Where:   "the paved area: walkway, junction and road, not the lawn",
	},
	{
		ID: "crowd-centre", MinCount: 2, MinDuration: 3 * time.Second, ClearDuration: 2 * time.Second,
		Polygon: []rules.Point{{X: 0.35, Y: 0.3}, {X: 0.65, Y: 0.3}, {X: 0.65, Y: 0.55}, {X: 0.35, Y: 0.55}},
		Where:   "the junction around the lamp post",
	},
	{
		ID: "crowd-road", MinCount: 3, MinDuration: 3 * time.Second, ClearDuration: 2 * time.Second,
		Polygon: []rules.Point{{X: 0.6, Y: 0.2}, {X: 1, Y: 0.2}, {X: 1, Y: 0.7}, {X: 0.6, Y: 0.6}},
		Where:   "the road on the right",
	},
}

// crowdCamera is the camera id of the generated configurations.
const crowdCamera = "pets"

// rule is the crowd_dwell rule on class, or on any class when class is "".
func (c crowdRule) rule(class string) rules.Rule {
	r := rules.Rule{
		ID: c.ID, Name: c.ID, Camera: crowdCamera, Type: rules.TypeCrowdDwell, Enabled: true,
		Polygon: c.Polygon, MinCount: c.MinCount, MinDuration: c.MinDuration, ClearDuration: c.ClearDuration,
	}
	if class != "" {
		r.Classes = []string{class}
	}
	return r
}

// crowdRulesFor returns every crowd rule on class ("" = any class), validated.
func crowdRulesFor(class string) ([]rules.Rule, error) {
	out := make([]rules.Rule, len(crowdRules))
	for i, c := range crowdRules {
		out[i] = c.rule(class)
	}
	if err := rules.ValidateRules("crowd rules", out); err != nil {
		return nil, fmt.Errorf("benchmark crowd rules are invalid: %w", err)
	}
	return out, nil
}

// crowdRulesYAML renders the crowd rules as items of a `rules:` list, indented by
// two spaces, in the rules package's own YAML form.
func crowdRulesYAML(class string) (string, error) {
	rs, err := crowdRulesFor(class)
	if err != nil {
		return "", err
	}
	b, err := yaml.Marshal(rs)
	if err != nil {
		return "", fmt.Errorf("marshal crowd rules: %w", err)
	}
	var sb strings.Builder
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		sb.WriteString("  " + l + "\n")
	}
	return sb.String(), nil
}

// truthEpisodes runs the real rules evaluator over the ground truth: every video
// frame becomes one observation at clipStart + frame/7 s holding that frame's boxes
// (class person, normalized by 768x576), and the clip ends as analyze ends it, with
// an empty observation at the last frame's time. Its events become episodes exactly
// as the product's alerts do.
func truthEpisodes(gt *pets.GT, c crowdRule) ([]episode, error) {
	r := c.rule("person")
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("crowd rule %s: %w", c.ID, err)
	}
	frames := gtObservations(gt)
	ev := rules.NewEvaluator(crowdCamera, []rules.Rule{r})
	var events []rules.Event
	for f, objs := range frames {
		events = append(events, ev.Update(rules.Observation{Time: frameTime(f), Objects: objs})...)
	}
	events = append(events, ev.Update(rules.Observation{Time: frameTime(len(frames) - 1)})...)
	return episodesFromEvents(events, frameSeconds(len(frames)-1))[c.ID], nil
}

// gtObservations groups the ground-truth boxes into rules objects per 0-based video
// frame (pets.Frames entries; boxes outside the clip are skipped).
func gtObservations(gt *pets.GT) [][]rules.Object {
	frames := make([][]rules.Object, pets.Frames)
	for _, b := range gt.Boxes {
		f := b.VideoFrame()
		if f < 0 || f >= pets.Frames {
			continue
		}
		box := rules.Box{X1: b.Left / pets.Width, Y1: b.Top / pets.Height,
			X2: (b.Left + b.Width) / pets.Width, Y2: (b.Top + b.Height) / pets.Height}
		foot := b.Foot()
		frames[f] = append(frames[f], rules.Object{
			TrackID: uint64(b.ID), Class: "person", Score: 1, Box: box, Foot: rules.Point{X: foot.X, Y: foot.Y},
		})
	}
	return frames
}

// frameSeconds is the clip time of 0-based video frame f.
func frameSeconds(f int) float64 { return float64(f) / float64(clipFPS) }

// frameTime is the observation time of frame f, as analyze stamps it.
func frameTime(f int) time.Time {
	return clipStart.Add(time.Duration(f) * time.Second / time.Duration(clipFPS))
}

// episodesFromEvents turns crowd_dwell events into episodes per rule id, as
// scoreAlerts does with the binary's alerts.
func episodesFromEvents(events []rules.Event, clipEnd float64) map[string][]episode {
	ms := make([]crowdMsg, 0, len(events))
	for _, e := range events {
		if e.Type != rules.TypeCrowdDwell {
			continue
		}
		ms = append(ms, crowdMsg{Rule: e.RuleID, EventID: e.EventID, Action: string(e.Action),
			T: snapToFrame(e.Time.Sub(clipStart).Seconds()), Peak: e.PeakCount})
	}
	return buildEpisodes(ms, clipEnd)
}

// truthCounts returns the per-frame count of ground-truth foot points inside the
// rule's polygon (testvideos' point-in-polygon; the episodes come from the
// evaluator). -crowd-truth prints them.
func (c crowdRule) truthCounts(gt *pets.GT) []int {
	poly := make([]pets.Point, len(c.Polygon))
	for i, p := range c.Polygon {
		poly[i] = pets.Point{X: p.X, Y: p.Y}
	}
	return gt.CountInPolygon(poly)
}
