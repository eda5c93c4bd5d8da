package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/store"
)

// PlateDoc is one plate record as GET /api/v1/plates shows it.
type PlateDoc struct {
	EventID string  `json:"event_id"`
	Camera  idName  `json:"camera"`
	Grid    *idName `json:"grid,omitempty"`
	RuleID  string  `json:"rule_id"`
	Text    string  `json:"text"`
	Display string  `json:"display"`
	// Valid is false for a read that fits no mainland format.
	Valid       bool            `json:"valid"`
	Color       string          `json:"color"`
	Kind        string          `json:"kind"`
	Type        string          `json:"type"`
	TypeName    string          `json:"type_name"`
	Confidence  float64         `json:"confidence"`
	PassTime    string          `json:"pass_time"`
	PlateBox    json.RawMessage `json:"bbox,omitempty"`
	VehicleBox  json.RawMessage `json:"vehicle_bbox,omitempty"`
	CropURL     string          `json:"crop_url,omitempty"`
	SnapshotURL string          `json:"snapshot_url,omitempty"`
	ListHit     *AlertListHit   `json:"list_hit,omitempty"`
}

// PlatePage is one page of plate search results.
type PlatePage struct {
	Plates []PlateDoc `json:"plates"`
	// Next is the cursor (before=) of the next page; empty at the end.
	Next string `json:"next,omitempty"`
	// Truncated: a fuzzy or contains search stopped at its scan bound before the
	// page filled; ask for the next page to go on.
	Truncated bool `json:"truncated,omitempty"`
}

// SearchPlates answers GET /api/v1/plates: text (prefix by default; match=fuzzy
// within max_dist edits, or match=contains), from/to pass time, camera, color,
// limit and before (paging). A user limited to a grid sees its cameras' plates.
func (g *Gateway) SearchPlates(p auth.Principal, q url.Values) (PlatePage, error) {
	if g.db == nil {
		return PlatePage{}, fmt.Errorf("%w: plate records need the database", httpapi.ErrUnavailable)
	}
	var errs []httpapi.FieldError
	sq := store.PlateQuery{Text: q.Get("text"), Before: q.Get("before")}
	switch m := q.Get("match"); m {
	case "", "prefix":
		sq.Match = store.PlateMatchPrefix
	case "fuzzy":
		sq.Match = store.PlateMatchFuzzy
	case "contains":
		sq.Match = store.PlateMatchContains
	default:
		errs = append(errs, httpapi.FieldError{Field: "match", Message: fmt.Sprintf("want prefix, fuzzy or contains, got %q", m)})
	}
	if (sq.Match == store.PlateMatchFuzzy || sq.Match == store.PlateMatchContains) && plate.Normalize(sq.Text) == "" {
		errs = append(errs, httpapi.FieldError{Field: "text", Message: "required for match=" + string(sq.Match)})
	}
	if v := q.Get("max_dist"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3 {
			errs = append(errs, httpapi.FieldError{Field: "max_dist", Message: fmt.Sprintf("want 0–3, got %q", v)})
		}
		sq.MaxDist = n
	}
	for _, s := range listParam(q, "color") {
		c, err := plate.ParseColor(s)
		if err != nil {
			errs = append(errs, httpapi.FieldError{Field: "color", Message: err.Error()})
		}
		sq.Colors = append(sq.Colors, c)
	}
	visible := g.visibleCameras(p)
	for _, id := range listParam(q, "camera") {
		if visible != nil && !visible[id] {
			return PlatePage{}, errForbidden("camera " + id)
		}
		sq.Cameras = append(sq.Cameras, id)
	}
	if sq.Cameras == nil && visible != nil {
		sq.Cameras = []string{}
		for id := range visible {
			sq.Cameras = append(sq.Cameras, id)
		}
	}
	sq.From, sq.To, sq.Limit = pageQuery(q, 500, &errs)
	if len(errs) > 0 {
		return PlatePage{}, &httpapi.FieldErrors{Errors: errs}
	}
	page, err := g.db.SearchPlates(context.Background(), sq)
	if err != nil {
		return PlatePage{}, storeErr(err)
	}
	out := PlatePage{Plates: make([]PlateDoc, 0, len(page.Plates)), Next: page.Next, Truncated: page.Truncated}
	for _, r := range page.Plates {
		out.Plates = append(out.Plates, plateDoc(g, r))
	}
	return out, nil
}

// visibleCameras is the set of cameras p may see; nil means every camera.
func (g *Gateway) visibleCameras(p auth.Principal) map[string]bool {
	if p.Grid == "" {
		return nil
	}
	out := map[string]bool{}
	for _, c := range g.CamerasFor(p) {
		out[c.ID] = true
	}
	return out
}

func plateDoc(g *Gateway, r store.PlateRecord) PlateDoc {
	cfg := g.Config()
	d := PlateDoc{
		EventID: r.EventID, Camera: idName{ID: r.Camera, Name: r.Camera}, RuleID: r.RuleID,
		Text: r.Text, Display: r.Display, Valid: plate.Parse(r.Text).Valid, Color: r.Color.String(), Kind: r.Kind.String(),
		Type: r.Type.Code(), TypeName: r.Type.Name(), Confidence: r.Conf,
		PassTime: r.PassTime.UTC().Format(timeLayout), PlateBox: r.PlateBox, VehicleBox: r.VehicleBox,
		CropURL: r.CropURL, SnapshotURL: r.SnapshotURL,
	}
	if cam := cfg.Camera(r.Camera); cam != nil {
		d.Camera.Name = cam.Name
	}
	if r.Grid != "" {
		d.Grid = &idName{Code: r.Grid, Name: r.Grid}
		if gr := cfg.Grid(r.Grid); gr != nil {
			d.Grid.Name = gr.Name
		}
	}
	if h := r.Hit; h != nil {
		d.ListHit = &AlertListHit{List: h.List, Name: h.Name, Entry: plate.Normalize(h.Entry.Text), Note: h.Entry.Note, Distance: h.Distance}
	}
	return d
}
