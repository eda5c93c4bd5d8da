package rtspsource

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/streams/internal/testclip"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// collector is a non-blocking unitWriter for tests; units beyond its buffer are dropped.
type collector struct {
	ch chan *unit.AccessUnit
}

func newCollector() *collector { return &collector{ch: make(chan *unit.AccessUnit, 4096)} }

func (c *collector) Write(u *unit.AccessUnit) {
	select {
	case c.ch <- u:
	default:
	}
}

// next waits for the next unit.
func (c *collector) next(t *testing.T) *unit.AccessUnit {
	t.Helper()
	select {
	case u := <-c.ch:
		return u
	case <-time.After(20 * time.Second):
		t.Fatal("no access unit within 20 s")
		return nil
	}
}

// logBuffer is a concurrency-safe log sink, to check that nothing secret is logged.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// clips encodes each distinct clip once per test.
type clips struct {
	t     *testing.T
	mu    sync.Mutex
	files map[testclip.Options]string
}

func newClips(t *testing.T) *clips { return &clips{t: t, files: make(map[testclip.Options]string)} }

func (c *clips) get(o testclip.Options) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.files[o]; ok {
		return f
	}
	f := testclip.Write(c.t, o)
	c.files[o] = f
	return f
}

// startSim serves clip on path "cam" and closes it at the end of the test.
func startSim(t *testing.T, cfg simcam.Config, clip string) *simcam.Server {
	t.Helper()
	if cfg.SenderReportPeriod == 0 {
		cfg.SenderReportPeriod = 100 * time.Millisecond
	}
	sim := simcam.New(cfg)
	require.NoError(t, sim.AddClip("cam", clip, 10))
	require.NoError(t, sim.Start())
	t.Cleanup(sim.Close)
	return sim
}
