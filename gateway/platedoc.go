package gateway

import (
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/gateway/platecap"
	"github.com/sharpeyes/sharpeyes/rules"
)

// AlertPlate is the plate of a plate alert.
type AlertPlate struct {
	// Text is the normalised plate (粤D12345); Display adds the separator (粤D·12345).
	Text    string `json:"text"`
	Display string `json:"display"`
	// Valid is false for a read that fits no mainland format (a foreign plate).
	Valid bool `json:"valid"`
	// Kind is the format (ordinary, new_energy_small, police, ...).
	Kind  string `json:"kind"`
	Color string `json:"color"`
	// Type is the GA 24.7 plate type code ("02"), TypeName its name (小型汽车).
	Type            string    `json:"type"`
	TypeName        string    `json:"type_name"`
	Confidence      float64   `json:"confidence"`
	CharConfidences []float64 `json:"char_confidences"`
	// Reads is how many reads of the pass voted for the text.
	Reads int      `json:"reads"`
	BBox  AlertBox `json:"bbox"`
	// CropURL is the rectified plate image.
	CropURL string `json:"crop_url,omitempty"`
}

// AlertListHit is the watch-list entry a plate matched.
type AlertListHit struct {
	// List is allow or block; Name the list's name.
	List     string `json:"list"`
	Name     string `json:"name,omitempty"`
	Entry    string `json:"entry"`
	Note     string `json:"note,omitempty"`
	Distance int    `json:"distance"`
}

// buildPlateAlert turns a plate capture into a plate alert (a pulse).
func (ac *alertContext) buildPlateAlert(c platecap.Capture, now time.Time, snapshotURL, cropURL string) Alert {
	r := ac.rules[c.RuleID]
	res := c.Result
	a := Alert{
		SchemaVersion: AlertSchemaVersion,
		EventID:       c.EventID,
		MessageID:     c.EventID + ":" + string(rules.ActionPulse),
		Type:          string(rules.TypePlate),
		Action:        string(rules.ActionPulse),
		FrameTime:     c.Time.UTC().Format(timeLayout),
		EmittedAt:     now.UTC().Format(timeLayout),
		Camera:        ac.camera,
		Grid:          ac.grid,
		Rule:          AlertRule{ID: c.RuleID, Name: r.Name, Type: string(rules.TypePlate)},
		Priority:      c.Priority,
		Direction:     string(c.Direction),
		Objects:       []AlertObject{},
		SnapshotURL:   snapshotURL,
		captured:      c.Time,
		Plate: &AlertPlate{
			Text: res.Text, Display: res.Plate.Display, Valid: res.Plate.Valid, Kind: res.Plate.Kind.String(),
			Color: res.Color.String(), Type: c.Type.Code(), TypeName: c.Type.Name(),
			Confidence: round3(res.Conf), CharConfidences: make([]float64, len(res.CharConf)), Reads: res.Reads,
			BBox:    AlertBox{X: round4(c.Box.X1), Y: round4(c.Box.Y1), W: round4(c.Box.W()), H: round4(c.Box.H())},
			CropURL: cropURL,
		},
	}
	if a.Plate.Display == "" {
		a.Plate.Display = res.Text
	}
	for i, v := range res.CharConf {
		a.Plate.CharConfidences[i] = round3(v)
	}
	if v := c.Vehicle; v != nil {
		// A tracked box may reach past the picture (the tracker predicts it).
		b := analytics.Box{X1: clamp01(v.Box.X1), Y1: clamp01(v.Box.Y1), X2: clamp01(v.Box.X2), Y2: clamp01(v.Box.Y2)}
		a.Objects = append(a.Objects, AlertObject{
			TrackID: v.TrackID, Class: v.Class, Score: round3(v.Score),
			BBox: AlertBox{X: round4(b.X1), Y: round4(b.Y1), W: round4(b.W()), H: round4(b.H())},
		})
	}
	if h := c.Hit; h != nil {
		a.ListHit = &AlertListHit{List: h.List, Name: h.Name, Entry: plate.Normalize(h.Entry.Text), Note: h.Entry.Note, Distance: h.Distance}
	}
	return a
}

func clamp01(v float64) float64 { return min(1, max(0, v)) }
