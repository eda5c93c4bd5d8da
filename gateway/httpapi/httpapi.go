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
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
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

// Core is what the API needs from the gateway core. Every call that returns
// objects takes the caller's principal and answers only with what its grid scope
// allows; calls about one object outside it fail with ErrForbidden.
type Core interface {
	CamerasFor(p auth.Principal) []CameraStatus
	GridsFor(p auth.Principal) GridCollection
	UI() UIConfig
	// DryRun tries a rule (body, YAML or JSON; or the stored rule ruleID when
	// body is empty) over its camera's recent tracks.
	DryRun(p auth.Principal, ruleID string, body []byte) (DryRunResult, error)
	// DryRunClip tries a rule (body, or the stored rule ruleID when body is empty)
	// over an uploaded clip, analysed with the rule's camera's settings.
	DryRunClip(ctx context.Context, p auth.Principal, ruleID string, body []byte, clip io.Reader) (DryRunResult, error)
	Readiness() Readiness
	// Reload re-reads the configuration; it returns the validation error, if any,
	// and keeps the running configuration in that case.
	Reload(ctx context.Context) error
	// CanView checks that p may see the camera (live view, snapshot, detections).
	CanView(p auth.Principal, camera string) error
	// CanViewGrid checks that p may see the grid and its subtree.
	CanViewGrid(p auth.Principal, code string) error
	Catalog
	Handling
}

// Catalog is the grid, camera and rule management of the core (catalog.go).
type Catalog interface {
	GridDoc(p auth.Principal, code string) (json.RawMessage, error)
	PutGrid(p auth.Principal, code string, body []byte, create bool) (json.RawMessage, error)
	DeleteGrid(p auth.Principal, code string) error
	CameraDoc(p auth.Principal, id string) (json.RawMessage, error)
	PutCamera(p auth.Principal, id string, body []byte, create bool) (json.RawMessage, error)
	DeleteCamera(p auth.Principal, id string) error
	CameraSnapshot(ctx context.Context, p auth.Principal, id string) ([]byte, error)
	Rules(p auth.Principal, camera string) ([]json.RawMessage, error)
	Rule(p auth.Principal, id string) (json.RawMessage, error)
	CreateRule(p auth.Principal, body []byte) (json.RawMessage, error)
	UpdateRule(p auth.Principal, id string, body []byte, ifVersion int) (json.RawMessage, error)
	DeleteRule(p auth.Principal, id string, ifVersion int) error
	RuleHistory(p auth.Principal, id string) (any, error)
	RollbackRule(p auth.Principal, id string, version int, comment string) (json.RawMessage, error)
	Export(p auth.Principal, secrets bool) ([]byte, error)
}

// Handling is alert handling, users and the audit log (handling.go).
type Handling interface {
	AlertList(p auth.Principal, q url.Values) (any, error)
	// PlateSearch searches plate records (text, match, max_dist, camera, color,
	// from, to, limit, before).
	PlateSearch(p auth.Principal, q url.Values) (any, error)
	AlertDoc(p auth.Principal, id string) (any, error)
	Transition(p auth.Principal, id string, body []byte, ifState string) (any, error)
	Attachment(p auth.Principal, id string, seq int) (File, error)
	AuditLog(p auth.Principal, q url.Values) (any, error)
	UserList(p auth.Principal) (any, error)
	PutUser(p auth.Principal, name string, body []byte, create bool) (any, error)
	DeleteUser(p auth.Principal, name string) error
	// Audit records an action in the audit log.
	Audit(p auth.Principal, action, target, grid, remote string, detail map[string]any)
}

