package alerts

import (
	"errors"
	"fmt"
	"time"
)

// stillFailingEvery is how often a sink that keeps failing logs a reminder.
const stillFailingEvery = 30 * time.Second

// health is the sink's view of Kafka, guarded by Sink.mu.
type health struct {
	up          bool
	contacted   bool // at least one write or probe finished
	lastSuccess time.Time
	lastErr     error
	lastErrAt   time.Time
	downSince   time.Time
	failures    int // since downSince
	lastLog     time.Time
	delivered   uint64
	kafkaErrors uint64
}

// Status is a snapshot of the sink for status pages.
type Status struct {
	// Up is true when the last Kafka write or probe succeeded.
	Up          bool
	LastSuccess time.Time
	// LastError is the last write or probe failure ("" if none), at LastErrorTime.
	LastError     string
	LastErrorTime time.Time
	Delivered     uint64
	KafkaErrors   uint64
	QueueLength   int
	QueueBytes    int64
	// Dropped counts messages dropped for any reason since the queue was opened.
	Dropped uint64
}

// Status returns a snapshot of the sink and its queue.
func (s *Sink) Status() Status {
	s.mu.Lock()
	h := s.health
	s.mu.Unlock()
	st := Status{
		Up: h.up, LastSuccess: h.lastSuccess, LastErrorTime: h.lastErrAt,
		Delivered: h.delivered, KafkaErrors: h.kafkaErrors,
		QueueLength: s.q.Len(), QueueBytes: s.q.Bytes(), Dropped: s.q.Dropped(),
	}
	if h.lastErr != nil {
		st.LastError = h.lastErr.Error()
	}
	return st
}

// ErrNotContacted is returned by Ready before the first write or probe has finished.
var ErrNotContacted = errors.New("kafka not contacted yet")

// Ready returns nil while Kafka is reachable: the last write or probe succeeded.
// Otherwise it says since when and why not. Alerts keep queueing on disk either way.
func (s *Sink) Ready() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &s.health
	switch {
	case !h.contacted:
		return ErrNotContacted
	case h.up:
		return nil
	}
	return fmt.Errorf("kafka unreachable since %s (%d failures): %w",
		h.downSince.Format(time.RFC3339), h.failures, h.lastErr)
}

func (s *Sink) lastSuccess() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.health.lastSuccess
}

func (s *Sink) lastErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.health.lastErr
}

// succeeded records a successful write or probe, and logs recovery once.
func (s *Sink) succeeded() {
	now := time.Now()
	s.mu.Lock()
	h := &s.health
	wasDown := h.contacted && !h.up
	failures, since := h.failures, h.downSince
	h.up, h.contacted, h.lastSuccess, h.failures = true, true, now, 0
	s.mu.Unlock()
	s.metrics.up.Set(1)
	if wasDown {
		s.log.Info("kafka delivery recovered", "failures", failures, "down_for", now.Sub(since).Round(time.Millisecond))
	}
}

// failed records a failed write or probe. It logs when Kafka goes down, then at most
// every stillFailingEvery with the failure count and the last error.
func (s *Sink) failed(err error) {
	now := time.Now()
	s.mu.Lock()
	h := &s.health
	wasUp := h.up || !h.contacted
	if wasUp {
		h.downSince, h.failures, h.lastLog = now, 0, now
	}
	h.up, h.contacted = false, true
	h.failures++
	h.kafkaErrors++
	h.lastErr, h.lastErrAt = err, now
	remind := !wasUp && now.Sub(h.lastLog) >= stillFailingEvery
	if remind {
		h.lastLog = now
	}
	failures := h.failures
	s.mu.Unlock()
	s.metrics.up.Set(0)
	s.metrics.kafkaErrors.Inc()
	switch {
	case wasUp:
		s.log.Warn("kafka delivery failing; alerts stay queued on disk", "error", err, "queued", s.q.Len())
	case remind:
		s.log.Warn("kafka delivery still failing", "failures", failures, "last_error", err, "queued", s.q.Len())
	}
}
