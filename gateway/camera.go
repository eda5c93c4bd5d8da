package gateway

import (
	"context"
	"encoding/json"
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
	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
)

// analysisQueueSize is the analysis reader's ring: about two seconds of 25 fps video.
// When it overflows (decoding slower than the camera) the reader drops units and
// resumes at the next keyframe.
const analysisQueueSize = 64

// camera is one camera's runtime: the RTSP supervisor feeding its Stream, and the
// analysis worker reading from the Stream. Stream settings (URL, transport, analysis
// rate and detector) are fixed for its lifetime: changing them recreates the camera.
// Rules, name and grid are updated in place.
type camera struct {
	g   *Gateway
	id  string
	log *slog.Logger
	cam conf.Camera   // stream and analysis settings at creation
	det conf.Detector // detector settings at creation

	stream *streams.Stream
	rules  *ruleRunner

	runMu   sync.Mutex // serialises starting and stopping
	mu      sync.Mutex // guards meta, the running session's handles and fps
	meta    conf.Camera
	sup     *rtspsource.Supervisor
	cancel  context.CancelFunc
	done    chan struct{}
	fps     float64
	lastRes time.Time
}

func newCamera(g *Gateway, cfg *conf.Config, cam *conf.Camera) *camera {
	c := &camera{
		g: g, id: cam.ID, cam: *cam, det: cfg.DetectorFor(cam), meta: *cam,
		log:    g.opts.Logger.With("component", "camera", "camera", cam.ID),
		stream: streams.NewStream(cam.ID, g.streamMetrics),
	}
	c.rules = newRuleRunner(cfg, cam, g.opts.Now)
	return c
}

// needsRecreate reports whether nc changes settings fixed for the camera's lifetime.
func (c *camera) needsRecreate(cfg *conf.Config, nc *conf.Camera) bool {
	return c.cam.URL.Raw() != nc.URL.Raw() || c.cam.SubURL.Raw() != nc.SubURL.Raw() ||
		c.cam.Transport != nc.Transport || c.cam.Analysis.FPS != nc.Analysis.FPS ||
		c.cam.Analysis.Width != nc.Analysis.Width || !reflect.DeepEqual(c.det, cfg.DetectorFor(nc))
}

// start begins pulling and analysing if any rule needs the camera.
func (c *camera) start() { c.setRunning(c.rules.hasEnabledRules()) }

// update applies new rules and metadata in place; the RTSP session carries on.
func (c *camera) update(cfg *conf.Config, cam *conf.Camera) {
	c.mu.Lock()
	c.meta = *cam
	c.mu.Unlock()
	ends := c.rules.setRules(cfg, cam)
	c.publish(ends)
	c.setRunning(c.rules.hasEnabledRules())
}

// setRunning starts or stops the pull and the analysis worker. Cameras no rule
// analyses are not pulled (state idle) until live view needs them.
func (c *camera) setRunning(on bool) {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	c.mu.Lock()
	running := c.cancel != nil
	c.mu.Unlock()
	if on == running {
		return
	}
	if !on {
		c.stop()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	sup := &rtspsource.Supervisor{
		CameraID: c.id,
		Settings: rtspsource.Settings{URL: c.cam.URL.Raw(), Transport: rtspsource.Transport(c.cam.Transport)},
		Writer:   c.stream,
		Logger:   c.g.opts.Logger,
		Metrics:  c.g.sourceMetrics,
	}
	done := make(chan struct{})
	c.mu.Lock()
	c.cancel, c.sup, c.done = cancel, sup, done
	c.mu.Unlock()
	sup.Start(ctx)
	go c.analysisLoop(ctx, done)
}

// stop ends the pull and the analysis worker and waits for them. The caller holds
// runMu but not mu: the analysis goroutine takes mu while it finishes a frame.
func (c *camera) stop() {
	c.mu.Lock()
	cancel, sup, done := c.cancel, c.sup, c.done
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	sup.Close()
	<-done
	c.mu.Lock()
	c.cancel, c.sup, c.done = nil, nil, nil
	c.fps, c.lastRes = 0, time.Time{}
	c.mu.Unlock()
}

// close stops the camera for good.
func (c *camera) close() {
	c.runMu.Lock()
	c.stop()
	c.runMu.Unlock()
	c.stream.Close()
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
		OnResult: c.onResult, Metrics: c.g.pipeMetrics.Camera(c.id), Logger: c.g.opts.Logger,
	})
	if err != nil {
		det.Close()
		return err
	}
	defer p.Close()
	r := c.stream.AddReader("analysis", analysisQueueSize, true)
	defer r.Close()
	return p.RunLive(ctx, r)
}

// onResult runs on the analysis goroutine for every analysed frame.
func (c *camera) onResult(res *pipeline.Result) {
	c.noteFPS(res.Frame.CaptureTime)
	as := c.rules.process(res, func() string { return c.snapshot(res) })
	c.publish(as)
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
	}
	if c.meta.Location != nil {
		st.Location = c.meta.Location
	}
	if c.sup != nil {
		s := c.sup.Status()
		st.State, st.LastError, st.Since, st.Reconnects = s.State.String(), s.LastError, s.Since, s.Reconnects
	}
	return st
}
