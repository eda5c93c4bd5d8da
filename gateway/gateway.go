// Package gateway is the Sharp Eyes core: it builds the components from the
// configuration, owns their lifecycle and applies configuration reloads camera by
// camera.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/gateway/alerts"
	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/livefeed"
	"github.com/sharpeyes/sharpeyes/gateway/snapshots"
	"github.com/sharpeyes/sharpeyes/gateway/store"
	"github.com/sharpeyes/sharpeyes/gateway/whep"
	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
)

// Options are the parts of a Gateway that do not come from the configuration file.
type Options struct {
	// ConfigPath is re-read by Reload; empty disables reloading from a file.
	ConfigPath string
	Logger     *slog.Logger
	// Registry receives every metric; nil creates a fresh one.
	Registry *prometheus.Registry
	// SinkTuning overrides Kafka sink timings (tests use short ones).
	SinkTuning func(*alerts.SinkConfig)
	// Now is the clock for emitted_at; nil means time.Now.
	Now func() time.Time
	// OnAlert, when set, is called with every alert once it is safely queued for
	// Kafka (on the camera's analysis goroutine: it must return quickly).
	OnAlert func(Alert)
}

// Gateway is the running system. New starts it; Close stops everything it started.
type Gateway struct {
	opts Options
	log  *slog.Logger
	reg  *prometheus.Registry
	m    *coreMetrics

	pipeMetrics   *pipeline.Metrics
	streamMetrics *streams.Metrics
	sourceMetrics *rtspsource.Metrics

	queue *alerts.Queue
	sink  *alerts.Sink
	// db holds the catalog (grids, cameras, rules), alerts and their handling,
	// users, sessions and the audit log; auth guards the API with it.
	db      *store.DB
	auth    *auth.Authenticator
	records *alertRecorder
	// clipRun admits one clip dry run at a time.
	clipRun chan struct{}
	snaps   *snapshots.Store
	http    *httpapi.Server
	// feed carries alerts to live viewers; counts keeps recent alerts per grid.
	feed   *livefeed.Hub
	counts *livefeed.Counter
	whep   *whep.Server

	// reloadMu serialises Apply; mu guards cfg and cams for readers.
	reloadMu sync.Mutex
	mu       sync.RWMutex
	cfg      *conf.Config
	cams     map[string]*camera
	closed   bool
}

// New starts a gateway on cfg: the alert queue and Kafka sink, the snapshot store,
// the HTTP API and one worker per camera.
func New(cfg *conf.Config, o Options) (g *Gateway, err error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		o.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	g = &Gateway{
		opts: o, log: o.Logger.With("component", "gateway"), reg: o.Registry,
		cams: map[string]*camera{}, clipRun: make(chan struct{}, 1),
	}
	g.m = newCoreMetrics(g.reg)
	g.feed, g.counts = livefeed.NewHub(0, g.reg), livefeed.NewCounter()
	g.pipeMetrics = pipeline.NewMetrics(g.reg)
	g.streamMetrics = streams.NewMetrics(g.reg)
	g.sourceMetrics = rtspsource.NewMetrics(g.reg)
	if err := checkModels(context.Background(), cfg); err != nil {
		return nil, err
	}
	// Process-wide, and set before any camera runs: OpenCV is not asked to
	// resize its thread pool under running work.
	opencv.SetThreads(cfg.AnalysisThreads)
	defer func() {
		if err != nil {
			g.Close()
		}
	}()
	if cfg, err = g.openDatabase(cfg); err != nil {
		return nil, err
	}
	if err := g.startAlerts(cfg); err != nil {
		return nil, err
	}
	g.cfg = cfg
	if err := g.startAuth(cfg); err != nil {
		return nil, err
	}
	if err := g.startLive(cfg); err != nil {
		return nil, err
	}
	g.http = &httpapi.Server{
		Listen: cfg.HTTP.Listen, Core: apiCore{g}, Gatherer: g.reg, Snapshots: g.snaps.Handler(), Logger: g.log,
		Events: g.feed.Handler(), WHEP: whep.NewHandler(g.whep), Viewer: g.viewer(cfg),
		Auth: g.auth, Detections: g.detectionsHandler(),
	}
	if err := g.http.Start(); err != nil {
		return nil, err
	}
	g.applyCameras(cfg, nil)
	g.m.reloadSuccess.Set(1)
	g.m.reloadTime.SetToCurrentTime()
	g.log.Info("gateway started", "http", g.http.Addr(), "cameras", len(cfg.Cameras), "rules", len(cfg.Rules),
		"kafka", cfg.Kafka.Brokers, "topic", cfg.Kafka.Topic)
	return g, nil
}

