package pipeline

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/track"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The decoder and detector here are fakes: the real ones (libavcodec, OpenCV) run
// through this pipeline in the gateway's end-to-end tests.

type fakeDetector struct {
	mu    sync.Mutex
	seen  []uint64
	delay time.Duration
}

func (d *fakeDetector) Detect(f *analytics.Frame) ([]analytics.Detection, error) {
	time.Sleep(d.delay) // simulated work, not synchronisation
	d.mu.Lock()
	d.seen = append(d.seen, f.Seq)
	d.mu.Unlock()
	return []analytics.Detection{{Class: "person", Score: 0.9, Box: analytics.Box{X1: 0.1, Y1: 0.1, X2: 0.2, Y2: 0.4}}}, nil
}
func (d *fakeDetector) Close() error { return nil }

type clipFrames struct {
	n, i int
	fps  float64
}

func (c *clipFrames) Next() (*analytics.Frame, error) {
	if c.i >= c.n {
		return nil, io.EOF
	}
	f := &analytics.Frame{Width: 4, Height: 4, Pix: make([]byte, 48), Seq: uint64(c.i),
		PTS: time.Duration(float64(c.i) / c.fps * float64(time.Second))}
	c.i++
	return f, nil
}

func TestRunOfflineSubsamplesByRate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		clipFPS   float64
		fps       float64
		frames    int
		analysed  int
		firstSeqs []uint64
	}{
		{"10 fps clip at 5 fps", 10, 5, 20, 10, []uint64{0, 2, 4, 6}},
		{"7 fps clip at 7 fps", 7, 7, 14, 14, []uint64{0, 1, 2, 3}},
		{"7 fps clip at 5 fps", 7, 5, 14, 10, []uint64{0, 2, 3, 5}},
		{"5 fps clip at 10 fps", 5, 10, 10, 10, []uint64{0, 1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			det := &fakeDetector{}
			start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			var times []time.Time
			p, err := New(Config{CameraID: "c", FPS: tc.fps, Width: 4, Detector: det, Tracker: track.New(track.Config{}),
				OnResult: func(r *Result) { times = append(times, r.Frame.CaptureTime) }})
			require.NoError(t, err)
			require.NoError(t, p.RunOffline(context.Background(), &clipFrames{n: tc.frames, fps: tc.clipFPS}, start))
			require.Len(t, det.seen, tc.analysed)
			require.Equal(t, tc.firstSeqs, det.seen[:len(tc.firstSeqs)])
			require.Equal(t, start, times[0], "frame time = start + PTS")
		})
	}
}

func TestMailboxKeepsNewest(t *testing.T) {
	dropped := 0
	mb := newMailbox(func(*analytics.Frame) { dropped++ })
	for i := range 5 {
		mb.put(&analytics.Frame{Seq: uint64(i)})
	}
	f, err := mb.take(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(4), f.Seq)
	require.Equal(t, 4, dropped)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = mb.take(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

// unitFeed yields n units at a fixed capture interval, then blocks until ctx ends.
type unitFeed struct {
	n, i     int
	interval time.Duration
	start    time.Time
}

func (u *unitFeed) Next(ctx context.Context) (*unit.AccessUnit, error) {
	if u.i >= u.n {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	au := &unit.AccessUnit{Codec: unit.CodecH264, Keyframe: u.i%10 == 0, CaptureTime: u.start.Add(time.Duration(u.i) * u.interval)}
	u.i++
	return au, nil
}

// fakeDecoder takes its buffers from the pipeline's pool, as the real one does,
// and remembers every distinct buffer it was given.
type fakeDecoder struct {
	converted atomic.Int64
	pool      *analytics.FramePool
	mu        sync.Mutex
	buffers   map[*byte]bool
}

func (d *fakeDecoder) Decode(u *unit.AccessUnit, convert bool) (*analytics.Frame, error) {
	if !convert {
		return nil, nil
	}
	n := d.converted.Add(1)
	pix := d.pool.Get(48, 8)
	d.mu.Lock()
	d.buffers[&pix[0]] = true
	d.mu.Unlock()
	return &analytics.Frame{Width: 4, Height: 4, Pix: pix, Seq: uint64(n), CaptureTime: u.CaptureTime}, nil
}

func (d *fakeDecoder) distinctBuffers() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.buffers)
}
func (d *fakeDecoder) Close() error { return nil }

// TestRunLiveConvertsOnlyDueFrames: a 25 fps stream analysed at 5 fps converts one
// frame in five; a slow detector makes the mailbox drop frames instead of queueing.
func TestRunLiveConvertsOnlyDueFrames(t *testing.T) {
	dec := &fakeDecoder{buffers: map[*byte]bool{}}
	det := &fakeDetector{delay: 20 * time.Millisecond}
	analysed := make(chan struct{}, 100)
	p, err := New(Config{CameraID: "c", FPS: 5, Width: 4, Detector: det, Tracker: track.New(track.Config{}),
		NewDecoder: func(_ unit.Codec, _ int, pool *analytics.FramePool) (Decoder, error) {
			dec.pool = pool
			return dec, nil
		},
		OnResult: func(r *Result) {
			require.Len(t, r.Frame.Pix, 48, "the frame keeps its pixels until OnResult returns")
			analysed <- struct{}{}
		}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.RunLive(ctx, &unitFeed{n: 100, interval: 40 * time.Millisecond, start: time.Now()}) }()
	<-analysed
	require.Eventually(t, func() bool { return dec.converted.Load() >= 20 }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	require.EqualValues(t, 20, dec.converted.Load(), "100 units at 25 fps analysed at 5 fps convert 20 frames")
	require.LessOrEqual(t, dec.distinctBuffers(), framesPooled+2,
		"analysed and dropped frames hand their buffers back for the next frames")
}
