// Package pipeline runs one camera's analysis: it decodes access units, hands the
// newest due frame to the analysis worker through a one-frame mailbox, detects and
// tracks objects, and reports each analysed frame to its owner.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/track"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// Decoder turns access units into frames. When convert is false the decoder only
// advances its reference state and returns no frame (the cheap path for pictures
// analysis will not look at). A nil frame with a nil error means "no output yet".
type Decoder interface {
	Decode(u *unit.AccessUnit, convert bool) (*analytics.Frame, error)
	Close() error
}

// NewDecoderFunc creates a decoder for a codec at an output width. The decoder
// should take its frame buffers from pool (it may ignore it): the pipeline hands
// every frame's pixels back to pool once the frame is analysed or dropped.
type NewDecoderFunc func(codec unit.Codec, width int, pool *analytics.FramePool) (Decoder, error)

// UnitSource yields access units; it blocks until one is available or ctx ends.
type UnitSource interface {
	Next(ctx context.Context) (*unit.AccessUnit, error)
}

// Result is one analysed frame. It is handed to OnResult on the analysis goroutine;
// the callee may read Frame until it returns and must not keep it or its pixels
// (they are reused for a later frame: copy what must outlive the call).
type Result struct {
	Frame      *analytics.Frame
	Detections []analytics.Detection
	Tracks     []track.Track
	// Took is how long detection and tracking took for this frame.
	Took time.Duration
}

// Config configures a Pipeline.
type Config struct {
	CameraID string
	FPS      float64
	Width    int
	// Detector is owned by the pipeline from New on: Close closes it.
	Detector   analytics.Detector
	Tracker    *track.Tracker
	NewDecoder NewDecoderFunc
	OnResult   func(*Result)
	Metrics    *CameraMetrics
	Logger     *slog.Logger
}

// framesPooled is how many idle frame buffers a live pipeline keeps: one being
// decoded, one in the mailbox, one being analysed, one spare.
const framesPooled = 4

// Pipeline is one camera's analysis worker. Run owns two goroutines while it runs:
// the caller's (decoding) and one analysis goroutine.
type Pipeline struct {
	cfg      Config
	interval time.Duration
	log      *slog.Logger
	m        *CameraMetrics
	errLog   *errorDumper
}

// New creates a pipeline.
func New(cfg Config) (*Pipeline, error) {
	if cfg.FPS <= 0 {
		return nil, fmt.Errorf("camera %s: analysis fps must be positive", cfg.CameraID)
	}
	if cfg.Detector == nil || cfg.Tracker == nil || cfg.OnResult == nil {
		return nil, fmt.Errorf("camera %s: pipeline needs a detector, a tracker and a result callback", cfg.CameraID)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil).Camera(cfg.CameraID)
	}
	log := cfg.Logger.With("component", "pipeline", "camera", cfg.CameraID)
	return &Pipeline{
		cfg:      cfg,
		interval: time.Duration(float64(time.Second) / cfg.FPS),
		log:      log,
		m:        cfg.Metrics,
		errLog:   newErrorDumper(log, "decode errors"),
	}, nil
}

// Close releases the detector.
func (p *Pipeline) Close() error { return p.cfg.Detector.Close() }

// RunLive decodes units from src until ctx ends, analysing at most FPS frames a
// second and always the newest one. It returns nil when ctx is cancelled.
func (p *Pipeline) RunLive(ctx context.Context, src UnitSource) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pool := analytics.NewFramePool(framesPooled)
	mb := newMailbox(func(f *analytics.Frame) {
		p.m.FramesSkipped.Inc()
		pool.Put(f)
	})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			f, err := mb.take(ctx)
			if err != nil {
				return
			}
			p.analyse(f)
			pool.Put(f)
		}
	}()
	err := p.decodeLoop(ctx, src, mb, pool)
	cancel()
	wg.Wait()
	p.errLog.flush()
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func (p *Pipeline) decodeLoop(ctx context.Context, src UnitSource, mb *mailbox, pool *analytics.FramePool) error {
	var (
		dec   Decoder
		codec unit.Codec
		due   time.Time // capture time at or after which the next frame is converted
	)
	defer func() {
		if dec != nil {
			dec.Close()
		}
	}()
	for {
		u, err := src.Next(ctx)
		if err != nil {
			return err
		}
		p.m.UnitsReceived.Inc()
		if dec == nil || u.Codec != codec {
			if !u.Keyframe {
				continue // a decoder can only start at a keyframe
			}
			if dec != nil {
				dec.Close()
			}
			if dec, err = p.cfg.NewDecoder(u.Codec, p.cfg.Width, pool); err != nil {
				return fmt.Errorf("camera %s: create %s decoder: %w", p.cfg.CameraID, u.Codec, err)
			}
			codec = u.Codec
		}
		convert := !u.CaptureTime.Before(due)
		f, err := dec.Decode(u, convert)
		if err != nil {
			p.m.DecodeErrors.Inc()
			p.errLog.add(err)
			continue
		}
		p.m.FramesDecoded.Inc()
		if f == nil {
			continue
		}
		// Keep the schedule on the capture clock; after a stall, do not try to catch up.
		due = due.Add(p.interval)
		if due.Before(f.CaptureTime) || due.After(f.CaptureTime.Add(p.interval)) {
			due = f.CaptureTime.Add(p.interval)
		}
		mb.put(f)
	}
}

// FrameSource yields decoded frames in order (an offline clip); io.EOF ends it.
type FrameSource interface {
	Next() (*analytics.Frame, error)
}

// RunOffline analyses a clip as fast as the machine allows: every frame due by the
// analysis rate is analysed (none is skipped), frame times are start + PTS.
func (p *Pipeline) RunOffline(ctx context.Context, src FrameSource, start time.Time) error {
	var due time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("camera %s: read clip: %w", p.cfg.CameraID, err)
		}
		p.m.FramesDecoded.Inc()
		// Half a frame of slack keeps a 7 fps clip analysed at 7 fps from drifting.
		if f.PTS+p.interval/20 < due {
			continue
		}
		due += p.interval
		if due < f.PTS {
			due = f.PTS + p.interval
		}
		f.CaptureTime = start.Add(f.PTS)
		p.analyse(f)
	}
}

func (p *Pipeline) analyse(f *analytics.Frame) {
	t0 := time.Now()
	dets, err := p.cfg.Detector.Detect(f)
	if err != nil {
		p.m.DetectErrors.Inc()
		p.log.Warn("detection failed", "err", err)
		dets = nil
	}
	tracks := p.cfg.Tracker.Update(f.CaptureTime, dets)
	took := time.Since(t0)
	p.m.FramesAnalysed.Inc()
	p.m.AnalysisSeconds.Observe(took.Seconds())
	p.cfg.OnResult(&Result{Frame: f, Detections: dets, Tracks: tracks, Took: took})
}