// File is a stored file (an alert attachment).
type File struct {
	Name        string
	ContentType string
	Data        []byte
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
	// Auth authenticates every call but the probes, the viewer's files, the UI
	// settings, the OpenAPI document and login (required).
	Auth *auth.Authenticator
	// Detections serves GET /api/v1/cameras/{id}/detections/stream (SSE).
	Detections http.Handler
	Logger     *slog.Logger

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
	authed := s.Auth.Middleware
	need := func(r auth.Role, h http.Handler) http.Handler { return authed(auth.Require(r, h)) }
	mux.Handle("GET /metrics", need(auth.RoleViewer, promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{})))
	if s.Snapshots != nil {
		mux.Handle("/snapshots/", need(auth.RoleViewer, s.Snapshots))
	}
	s.apiRoutes = nil
	api := func(pattern string, h http.Handler) {
		s.apiRoutes = append(s.apiRoutes, pattern)
		mux.Handle(pattern, h)
	}
	// Open: what the login screen needs.
	api("GET /api/v1/ui", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Core.UI())
	}))
	api("GET /api/v1/openapi.json", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(openAPI)
	}))
	api("POST /api/v1/auth/login", s.Auth.LoginHandler())
	api("POST /api/v1/auth/logout", authed(s.Auth.LogoutHandler()))
	api("GET /api/v1/auth/me", authed(s.Auth.MeHandler()))

	// viewer: the map, cameras, live video and the live alert feed.
	api("GET /api/v1/cameras", need(auth.RoleViewer, withP(func(w http.ResponseWriter, _ *http.Request, p auth.Principal) {
		writeJSON(w, http.StatusOK, s.Core.CamerasFor(p))
	})))
	api("GET /api/v1/grids", need(auth.RoleViewer, withP(func(w http.ResponseWriter, _ *http.Request, p auth.Principal) {
		w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
		writeBody(w, http.StatusOK, s.Core.GridsFor(p))
	})))
	if s.WHEP != nil { // the handler routes on the full path and method
		api("/api/v1/cameras/{id}/whep", need(auth.RoleViewer, s.whepGuard(s.WHEP)))
		api("/api/v1/whep/sessions/{id}", need(auth.RoleViewer, s.WHEP))
	}
	if s.Events != nil {
		api("GET /api/v1/events/stream", need(auth.RoleViewer, s.scopeEvents(s.Events)))
	}
	s.catalogRoutes(api, need)
	s.handlingRoutes(api, need)
	if s.Viewer != nil {
		mux.Handle("/", s.Viewer)
	}
	mux.Handle("POST /-/reload", need(auth.RoleAdmin, http.HandlerFunc(s.reload)))
	return mux
}

// withP adapts a handler that needs the caller's principal (set by the auth
// middleware, which runs first).
func withP(h func(w http.ResponseWriter, r *http.Request, p auth.Principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		h(w, r, p)
	})
}

// scopeEvents limits a grid-scoped principal's live alert feed to its grid: the
// feed's grid filter defaults to it, and a grid outside it is refused.
func (s *Server) scopeEvents(next http.Handler) http.Handler {
	return withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		if p.Grid == "" {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if g := q.Get("grid"); g != "" {
			if err := s.Core.CanViewGrid(p, g); err != nil {
				WriteError(w, err)
				return
			}
		} else {
			q.Set("grid", p.Grid)
			r = r.Clone(r.Context())
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(w, r)
	})
}

// whepGuard refuses live views of cameras outside the caller's scope before the
// WHEP server sees the offer.
func (s *Server) whepGuard(next http.Handler) http.Handler {
	return withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		if err := s.Core.CanView(p, r.PathValue("id")); err != nil && !errors.Is(err, ErrNotFound) {
			WriteError(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) dryRun(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		s.dryRunClip(w, r, p)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	res, err := s.Core.DryRun(p, r.PathValue("id"), body)
	if err != nil {
		WriteError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
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
	p, _ := auth.FromContext(r.Context())
	err := s.Core.Reload(r.Context())
	s.Core.Audit(p, "config_reload", "", "", clientIP(r), map[string]any{"ok": err == nil})
	if err != nil {
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

// dryRunClip reads a multipart body: an optional "rule" part (the rule, JSON or
// YAML, at most 64 KiB) and then a "clip" part (the video), streamed to the core.
func (s *Server) dryRunClip(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	mr, err := r.MultipartReader()
	if err != nil {
		WriteError(w, &FieldErrors{Errors: []FieldError{{Field: "body", Message: err.Error()}}})
		return
	}
	var rule []byte
	for {
		part, err := mr.NextPart()
		if err != nil {
			WriteError(w, &FieldErrors{Errors: []FieldError{{Field: "clip", Message: "want a multipart part named clip holding the video"}}})
			return
		}
		switch part.FormName() {
		case "rule":
			rule, err = io.ReadAll(io.LimitReader(part, maxBody+1))
			if err != nil || len(rule) > maxBody {
				WriteError(w, &FieldErrors{Errors: []FieldError{{Field: "rule", Message: fmt.Sprintf("at most %d bytes", maxBody)}}})
				return
			}
		case "clip":
			res, err := s.Core.DryRunClip(r.Context(), p, r.PathValue("id"), rule, part)
			if err != nil {
				WriteError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, res)
			return
		}
	}
}
