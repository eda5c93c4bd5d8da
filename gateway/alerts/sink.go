package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
)

// SinkConfig configures NewSink. Zero durations and sizes take the defaults noted.
type SinkConfig struct {
	// Brokers are the bootstrap host:port addresses. Required.
	Brokers []string
	// ClientID is sent to the brokers. Default "sharpeyes".
	ClientID string
	// BatchSize is the most messages per Kafka write. Default 100.
	BatchSize int
	// BatchBytes is the most bytes per Kafka write, and so the largest message the sink
	// can deliver; bigger ones are dropped as "too_large". Default 1 MiB, Kafka's
	// default message.max.bytes.
	BatchBytes int64
	// BatchTimeout is how long kafka-go lingers for a partition batch to fill. Default 5ms.
	BatchTimeout time.Duration
	// DialTimeout bounds connecting to a broker. Default 5s.
	DialTimeout time.Duration
	// WriteTimeout bounds one produce or metadata round trip. Default 10s.
	WriteTimeout time.Duration
	// RetryBackoffMin and RetryBackoffMax bound the exponential, jittered wait after a
	// failed write. Defaults 200ms and 10s.
	RetryBackoffMin time.Duration
	RetryBackoffMax time.Duration
	// FlushTimeout is how long Close keeps delivering before it gives up; what is left
	// stays on disk for the next start. Default 5s.
	FlushTimeout time.Duration
	// ProbeInterval is how often an idle sink checks that a broker answers, for Ready.
	// Default 30s.
	ProbeInterval time.Duration
	// AutoCreateTopics asks the broker to create missing topics (the broker must allow it).
	AutoCreateTopics bool
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Registerer receives the sink metrics; nil registers nothing.
	Registerer prometheus.Registerer
}

func (c *SinkConfig) setDefaults() {
	if c.ClientID == "" {
		c.ClientID = "sharpeyes"
	}
	c.BatchSize = cmp0(c.BatchSize, 100)
	c.BatchBytes = cmp0(c.BatchBytes, 1<<20)
	durs := []struct {
		d   *time.Duration
		def time.Duration
	}{
		{&c.BatchTimeout, 5 * time.Millisecond},
		{&c.DialTimeout, 5 * time.Second},
		{&c.WriteTimeout, 10 * time.Second},
		{&c.RetryBackoffMin, 200 * time.Millisecond},
		{&c.RetryBackoffMax, 10 * time.Second},
		{&c.FlushTimeout, 5 * time.Second},
		{&c.ProbeInterval, 30 * time.Second},
	}
	for _, d := range durs {
		if *d.d <= 0 {
			*d.d = d.def
		}
	}
	c.RetryBackoffMax = max(c.RetryBackoffMax, c.RetryBackoffMin)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Sink moves messages from a Queue to Kafka. It owns one goroutine, started by NewSink
// and stopped by Close, that writes batches in queue order and removes messages from
// the queue only once the broker acknowledged them (acks=all). Failed writes are
// retried with capped backoff, so delivery is at least once: a lost acknowledgement
// means a duplicate, which consumers drop by the message_id header.
//
// Order: messages with the same key go to the same partition (hash balancer), and a
// partition's messages in one write succeed or fail together, so a key's messages
// reach Kafka in enqueue order.
type Sink struct {
	cfg     SinkConfig
	q       *Queue
	log     *slog.Logger
	metrics *sinkMetrics
	tr      *kafka.Transport
	w       *kafka.Writer
	client  *kafka.Client

	stop       chan struct{} // closed by Close: flush and exit
	hardCtx    context.Context
	hardCancel context.CancelFunc // FlushTimeout after Close: abandon the flush
	done       chan struct{}
	closeOnce  sync.Once

	solo int // the next writes carry one message each, to isolate a rejected one

	mu     sync.Mutex
	health health
}

// NewSink starts delivering q to the brokers in cfg. Only one Sink may use a Queue.
func NewSink(q *Queue, cfg SinkConfig) (*Sink, error) {
	if q == nil {
		return nil, errors.New("new alert sink: nil queue")
	}
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("new alert sink: no brokers")
	}
	cfg.setDefaults()
	m, err := newSinkMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("new alert sink: %w", err)
	}
	s := &Sink{
		cfg:     cfg,
		q:       q,
		log:     cfg.Logger.With("component", "alerts_sink"),
		metrics: m,
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	s.tr = &kafka.Transport{DialTimeout: cfg.DialTimeout, ClientID: cfg.ClientID}
	addr := kafka.TCP(cfg.Brokers...)
	s.w = &kafka.Writer{
		Addr:                   addr,
		Balancer:               &kafka.Hash{},
		MaxAttempts:            1, // the sink retries itself, with the whole batch in order
		BatchSize:              cfg.BatchSize,
		BatchBytes:             cfg.BatchBytes,
		BatchTimeout:           cfg.BatchTimeout,
		ReadTimeout:            cfg.WriteTimeout,
		WriteTimeout:           cfg.WriteTimeout,
		RequiredAcks:           kafka.RequireAll,
		AllowAutoTopicCreation: cfg.AutoCreateTopics,
		Transport:              s.tr,
	}
	s.client = &kafka.Client{Addr: addr, Transport: s.tr, Timeout: cfg.WriteTimeout}
	s.hardCtx, s.hardCancel = context.WithCancel(context.Background())
	go s.run()
	return s, nil
}

