package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/analytics/track"
	"github.com/sharpeyes/sharpeyes/gateway/alerts"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/platecap"
	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
)

// errCameraGone is returned to a viewer of a camera being removed.
var errCameraGone = errors.New("camera removed")

// analysisQueueSize is the analysis reader's ring: about two seconds of 25 fps video.
// When it overflows (decoding slower than the camera) the reader drops units and
// resumes at the next keyframe.
const analysisQueueSize = 64

// camera is one camera's runtime: the RTSP supervisor feeding its Stream, the
// analysis worker reading from the Stream, and the live viewers. Stream settings
// (URLs, transport, analysis rate and detector) are fixed for its lifetime: changing
// them recreates the camera. Rules, name and grid are updated in place.
//
// The main stream is pulled while a rule analyses the camera or someone watches it;
// the sub stream (sub_url) only while someone watches it. A pull nobody needs any
// more stops live.idle_timeout after its last viewer left.
type camera struct {
	g   *Gateway
	id  string
	log *slog.Logger
	cam conf.Camera   // stream and analysis settings at creation
	det conf.Detector // detector settings at creation

	stream    *streams.Stream
	subStream *streams.Stream // nil without sub_url
	rules     *ruleRunner
	plates    *plateCapture

	runMu sync.Mutex // serialises reconcile
	mu    sync.Mutex // guards what follows
	meta  conf.Camera
	// gridPath is the camera's grid and its ancestors, for live-feed filters by a
	// grid's subtree; derived with meta.
	gridPath []string
	pulls    [2]*pull // by streamMain, streamSub
	// analysis worker
	cancel  context.CancelFunc
	done    chan struct{}
	fps     float64
	lastRes time.Time
	// live viewers per stream, and pulls kept after the last viewer left
	viewers [2]int
	linger  [2]*time.Timer
	// rule-editor previews (preview.go)
	previews      int
	previewLinger *time.Timer
	frameWaiters  []chan frameJPEG
	detSubs       map[chan []byte]struct{}
	gone          chan struct{} // closed by close
	closed        bool
}

// Stream indexes.
const (
	streamMain = 0
	streamSub  = 1
)

// pull is one running RTSP supervisor.
type pull struct {
	sup    *rtspsource.Supervisor
	cancel context.CancelFunc
}

func newCamera(g *Gateway, cfg *conf.Config, cam *conf.Camera) *camera {
	c := &camera{
		g: g, id: cam.ID, cam: *cam, det: cfg.DetectorFor(cam), meta: *cam, gridPath: gridPath(cfg, cam.Grid),
		log:    g.opts.Logger.With("component", "camera", "camera", cam.ID),
		stream: streams.NewStream(cam.ID, g.streamMetrics),
		gone:   make(chan struct{}),
	}
	if cam.SubURL.Raw() != "" {
		c.subStream = streams.NewStream(cam.ID+"/sub", g.streamMetrics)
	}
	c.rules = newRuleRunner(cfg, cam, g.opts.Now)
	c.rules.keepRecent(recentCapacity(cfg.DryRunWindow.D(), cam.Analysis.FPS))
	c.plates = newPlateCapture(g, cam.ID, c.log)
	c.plates.setRules(cfg, cam.ID)
	return c
}

// needsRecreate reports whether nc changes settings fixed for the camera's lifetime.
func (c *camera) needsRecreate(cfg *conf.Config, nc *conf.Camera) bool {
	return c.cam.URL.Raw() != nc.URL.Raw() || c.cam.SubURL.Raw() != nc.SubURL.Raw() ||
		c.cam.Transport != nc.Transport || c.cam.Analysis.FPS != nc.Analysis.FPS ||
		c.cam.Analysis.Width != nc.Analysis.Width || !reflect.DeepEqual(c.det, cfg.DetectorFor(nc))
}

// start begins pulling and analysing if any rule needs the camera.
func (c *camera) start() { c.reconcile() }

// update applies new rules and metadata in place; the RTSP session carries on.
func (c *camera) update(cfg *conf.Config, cam *conf.Camera) {
	c.mu.Lock()
	c.meta, c.gridPath = *cam, gridPath(cfg, cam.Grid)
	c.mu.Unlock()
	ends := c.rules.setRules(cfg, cam)
	c.plates.setRules(cfg, cam.ID)
	c.publish(ends)
	c.reconcile()
}

