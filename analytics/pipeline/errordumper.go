package pipeline

import (
	"log/slog"
	"sync"
	"time"
)

// errorDumper aggregates repeated errors so a broken stream logs once a second with
// a count and the last error, never once per packet.
type errorDumper struct {
	log   *slog.Logger
	msg   string
	mu    sync.Mutex
	count int
	last  error
	since time.Time
}

func newErrorDumper(log *slog.Logger, msg string) *errorDumper {
	return &errorDumper{log: log, msg: msg}
}

func (d *errorDumper) add(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.count++
	d.last = err
	if d.since.IsZero() {
		d.since = time.Now()
	}
	if time.Since(d.since) >= time.Second {
		d.flushLocked()
	}
}

func (d *errorDumper) flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.flushLocked()
}

func (d *errorDumper) flushLocked() {
	if d.count > 0 {
		d.log.Warn(d.msg, "count", d.count, "last_err", d.last)
	}
	d.count, d.last, d.since = 0, nil, time.Time{}
}
