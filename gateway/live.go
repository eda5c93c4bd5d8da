package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/whep"
	webviewer "github.com/sharpeyes/sharpeyes/web-viewer"
)

// startLive starts the WebRTC relay. Its network settings are fixed for the
// gateway's lifetime (a change needs a restart).
func (g *Gateway) startLive(cfg *conf.Config) error {
	w := cfg.Live.WebRTC
	ice := make([]whep.ICEServer, 0, len(w.ICEServers))
	for _, s := range w.ICEServers {
		ice = append(ice, whep.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	var err error
	g.whep, err = whep.NewServer(whep.Config{
		Lookup: g.whepLookup, ICEServers: ice, UDPListen: w.UDPListen, NAT1To1IPs: w.NAT1To1IPs,
		// Loopback candidates let a browser on the gateway's own host play (the demo).
		IncludeLoopback: true, QueueSize: w.QueueSize, Registerer: g.reg, Logger: g.opts.Logger,
	})
	if err != nil {
		return fmt.Errorf("start WebRTC relay: %w", err)
	}
	return nil
}

// whepLookup resolves a viewer's camera: watching starts the camera's pull when
// nothing else needed it, and the session's Release ends the watch.
func (g *Gateway) whepLookup(ctx context.Context, req whep.Request) (whep.Source, error) {
	g.mu.RLock()
	c := g.cams[req.CameraID]
	g.mu.RUnlock()
	if c == nil {
		return nil, fmt.Errorf("camera %q (disabled or not configured): %w", req.CameraID, whep.ErrNotFound)
	}
	s, release, err := c.watch(req.Stream == "sub")
	if err != nil {
		return nil, fmt.Errorf("camera %q: %w: %w", req.CameraID, whep.ErrNotFound, err)
	}
	if p, ok := auth.FromContext(ctx); ok {
		c.mu.Lock()
		grid := c.meta.Grid
		c.mu.Unlock()
		g.Audit(p, "live_view", req.CameraID, grid, "", map[string]any{"stream": req.Stream})
	}
	return whep.StreamSource(s, 0, release), nil
}

// viewer returns the web viewer: embedded, or from live.ui.dir for front-end work.
// Its Content-Security-Policy admits pictures from the map tile server and from the
// public URL alert snapshots carry, as currently configured.
func (g *Gateway) viewer(cfg *conf.Config) http.Handler {
	return webviewer.Handler(webviewer.Options{Dir: cfg.Live.UI.Dir, ImageOrigins: func() []string {
		c := g.Config()
		var out []string
		for _, raw := range []string{c.Live.UI.TileURL, c.HTTP.PublicURL} {
			if u, err := url.Parse(raw); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
				out = append(out, u.Scheme+"://"+u.Host)
			}
		}
		return out
	}})
}
