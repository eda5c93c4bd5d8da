package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// consumer reads the alert topic on its own goroutine and records, per alert, the
// receive time minus the alert's frame_time: capture-to-consumer latency.
type consumer struct {
	cl     *kgo.Client
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	lat  []float64
	bad  int
	dump []receipt
}

// receipt is one received alert, kept for -alerts.
type receipt struct {
	Received  time.Time `json:"received"`
	LatencyS  float64   `json:"latency_seconds"`
	Camera    string    `json:"camera"`
	Type      string    `json:"type"`
	Action    string    `json:"action"`
	FrameTime time.Time `json:"frame_time"`
}

func startConsumer(brokers []string, topic string) (*consumer, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("alert consumer: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{cl: cl, cancel: cancel, done: make(chan struct{})}
	go c.run(ctx)
	return c, nil
}

func (c *consumer) run(ctx context.Context) {
	defer close(c.done)
	for ctx.Err() == nil {
		fs := c.cl.PollFetches(ctx)
		now := time.Now()
		fs.EachRecord(func(r *kgo.Record) {
			var a struct {
				FrameTime time.Time `json:"frame_time"`
				Type      string    `json:"type"`
				Action    string    `json:"action"`
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			if err := json.Unmarshal(r.Value, &a); err != nil || a.FrameTime.IsZero() {
				c.bad++
				return
			}
			l := now.Sub(a.FrameTime).Seconds()
			c.lat = append(c.lat, l)
			c.dump = append(c.dump, receipt{Received: now, LatencyS: l, Camera: string(r.Key), Type: a.Type, Action: a.Action, FrameTime: a.FrameTime})
		})
	}
}

func (c *consumer) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.lat) + c.bad
}

func (c *consumer) latencies() []float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]float64(nil), c.lat...)
}

func (c *consumer) receipts() []receipt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]receipt(nil), c.dump...)
}

// stop ends the goroutine and closes the client; it waits for both.
func (c *consumer) stop() {
	c.cancel()
	<-c.done
	c.cl.Close()
}