func (g *Gateway) startAlerts(cfg *conf.Config) error {
	var err error
	g.queue, err = alerts.OpenQueue(alerts.QueueConfig{
		Dir:         filepath.Join(cfg.DataDir, "alert-queue"),
		MaxMessages: cfg.Kafka.QueueMaxMessages, MaxBytes: cfg.Kafka.QueueMaxBytes,
		Logger: g.opts.Logger, Registerer: g.reg,
	})
	if err != nil {
		return fmt.Errorf("open alert queue: %w", err)
	}
	sc := alerts.SinkConfig{
		Brokers: cfg.Kafka.Brokers, ClientID: cfg.Kafka.ClientID, WriteTimeout: cfg.Kafka.WriteTimeout.D(),
		AutoCreateTopics: cfg.Kafka.AutoCreateTopic == nil || *cfg.Kafka.AutoCreateTopic, Logger: g.opts.Logger, Registerer: g.reg,
	}
	if g.opts.SinkTuning != nil {
		g.opts.SinkTuning(&sc)
	}
	if g.sink, err = alerts.NewSink(g.queue, sc); err != nil {
		return fmt.Errorf("start kafka sink: %w", err)
	}
	g.snaps = &snapshots.Store{
		Dir: filepath.Join(cfg.DataDir, "snapshots"), Retention: cfg.Snapshots.Retention.D(),
		MaxBytes: cfg.Snapshots.MaxBytes, Logger: g.opts.Logger, Registerer: g.reg,
	}
	if err := g.snaps.Start(); err != nil {
		g.snaps = nil
		return fmt.Errorf("open snapshot store: %w", err)
	}
	return nil
}

// publicURL is the base of URLs handed to alert receivers.
func (g *Gateway) publicURL() string {
	if u := g.Config().HTTP.PublicURL; u != "" {
		return u
	}
	return "http://" + g.http.Addr()
}

// HTTPAddr returns the bound address of the HTTP API.
func (g *Gateway) HTTPAddr() string { return g.http.Addr() }

// Config returns the configuration in force.
func (g *Gateway) Config() *conf.Config {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.cfg
}

// Reload re-reads the configuration file and applies it. On any error the running
// configuration stays in force and sharpeyes_config_last_reload_successful is 0.
func (g *Gateway) Reload(ctx context.Context) error {
	if g.opts.ConfigPath == "" {
		return errors.New("reload: the gateway was not started from a configuration file")
	}
	cfg, err := conf.Load(g.opts.ConfigPath, conf.ModeServe)
	if err == nil {
		// The catalog comes from the database, not the file.
		cur := g.Config()
		cfg.Grids, cfg.Cameras, cfg.Rules = cur.Grids, cur.Cameras, cur.Rules
		err = cfg.Finish(conf.ModeServe)
	}
	if err == nil {
		err = checkModels(ctx, cfg)
	}
	if err != nil {
		g.m.reloadSuccess.Set(0)
		g.log.Error("configuration reload failed; keeping the running configuration", "err", err)
		return err
	}
	if err := g.Apply(cfg); err != nil {
		return err
	}
	g.syncUsers(cfg)
	return nil
}

// Apply puts a validated configuration in force. Cameras are compared by id: an
// unchanged camera is untouched, one whose rules, name or grid changed is updated
// in place (its RTSP session and alert state carry on), and one whose stream or
// analysis settings changed is recreated.
func (g *Gateway) Apply(cfg *conf.Config) error {
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	g.mu.RLock()
	old := g.cfg
	closed := g.closed
	g.mu.RUnlock()
	if closed {
		return errors.New("reload: gateway closed")
	}
	if fixed := fixedChanges(old, cfg); len(fixed) > 0 {
		g.log.Warn("configuration changes that need a restart are ignored", "fields", fixed)
	}
	g.applyLocked(cfg)
	return nil
}

// applyLocked puts cfg in force; the caller holds reloadMu.
func (g *Gateway) applyLocked(cfg *conf.Config) {
	g.applyCameras(cfg, g.Config())
	g.m.reloadSuccess.Set(1)
	g.m.reloadTime.SetToCurrentTime()
	g.log.Info("configuration applied", "cameras", len(cfg.Cameras), "rules", len(cfg.Rules))
}