// Close stops the sink: it keeps delivering for up to FlushTimeout, then returns once
// its goroutine has exited. Undelivered messages stay in the queue on disk. Close the
// Queue afterwards.
func (s *Sink) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		t := time.AfterFunc(s.cfg.FlushTimeout, s.hardCancel)
		<-s.done
		t.Stop()
		s.hardCancel()
		s.metrics.unregister()
	})
	return nil
}

// run is the sink goroutine.
func (s *Sink) run() {
	defer close(s.done)
	defer s.shutdown()

	if s.q.Len() == 0 {
		s.probe() // with work queued, the first write tells us instead
	}
	probe := time.NewTimer(s.cfg.ProbeInterval)
	defer probe.Stop()
	backoff := s.cfg.RetryBackoffMin
	for {
		select {
		case <-s.stop:
			s.flush()
			return
		default:
		}
		if s.q.Len() > 0 {
			if err := s.sendBatch(s.hardCtx); err == nil {
				backoff = s.cfg.RetryBackoffMin
				continue
			}
			if !s.sleep(s.stop, jitter(backoff)) {
				s.flush()
				return
			}
			backoff = min(2*backoff, s.cfg.RetryBackoffMax)
			continue
		}
		select {
		case <-s.stop:
			s.flush()
			return
		case <-s.q.wake:
		case <-probe.C:
			if time.Since(s.lastSuccess()) >= s.cfg.ProbeInterval {
				s.probe()
			}
			probe.Reset(s.cfg.ProbeInterval)
		}
	}
}

// flush delivers until the queue is empty or FlushTimeout after Close has passed.
func (s *Sink) flush() {
	backoff := s.cfg.RetryBackoffMin
	for s.q.Len() > 0 && s.hardCtx.Err() == nil {
		if err := s.sendBatch(s.hardCtx); err == nil {
			backoff = s.cfg.RetryBackoffMin
			continue
		}
		if !s.sleep(s.hardCtx.Done(), jitter(backoff)) {
			break
		}
		backoff = min(2*backoff, s.cfg.RetryBackoffMax)
	}
	if n := s.q.Len(); n > 0 {
		s.log.Warn("alert sink stopped with undelivered messages; they stay queued on disk",
			"messages", n, "error", s.lastErr())
	}
}

// shutdown releases kafka-go's goroutines and connections. Writer.Close waits for any
// write still in flight, which MaxAttempts=1 bounds by WriteTimeout.
func (s *Sink) shutdown() {
	if err := s.w.Close(); err != nil {
		s.log.Warn("closing kafka writer", "error", err)
	}
	s.tr.CloseIdleConnections()
}

// sleep waits d, or returns false when quit is closed first.
func (s *Sink) sleep(quit <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-quit:
		return false
	case <-t.C:
		return true
	}
}

// jitter returns a duration in [d/2, d).
func jitter(d time.Duration) time.Duration {
	if d < 2 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// probe checks that a broker answers, to keep Ready truthful while no alerts flow.
func (s *Sink) probe() {
	_, err := s.client.ApiVersions(s.hardCtx, &kafka.ApiVersionsRequest{})
	if err != nil {
		s.failed(fmt.Errorf("probe kafka %v: %w", s.cfg.Brokers, err))
		s.resetConnections()
		return
	}
	s.succeeded()
}

// resetConnections drops kafka-go's connection pool after a failure. The pool caches
// a failed metadata lookup until its next refresh (up to 6s later); a fresh pool looks
// the cluster up again on the next attempt, so recovery follows the broker at once.
func (s *Sink) resetConnections() { s.tr.CloseIdleConnections() }
