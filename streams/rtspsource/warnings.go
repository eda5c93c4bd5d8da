package rtspsource

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// warnings counts per-packet problems and logs them as one line per period, never once per
// packet. Callbacks on the packet goroutines only bump counters.
type warnings struct {
	log *slog.Logger

	mu         sync.Mutex
	lost       uint64
	decodeErrs uint64
	lastErr    error
}

func (w *warnings) packetsLost(n uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lost += n
}

func (w *warnings) decodeError(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.decodeErrs++
	w.lastErr = err
}

// flush logs and resets what was counted since the last flush.
func (w *warnings) flush() {
	w.mu.Lock()
	lost, errs, last := w.lost, w.decodeErrs, w.lastErr
	w.lost, w.decodeErrs, w.lastErr = 0, 0, nil
	w.mu.Unlock()

	if lost > 0 {
		w.log.Warn("RTP packets lost", "count", lost)
	}
	if errs > 0 {
		w.log.Warn("RTP decode errors", "count", errs, "last_error", last)
	}
}

// run flushes every period until ctx ends, then once more.
func (w *warnings) run(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			w.flush()
		case <-ctx.Done():
			w.flush()
			return
		}
	}
}
