package gateway

import (
	"sort"
	"strconv"

	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
)

// Cameras lists every configured camera with its state, in configuration order.
func (g *Gateway) Cameras() []httpapi.CameraStatus {
	g.mu.RLock()
	cfg := g.cfg
	cams := make(map[string]*camera, len(g.cams))
	for id, c := range g.cams {
		cams[id] = c
	}
	g.mu.RUnlock()
	out := make([]httpapi.CameraStatus, 0, len(cfg.Cameras))
	for i := range cfg.Cameras {
		cc := &cfg.Cameras[i]
		if c, ok := cams[cc.ID]; ok {
			out = append(out, c.status())
			continue
		}
		st := httpapi.CameraStatus{ID: cc.ID, Name: cc.Name, Grid: cc.Grid, State: "disabled"}
		if cc.Location != nil {
			st.Location = cc.Location
		}
		out = append(out, st)
	}
	return out
}

// Readiness reports whether the gateway accepts work. An unreachable Kafka does not
// make it unready, since alerts wait in the durable queue, but the checks say so,
// with the camera states, so an operator sees a degraded gateway at a glance.
func (g *Gateway) Readiness() httpapi.Readiness {
	g.mu.RLock()
	closed := g.closed
	g.mu.RUnlock()
	r := httpapi.Readiness{Ready: !closed, Checks: map[string]string{}}
	if err := g.sink.Ready(); err != nil {
		r.Checks["kafka"] = "degraded: " + err.Error()
	} else {
		r.Checks["kafka"] = "ok"
	}
	counts := map[string]int{}
	for _, c := range g.Cameras() {
		counts[c.State]++
	}
	states := make([]string, 0, len(counts))
	for s := range counts {
		states = append(states, s)
	}
	sort.Strings(states)
	for _, s := range states {
		r.Checks["cameras_"+s] = strconv.Itoa(counts[s])
	}
	return r
}