// watch registers a live viewer of the main or the sub stream (the main one when the
// camera has no sub_url), starting the pull if nothing else needed it, and returns
// the stream to read and the function that unregisters the viewer (call it once).
func (c *camera) watch(sub bool) (*streams.Stream, func(), error) {
	i, s := streamMain, c.stream
	if sub && c.subStream != nil {
		i, s = streamSub, c.subStream
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, nil, errCameraGone
	}
	c.viewers[i]++
	if t := c.linger[i]; t != nil {
		t.Stop()
		c.linger[i] = nil
	}
	c.mu.Unlock()
	c.reconcile()
	var once sync.Once
	return s, func() { once.Do(func() { c.unwatch(i) }) }, nil
}

// unwatch ends one viewer; the last one leaves the pull running for the idle timeout.
func (c *camera) unwatch(i int) {
	idle := c.g.Config().Live.IdleTimeout.D()
	c.mu.Lock()
	c.viewers[i]--
	if c.viewers[i] == 0 && !c.closed && idle > 0 {
		c.linger[i] = time.AfterFunc(idle, func() { c.endLinger(i) })
	}
	c.mu.Unlock()
	c.reconcile()
}

func (c *camera) endLinger(i int) {
	c.mu.Lock()
	c.linger[i] = nil
	c.mu.Unlock()
	c.reconcile()
}

// reconcile starts or stops the pulls and the analysis worker to match what the
// rules and the viewers need.
func (c *camera) reconcile() {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	c.mu.Lock()
	analyse := (c.rules.hasEnabledRules() || c.previewing()) && !c.closed
	want := [2]bool{
		analyse || c.watched(streamMain),
		c.subStream != nil && c.watched(streamSub),
	}
	running := c.cancel != nil
	c.mu.Unlock()
	if !analyse && running {
		c.stopAnalysis()
	}
	for i, s := range []*streams.Stream{c.stream, c.subStream} {
		c.mu.Lock()
		p := c.pulls[i]
		c.mu.Unlock()
		switch {
		case want[i] && p == nil:
			url := c.cam.URL.Raw()
			if i == streamSub {
				url = c.cam.SubURL.Raw()
			}
			p = c.startPull(url, s)
		case !want[i] && p != nil:
			p.cancel()
			p.sup.Close()
			s.DropCache() // a later viewer must not start on a stale picture
			p = nil
		}
		c.mu.Lock()
		c.pulls[i] = p
		c.mu.Unlock()
	}
	if analyse && !running {
		c.startAnalysis()
	}
}

// watched tells whether stream i has viewers or is kept for returning ones; mu held.
func (c *camera) watched(i int) bool {
	return !c.closed && (c.viewers[i] > 0 || c.linger[i] != nil)
}

func (c *camera) startPull(url string, s *streams.Stream) *pull {
	ctx, cancel := context.WithCancel(context.Background())
	sup := &rtspsource.Supervisor{
		CameraID: s.CameraID(),
		Settings: rtspsource.Settings{URL: url, Transport: rtspsource.Transport(c.cam.Transport)},
		Writer:   s,
		Logger:   c.g.opts.Logger,
		Metrics:  c.g.sourceMetrics,
	}
	sup.Start(ctx)
	return &pull{sup: sup, cancel: cancel}
}

func (c *camera) startAnalysis() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c.mu.Lock()
	c.cancel, c.done = cancel, done
	c.mu.Unlock()
	go c.analysisLoop(ctx, done)
}

// stopAnalysis ends the analysis worker and waits for it. The caller holds runMu but
// not mu: the analysis goroutine takes mu while it finishes a frame.
func (c *camera) stopAnalysis() {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	c.mu.Lock()
	c.cancel, c.done = nil, nil
	c.fps, c.lastRes = 0, time.Time{}
	c.mu.Unlock()
}

// close stops the camera for good: viewers' streams end.
func (c *camera) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	close(c.gone)
	for i, t := range c.linger {
		if t != nil {
			t.Stop()
			c.linger[i] = nil
		}
	}
	if c.previewLinger != nil {
		c.previewLinger.Stop()
		c.previewLinger = nil
	}
	c.mu.Unlock()
	c.reconcile()
	c.stream.Close()
	if c.subStream != nil {
		c.subStream.Close()
	}
}

