package gateway

import (
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/rules"
)

// AlertSchemaVersion is the version of docs/alert.schema.json that Alert follows.
const AlertSchemaVersion = "1.0"

// timeLayout is RFC 3339 with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Alert is the JSON document published to Kafka and printed by analyze; see
// docs/alert.schema.json.
type Alert struct {
	SchemaVersion string      `json:"schema_version"`
	EventID       string      `json:"event_id"`
	MessageID     string      `json:"message_id"`
	Type          string      `json:"type"`
	Action        string      `json:"action"`
	FrameTime     string      `json:"frame_time"`
	EmittedAt     string      `json:"emitted_at"`
	Camera        AlertCamera `json:"camera"`
	Grid          *AlertGrid  `json:"grid,omitempty"`
	Rule          AlertRule   `json:"rule"`
	// Priority is the rule's: 1 (most urgent) to 4.
	Priority   int    `json:"priority"`
	Direction  string `json:"direction,omitempty"`
	DurationMS *int64 `json:"duration_ms,omitempty"`
	// Count and PeakCount: crowd_dwell only.
	Count       *int          `json:"count,omitempty"`
	PeakCount   *int          `json:"peak_count,omitempty"`
	Objects     []AlertObject `json:"objects"`
	SnapshotURL string        `json:"snapshot_url,omitempty"`
	// Plate and ListHit: plate only.
	Plate   *AlertPlate   `json:"plate,omitempty"`
	ListHit *AlertListHit `json:"list_hit,omitempty"`

	// captured is FrameTime as a time, for the Kafka record timestamp.
	captured time.Time
}

// AlertCamera identifies the camera; it never carries the stream URL.
type AlertCamera struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Location *conf.Location `json:"location,omitempty"`
}

// AlertGrid is the grid the camera belongs to.
type AlertGrid struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// AlertRule identifies the rule that fired.
type AlertRule struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// AlertObject is one tracked object involved in the event.
type AlertObject struct {
	TrackID uint64   `json:"track_id"`
	Class   string   `json:"class"`
	Score   float64  `json:"score"`
	BBox    AlertBox `json:"bbox"`
}

// AlertBox is a box in normalized image coordinates (0–1, origin top-left).
type AlertBox struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// alertContext is what an alert needs to know about its camera beyond the event.
type alertContext struct {
	camera AlertCamera
	grid   *AlertGrid
	rules  map[string]rules.Rule
}

func newAlertContext(cfg *conf.Config, cam *conf.Camera) alertContext {
	ac := alertContext{
		camera: AlertCamera{ID: cam.ID, Name: cam.Name, Location: cam.Location},
		rules:  map[string]rules.Rule{},
	}
	if g := cfg.Grid(cam.Grid); g != nil {
		ac.grid = &AlertGrid{Code: g.Code, Name: g.Name}
	}
	for _, r := range cfg.RulesFor(cam.ID) {
		ac.rules[r.ID] = r
	}
	return ac
}

// buildAlert turns a rules event into an alert document.
func (ac *alertContext) buildAlert(ev rules.Event, messageID string, now time.Time, snapshotURL string) Alert {
	name, priority := ev.RuleName, rules.DefaultPriority
	if r, ok := ac.rules[ev.RuleID]; ok {
		priority = r.EffectivePriority()
		if name == "" {
			name = r.Name
		}
	}
	a := Alert{
		SchemaVersion: AlertSchemaVersion,
		EventID:       ev.EventID,
		MessageID:     messageID,
		Type:          string(ev.Type),
		Action:        string(ev.Action),
		FrameTime:     ev.Time.UTC().Format(timeLayout),
		EmittedAt:     now.UTC().Format(timeLayout),
		Camera:        ac.camera,
		Grid:          ac.grid,
		Rule:          AlertRule{ID: ev.RuleID, Name: name, Type: string(ev.Type)},
		Priority:      priority,
		Direction:     string(ev.Direction),
		Objects:       make([]AlertObject, 0, len(ev.Objects)),
		SnapshotURL:   snapshotURL,
		captured:      ev.Time,
	}
	if ev.Duration > 0 {
		ms := ev.Duration.Milliseconds()
		a.DurationMS = &ms
	}
	if ev.Type == rules.TypeCrowdDwell {
		a.Count, a.PeakCount = &ev.Count, &ev.PeakCount
	}
	for _, o := range ev.Objects {
		b := analytics.Box{X1: o.Box.X1, Y1: o.Box.Y1, X2: o.Box.X2, Y2: o.Box.Y2}
		a.Objects = append(a.Objects, AlertObject{
			TrackID: o.TrackID, Class: o.Class, Score: round3(o.Score),
			BBox: AlertBox{X: round4(b.X1), Y: round4(b.Y1), W: round4(b.W()), H: round4(b.H())},
		})
	}
	return a
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
func round4(v float64) float64 { return float64(int64(v*10000+0.5)) / 10000 }
