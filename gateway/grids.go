package gateway

import (
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/livefeed"
)

// Grids returns the grid tree as GeoJSON, each grid with its cameras (own and in its
// subtree) and its recent alert counts, in configuration order.
func (g *Gateway) Grids() httpapi.GridCollection {
	cfg := g.Config()
	counts := g.counts.Get(g.opts.Now())
	children := map[string][]string{}
	own := map[string][]string{}
	for _, gr := range cfg.Grids {
		if gr.Parent != "" {
			children[gr.Parent] = append(children[gr.Parent], gr.Code)
		}
	}
	for _, c := range cfg.Cameras {
		if c.IsEnabled() && c.Grid != "" {
			own[c.Grid] = append(own[c.Grid], c.ID)
		}
	}
	out := httpapi.GridCollection{Type: "FeatureCollection", Features: make([]httpapi.GridFeature, 0, len(cfg.Grids))}
	for _, gr := range cfg.Grids {
		p := httpapi.GridProperty{
			Code: gr.Code, Name: gr.Name, Level: gr.Level, Parent: gr.Parent,
			Cameras: append([]string{}, own[gr.Code]...), SubtreeCameras: []string{},
			Alerts1h: counts[gr.Code].LastHour, Alerts24h: counts[gr.Code].LastDay,
		}
		walkSubtree(gr.Code, children, func(code string) {
			p.SubtreeCameras = append(p.SubtreeCameras, own[code]...)
			p.SubtreeAlerts1h += counts[code].LastHour
			p.SubtreeAlerts24h += counts[code].LastDay
		})
		out.Features = append(out.Features, httpapi.GridFeature{
			Type: "Feature", ID: gr.Code, Geometry: geoPolygon(gr.Polygon), Properties: p,
		})
	}
	return out
}

// walkSubtree calls fn for code and every grid under it (each once, even if the
// configuration had a cycle).
func walkSubtree(code string, children map[string][]string, fn func(string)) {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(c string) {
		if seen[c] {
			return
		}
		seen[c] = true
		fn(c)
		for _, k := range children[c] {
			walk(k)
		}
	}
	walk(code)
}

// geoPolygon returns the GeoJSON polygon of a [lon, lat] ring, closed as RFC 7946
// wants, or nil for a grid without one.
func geoPolygon(ring [][2]float64) *httpapi.GeoPolygon {
	if len(ring) < 3 {
		return nil
	}
	r := append([][2]float64{}, ring...)
	if r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return &httpapi.GeoPolygon{Type: "Polygon", Coordinates: [][][2]float64{r}}
}

// gridPath returns code followed by its ancestors (nil for no grid), for live-feed
// filters by a grid's subtree. Cameras derive it when their configuration changes.
func gridPath(cfg *conf.Config, code string) []string {
	parent := map[string]string{}
	for _, gr := range cfg.Grids {
		parent[gr.Code] = gr.Parent
	}
	var out []string
	for c := code; c != "" && len(out) <= len(cfg.Grids); c = parent[c] {
		out = append(out, c)
	}
	return out
}

// UI returns the web viewer's start-up settings.
func (g *Gateway) UI() httpapi.UIConfig {
	u := g.Config().Live.UI
	return httpapi.UIConfig{
		Title: u.Title, TileURL: u.TileURL, TileAttribution: u.TileAttribution,
		TourDwellS: int(u.TourDwell.D().Seconds()), Language: "zh-CN",
	}
}

// feedAlert turns a queued alert into a live-feed event and counts it for the map
// (starts and pulses only: one per event). path is the camera's grid path.
func (g *Gateway) feedAlert(a *Alert, path []string, data []byte) {
	grid := ""
	if a.Grid != nil {
		grid = a.Grid.Code
	}
	if a.Action == "start" || a.Action == "pulse" {
		g.counts.Add(grid, a.captured)
	}
	g.feed.Publish(livefeed.Event{ID: a.MessageID, Grids: path, Type: a.Type, Data: data})
}
