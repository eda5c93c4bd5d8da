package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/decode"
	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
	"github.com/sharpeyes/sharpeyes/streams/unit"
	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
)

// onlineLimit bounds the wait for every camera to come online.
const onlineLimit = 30 * time.Second

// idlePhase measures the simulated cameras and the broker alone.
func idlePhase(ctx context.Context, e *env, o options) (phaseResult, error) {
	sp, n, err := measure(ctx, o.Duration, e.counters, o.profilePath("idle"))
	if err != nil {
		return phaseResult{}, err
	}
	return phaseResult{Name: "idle", Span: sp, Counts: n}, nil
}

// decodeCam is one camera of the decode-only phase: the puller writing into its
// Stream and one reader goroutine decoding every unit.
type decodeCam struct {
	sup    *rtspsource.Supervisor
	stream *streams.Stream
	reader *streams.Reader
	done   chan struct{}

	pictures atomic.Int64
	errs     atomic.Int64
}

// decodePhase pulls every camera and decodes every access unit without converting
// pictures to BGR: the cost any analysis pays before it looks at a pixel.
func decodePhase(ctx context.Context, e *env, o options) (phaseResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	cams := make([]*decodeCam, len(e.paths))
	defer func() {
		cancel()
		for _, c := range cams {
			if c != nil {
				c.close()
			}
		}
	}()
	for i, p := range e.paths {
		cams[i] = startDecodeCam(ctx, p, e.cams.URL(p), o.Width)
	}
	online := func() bool {
		for _, c := range cams {
			if c.sup.Status().State != rtspsource.StateOnline {
				return false
			}
		}
		return true
	}
	if err := waitFor(ctx, onlineLimit, "decode-only cameras online", online); err != nil {
		return phaseResult{}, err
	}
	if err := wait(ctx, o.Warmup); err != nil {
		return phaseResult{}, err
	}
	read := func() counters {
		n := e.counters()
		for _, c := range cams {
			n.Decoded += float64(c.pictures.Load())
			n.Errors += float64(c.errs.Load())
			n.Dropped += float64(c.reader.Dropped())
		}
		return n
	}
	sp, n, err := measure(ctx, o.Duration, read, o.profilePath("decode-only"))
	if err != nil {
		return phaseResult{}, err
	}
	return phaseResult{Name: "decode-only", Span: sp, Counts: n}, nil
}

func startDecodeCam(ctx context.Context, id, url string, width int) *decodeCam {
	c := &decodeCam{stream: streams.NewStream(id, nil), done: make(chan struct{})}
	c.reader = c.stream.AddReader("analysis", 64, true)
	c.sup = &rtspsource.Supervisor{
		CameraID: id,
		Settings: rtspsource.Settings{URL: url, Transport: rtspsource.TransportAuto},
		Writer:   c.stream,
		Logger:   benchenv.QuietLogger(),
	}
	c.sup.Start(ctx)
	go c.decodeLoop(ctx, width)
	return c
}

// decodeLoop owns the decoder: it is created on the first unit (its codec) and
// resynchronised on a keyframe whenever the reader dropped units.
func (c *decodeCam) decodeLoop(ctx context.Context, width int) {
	defer close(c.done)
	var (
		dec     *decode.Decoder
		dropped uint64
	)
	defer func() {
		if dec != nil {
			dec.Close()
		}
	}()
	err := c.reader.Run(ctx, func(u *unit.AccessUnit) error {
		if dec == nil {
			var err error
			if dec, err = decode.New(u.Codec, width); err != nil {
				return err
			}
		}
		if d := c.reader.Dropped(); d != dropped {
			dropped = d
			dec.SkipToKeyframe()
		}
		ok, err := dec.DecodeOnly(u)
		if err != nil {
			c.errs.Add(1)
		}
		if ok {
			c.pictures.Add(1)
		}
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, streams.ErrReaderClosed) &&
		!errors.Is(err, streams.ErrStreamClosed) {
		benchenv.QuietLogger().Warn("decode-only reader stopped", "camera", c.stream.CameraID(), "err", fmt.Sprint(err))
	}
}

func (c *decodeCam) close() {
	c.sup.Close()
	c.reader.Close()
	<-c.done
	c.stream.Close()
}
