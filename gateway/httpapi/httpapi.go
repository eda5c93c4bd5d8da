// Package httpapi serves the gateway's HTTP surface: health and readiness probes,
// Prometheus metrics, alert snapshots, the camera list and the reload trigger.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
}

// Readiness is the body of /readyz.
type Readiness struct {
	Ready  bool              `json:"ready"`
	Checks map[string]string `json:"checks"`
}

// Core is what the API needs from the gateway core.
type Core interface {
	Cameras() []CameraStatus
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
	Logger    *slog.Logger

	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

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
	mux.HandleFunc("GET /api/v1/cameras", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Core.Cameras())
	})
	mux.HandleFunc("POST /-/reload", s.reload)
	return mux
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
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
