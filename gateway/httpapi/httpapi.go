// Package httpapi serves the gateway's HTTP surface: health and readiness probes,
// Prometheus metrics, alert snapshots, the camera list and the reload trigger.
package httpapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// CameraStatus is one camera as the API shows it: never with its URL or credentials.
type CameraStatus struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Grid        string    `json:"grid,omitempty"`
	Location    any       `json:"location,omitempty"`
	State       string    `json:"state"`
	LastError   string    `json:"last_error,omitempty"`
	Since       time.Time `json:"since"`
	Reconnects  uint64    `json:"reconnects"`
	AnalysisFPS float64   `json:"analysis_fps"`
	// Viewers is the number of live viewers (WHEP sessions) of the camera.
	Viewers      int  `json:"viewers"`
	HasSubStream bool `json:"has_sub_stream"`
}

// GridCollection is the grid map as a GeoJSON FeatureCollection (RFC 7946).
type GridCollection struct {
	Type     string        `json:"type"` // "FeatureCollection"
	Features []GridFeature `json:"features"`
}

// GridFeature is one grid; Geometry is null for a grid without a polygon.
type GridFeature struct {
	Type       string       `json:"type"` // "Feature"
	ID         string       `json:"id"`
	Geometry   *GeoPolygon  `json:"geometry"`
	Properties GridProperty `json:"properties"`
}

// GeoPolygon is a GeoJSON Polygon with one closed ring of [lon, lat] positions.
type GeoPolygon struct {
	Type        string         `json:"type"` // "Polygon"
	Coordinates [][][2]float64 `json:"coordinates"`
}

// GridProperty describes a grid, its cameras and its recent alerts (start and pulse
// alerts: one per event).
type GridProperty struct {
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Level            string   `json:"level"`
	Parent           string   `json:"parent"`
	Cameras          []string `json:"cameras"`
	SubtreeCameras   []string `json:"subtree_cameras"`
	Alerts1h         int      `json:"alerts_1h"`
	Alerts24h        int      `json:"alerts_24h"`
	SubtreeAlerts1h  int      `json:"subtree_alerts_1h"`
	SubtreeAlerts24h int      `json:"subtree_alerts_24h"`
}

// UIConfig is what the web viewer needs to know at start (GET /api/v1/ui).
type UIConfig struct {
	Title           string `json:"title"`
	TileURL         string `json:"tile_url"`
	TileAttribution string `json:"tile_attribution"`
	TourDwellS      int    `json:"tour_dwell_s"`
	Language        string `json:"language"`
}

// Readiness is the body of /readyz.
type Readiness struct {
	Ready  bool              `json:"ready"`
	Checks map[string]string `json:"checks"`
}

// Core is what the API needs from the gateway core.
type Core interface {
	Cameras() []CameraStatus
	Grids() GridCollection
	UI() UIConfig
	// DryRun tries a rule (body, YAML or JSON; or the configured rule ruleID when
	// body is empty) over its camera's recent tracks.
	DryRun(ruleID string, body []byte) (DryRunResult, error)
	Readiness() Readiness
	// Reload re-reads the configuration; it returns the validation error, if any,
	// and keeps the running configuration in that case.
	Reload(ctx context.Context) error
}

// Server is the HTTP listener. Start binds it; Close stops it and waits.
type Server struct {
	Listen    string
	Core      Core
	Gatherer  prometheus.Gatherer
	Snapshots http.Handler
	// WHEP serves POST /api/v1/cameras/{id}/whep and the session resources
	// /api/v1/whep/sessions/{id} (nil: live view off).
	WHEP http.Handler
	// Events serves GET /api/v1/events/stream (Server-Sent Events).
	Events http.Handler
	// Viewer serves the web viewer at / (nil: none).
	Viewer http.Handler
	Logger *slog.Logger

	ln   net.Listener
	srv  *http.Server
	done chan struct{}
	// apiRoutes are the /api/v1 patterns Handler registered, checked against
	// openapi.json by the tests.
	apiRoutes []string
}

// openAPI is the API's OpenAPI 3 document, served at /api/v1/openapi.json.
//
//go:embed openapi.json
var openAPI []byte

// Start binds the listener and serves in an owned goroutine.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("http listen on %s: %w", s.Listen, err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// Addr returns the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close shuts the server down, waiting up to 5 s for requests in flight.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}))
	if s.Snapshots != nil {
		mux.Handle("/snapshots/", s.Snapshots)
	}
	s.apiRoutes = nil
	api := func(pattern string, h http.Handler) {
		s.apiRoutes = append(s.apiRoutes, pattern)
		mux.Handle(pattern, h)
	}
	api("GET /api/v1/cameras", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Core.Cameras())
	}))
	api("GET /api/v1/grids", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
		writeBody(w, http.StatusOK, s.Core.Grids())
	}))
	api("GET /api/v1/ui", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Core.UI())
	}))
	api("GET /api/v1/openapi.json", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(openAPI)
	}))
	api("POST /api/v1/rules/dry-run", http.HandlerFunc(s.dryRun))
	api("POST /api/v1/rules/{id}/dry-run", http.HandlerFunc(s.dryRun))
	if s.WHEP != nil { // the handler routes on the full path and method
		api("/api/v1/cameras/{id}/whep", s.WHEP)
		api("/api/v1/whep/sessions/{id}", s.WHEP)
	}
	if s.Events != nil {
		api("GET /api/v1/events/stream", s.Events)
	}
	if s.Viewer != nil {
		mux.Handle("/", s.Viewer)
	}
	mux.HandleFunc("POST /-/reload", s.reload)
	return mux
}

func (s *Server) dryRun(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if len(body) > maxBody {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body over %d bytes", maxBody)})
		return
	}
	res, err := s.Core.DryRun(r.PathValue("id"), body)
	var fe *FieldErrors
	switch {
	case errors.As(err, &fe):
		writeJSON(w, http.StatusUnprocessableEntity, fe)
	case errors.Is(err, ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	r := s.Core.Readiness()
	code := http.StatusOK
	if !r.Ready {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, r)
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if err := s.Core.Reload(r.Context()); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reloaded"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	writeBody(w, code, v)
}

// writeBody writes v as indented JSON with the Content-Type already set.
func writeBody(w http.ResponseWriter, code int, v any) {
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