// analysisLoop runs the pipeline, rebuilding it with backoff when it fails (for
// example a detector that cannot load). It exits when ctx ends.
func (c *camera) analysisLoop(ctx context.Context, done chan struct{}) {
	defer close(done)
	wait := time.Second
	for {
		started := time.Now()
		err := c.runPipeline(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > time.Minute {
			wait = time.Second
		}
		c.log.Error("analysis stopped; restarting", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait + time.Duration(rand.Int64N(int64(wait/4)+1))):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

func (c *camera) runPipeline(ctx context.Context) error {
	det, err := newDetector(ctx, c.det, c.log)
	if err != nil {
		return err
	}
	p, err := pipeline.New(pipeline.Config{
		CameraID: c.id, FPS: c.cam.Analysis.FPS, Width: c.cam.Analysis.Width,
		Detector: det, Tracker: track.New(trackerConfig(c.det)), NewDecoder: newDecoder,
		OnResult: func(res *pipeline.Result) { c.onResult(ctx, res) },
		Metrics:  c.g.pipeMetrics.Camera(c.id), Logger: c.g.opts.Logger,
	})
	if err != nil {
		det.Close()
		return err
	}
	defer p.Close()
	defer c.plates.close()
	r := c.stream.AddReader("analysis", analysisQueueSize, true)
	defer r.Close()
	return p.RunLive(ctx, r)
}

// onResult runs on the analysis goroutine for every analysed frame.
func (c *camera) onResult(ctx context.Context, res *pipeline.Result) {
	c.noteFPS(res.Frame.CaptureTime)
	as := c.rules.process(res, func() string { return c.snapshot(res) })
	c.publish(as)
	if caps := c.plates.process(ctx, res); len(caps) > 0 {
		c.publish(c.rules.plateAlerts(caps, func(pc platecap.Capture) (string, string) { return c.g.plateImages(c.id, pc, c.log) }))
	}
	c.onPreview(res)
}

func (c *camera) noteFPS(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.lastRes.IsZero() {
		if dt := t.Sub(c.lastRes).Seconds(); dt > 0 {
			c.fps = 0.8*c.fps + 0.2/dt
		}
	}
	c.lastRes = t
}

// snapshot stores the frame as a JPEG and returns its URL ("" when that fails:
// the alert still goes out, without a picture).
func (c *camera) snapshot(res *pipeline.Result) string {
	f := res.Frame
	img, err := opencv.EncodeJPEG(f, c.g.Config().Snapshots.Quality)
	if err != nil {
		c.log.Warn("snapshot encoding failed", "err", err)
		return ""
	}
	name, err := c.g.snaps.Save(fmt.Sprintf("%s-%d", c.id, f.CaptureTime.UnixMilli()), img)
	if err != nil {
		c.log.Warn("snapshot not saved", "err", err)
		return ""
	}
	return c.g.publicURL() + "/snapshots/" + name
}

// publish queues alerts for Kafka. The queue is durable and never blocks on Kafka.
func (c *camera) publish(as []Alert) {
	topic := c.g.Config().Kafka.Topic
	c.mu.Lock()
	path := c.gridPath
	c.mu.Unlock()
	for i := range as {
		a := &as[i]
		b, err := json.Marshal(a)
		if err != nil {
			c.log.Error("alert encoding failed", "err", err)
			continue
		}
		err = c.g.queue.Enqueue(alerts.Message{ID: a.MessageID, Topic: topic, Key: []byte(c.id), Value: b, Time: a.captured})
		if err != nil {
			c.log.Error("alert not queued", "event_id", a.EventID, "err", err)
			continue
		}
		c.g.m.alerts.WithLabelValues(c.id, a.Type, a.Action).Inc()
		c.g.recordAlert(a, b)
		c.g.feedAlert(a, path, b)
		if c.g.opts.OnAlert != nil {
			c.g.opts.OnAlert(*a)
		}
		c.log.Info("alert", "type", a.Type, "action", a.Action, "rule", a.Rule.ID, "event_id", a.EventID, "direction", a.Direction)
	}
}

// status returns the camera as the API shows it.
func (c *camera) status() httpapi.CameraStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := httpapi.CameraStatus{
		ID: c.id, Name: c.meta.Name, Grid: c.meta.Grid, State: "idle", AnalysisFPS: round3(c.fps),
		Viewers: c.viewers[streamMain] + c.viewers[streamSub], HasSubStream: c.subStream != nil,
	}
	if c.meta.Location != nil {
		st.Location = c.meta.Location
	}
	if p := c.pulls[streamMain]; p != nil {
		s := p.sup.Status()
		st.State, st.LastError, st.Since, st.Reconnects = s.State.String(), s.LastError, s.Since, s.Reconnects
	}
	return st
}
