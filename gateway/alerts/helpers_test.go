package alerts

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

const (
	testTopic      = "sharpeyes.alerts"
	testPartitions = 4
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newBroker starts a one-broker kfake cluster on 127.0.0.1 (port 0 unless given) with
// testTopic seeded, and closes it at the end of the test.
func newBroker(t *testing.T, port int, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	opts = append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(testPartitions, testTopic)}, opts...)
	if port != 0 {
		opts = append(opts, kfake.Ports(port))
	}
	c, err := kfake.NewCluster(opts...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// freePort returns a loopback port nothing listens on (at the time of the call).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

func openQueue(t *testing.T, dir string, reg prometheus.Registerer) *Queue {
	t.Helper()
	q, err := OpenQueue(QueueConfig{Dir: dir, Logger: quietLogger(), Registerer: reg})
	require.NoError(t, err)
	return q
}

// fastSink returns a sink config with short timeouts, for tests.
func fastSink(addr string, reg prometheus.Registerer) SinkConfig {
	return SinkConfig{
		Brokers:         []string{addr},
		DialTimeout:     time.Second,
		WriteTimeout:    2 * time.Second,
		RetryBackoffMin: 20 * time.Millisecond,
		RetryBackoffMax: 200 * time.Millisecond,
		FlushTimeout:    2 * time.Second,
		ProbeInterval:   100 * time.Millisecond,
		Logger:          quietLogger(),
		Registerer:      reg,
	}
}

func msg(key string, seq int) Message {
	return Message{
		ID:    fmt.Sprintf("evt-%s:enter%d", key, seq),
		Topic: testTopic,
		Key:   []byte(key),
		Value: []byte(fmt.Sprintf(`{"camera":%q,"seq":%d}`, key, seq)),
	}
}

// consume reads n records of testTopic from the start, failing after a generous deadline.
func consume(t *testing.T, addr string, n int) []*kgo.Record {
	t.Helper()
	return consumeTopic(t, addr, testTopic, n)
}

func consumeTopic(t *testing.T, addr, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(addr),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(200*time.Millisecond),
	)
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < n {
		fs := cl.PollFetches(ctx)
		require.NoError(t, ctx.Err(), "got %d of %d records", len(recs), n)
		fs.EachRecord(func(r *kgo.Record) { recs = append(recs, r) })
	}
	return recs
}

// produced returns how many records testTopic holds, summing partition end offsets.
func produced(t *testing.T, addr string) int64 {
	t.Helper()
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	c := &kafka.Client{Addr: kafka.TCP(addr), Transport: tr, Timeout: 10 * time.Second}
	var reqs []kafka.OffsetRequest
	for p := range testPartitions {
		reqs = append(reqs, kafka.LastOffsetOf(p))
	}
	resp, err := c.ListOffsets(context.Background(), &kafka.ListOffsetsRequest{
		Topics: map[string][]kafka.OffsetRequest{testTopic: reqs},
	})
	require.NoError(t, err)
	var total int64
	for _, po := range resp.Topics[testTopic] {
		require.NoError(t, po.Error)
		total += po.LastOffset
	}
	return total
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func dropped(t *testing.T, reg *prometheus.Registry, reason string) float64 {
	t.Helper()
	return gatherValue(t, reg, "sharpeyes_alerts_dropped_total", reason)
}

// gatherValue returns the value of one counter or gauge series (the reason label, if
// given, selects among several).
func gatherValue(t *testing.T, reg *prometheus.Registry, name, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := reason == ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					match = true
				}
			}
			if !match {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("metric %s{reason=%q} not found", name, reason)
	return 0
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