// fixedChanges lists the settings a running gateway cannot change.
func fixedChanges(old, cfg *conf.Config) []string {
	var out []string
	if old.HTTP.Listen != cfg.HTTP.Listen {
		out = append(out, "http.listen")
	}
	if !slices.Equal(old.Kafka.Brokers, cfg.Kafka.Brokers) {
		out = append(out, "kafka.brokers")
	}
	if old.AnalysisThreads != cfg.AnalysisThreads {
		out = append(out, "analysis_threads")
	}
	if old.DataDir != cfg.DataDir {
		out = append(out, "data_dir")
	}
	if !reflect.DeepEqual(old.Live.WebRTC, cfg.Live.WebRTC) {
		out = append(out, "live.webrtc")
	}
	if old.Live.UI.Dir != cfg.Live.UI.Dir {
		out = append(out, "live.ui.dir")
	}
	if old.DatabasePath() != cfg.DatabasePath() {
		out = append(out, "database.path")
	}
	if !reflect.DeepEqual(old.Auth.Tokens, cfg.Auth.Tokens) || old.Auth.SessionTTL != cfg.Auth.SessionTTL || old.Auth.SecureCookie != cfg.Auth.SecureCookie {
		out = append(out, "auth.tokens, auth.session_ttl, auth.secure_cookie (auth.users apply at once)")
	}
	if old.DryRunWindow != cfg.DryRunWindow {
		out = append(out, "dry_run_window (applies to cameras started after it)")
	}
	return out
}

func (g *Gateway) applyCameras(cfg *conf.Config, old *conf.Config) {
	g.mu.Lock()
	if old != nil {
		// Settings that cannot change at run time keep their old values.
		cfg.HTTP.Listen, cfg.Kafka.Brokers, cfg.DataDir = old.HTTP.Listen, old.Kafka.Brokers, old.DataDir
		cfg.AnalysisThreads, cfg.Live.WebRTC, cfg.Live.UI.Dir = old.AnalysisThreads, old.Live.WebRTC, old.Live.UI.Dir
		cfg.Database, cfg.Auth.Tokens, cfg.Auth.SessionTTL, cfg.Auth.SecureCookie = old.Database, old.Auth.Tokens, old.Auth.SessionTTL, old.Auth.SecureCookie
	}
	g.cfg = cfg
	var stop []*camera
	for id, c := range g.cams {
		nc := cfg.Camera(id)
		if nc == nil || !nc.IsEnabled() || c.needsRecreate(cfg, nc) {
			stop = append(stop, c)
			delete(g.cams, id)
		}
	}
	g.mu.Unlock()
	for _, c := range stop {
		c.close()
		g.pipeMetrics.Delete(c.id)
		if cfg.Camera(c.id) == nil && g.whep != nil {
			g.whep.ForgetCamera(c.id)
		}
	}
	for i := range cfg.Cameras {
		cam := &cfg.Cameras[i]
		if !cam.IsEnabled() {
			continue
		}
		g.mu.Lock()
		c, ok := g.cams[cam.ID]
		if !ok {
			c = newCamera(g, cfg, cam)
			g.cams[cam.ID] = c
		}
		g.mu.Unlock()
		if ok {
			c.update(cfg, cam)
		} else {
			c.start()
		}
	}
}

// Close stops the cameras, the HTTP API and the alert sink (undelivered alerts stay
// in the on-disk queue for the next start).
func (g *Gateway) Close() error {
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	cams := g.cams
	g.cams = map[string]*camera{}
	g.mu.Unlock()
	if g.whep != nil {
		g.whep.Close() // ends the viewers before their cameras go
	}
	var wg sync.WaitGroup
	for _, c := range cams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.close()
		}()
	}
	wg.Wait()
	g.feed.Close() // ends live-feed streams so the HTTP server can shut down
	var errs []error
	if g.http != nil {
		errs = append(errs, g.http.Close())
	}
	if g.sink != nil {
		errs = append(errs, g.sink.Close())
	}
	if g.queue != nil {
		errs = append(errs, g.queue.Close())
	}
	if g.snaps != nil {
		errs = append(errs, g.snaps.Close())
	}
	if g.records != nil {
		g.records.close()
	}
	if g.db != nil {
		errs = append(errs, g.db.Close())
	}
	return errors.Join(errs...)
}
