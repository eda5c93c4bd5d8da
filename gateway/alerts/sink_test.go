package alerts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
)

const eventually = 20 * time.Second

func newSink(t *testing.T, q *Queue, cfg SinkConfig) *Sink {
	t.Helper()
	s, err := NewSink(q, cfg)
	require.NoError(t, err)
	return s
}

func waitEmpty(t *testing.T, q *Queue) {
	t.Helper()
	require.Eventually(t, func() bool { return q.Len() == 0 }, eventually, 10*time.Millisecond,
		"queue still holds %d messages", q.Len())
}

func TestSinkDeliversInOrderPerKey(t *testing.T) {
	broker := newBroker(t, 0)
	addr := broker.ListenAddrs()[0]
	reg := prometheus.NewRegistry()
	q := openQueue(t, t.TempDir(), reg)
	defer q.Close()
	s := newSink(t, q, fastSink(addr, reg))
	defer s.Close()

	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	keys := []string{"cam-a", "cam-b", "cam-c"}
	const each = 30
	for i := range each {
		for _, k := range keys {
			m := msg(k, i)
			m.Time = at.Add(time.Duration(i) * time.Second)
			require.NoError(t, q.Enqueue(m))
		}
	}
	waitEmpty(t, q)

	recs := consume(t, addr, each*len(keys))
	next := map[string]int{}
	partition := map[string]int32{}
	for _, r := range recs {
		k := string(r.Key)
		want := msg(k, next[k])
		require.Equal(t, want.ID, header(r, HeaderMessageID))
		require.Equal(t, string(want.Value), string(r.Value))
		require.Equal(t, testTopic, r.Topic)
		require.True(t, at.Add(time.Duration(next[k])*time.Second).Equal(r.Timestamp), "timestamp %v", r.Timestamp)
		if p, ok := partition[k]; ok {
			require.Equal(t, p, r.Partition, "a key stays in one partition")
		}
		partition[k] = r.Partition
		next[k]++
	}
	for _, k := range keys {
		require.Equal(t, each, next[k])
	}
	require.Equal(t, int64(each*len(keys)), produced(t, addr))
	require.Equal(t, float64(each*len(keys)), gatherValue(t, reg, "sharpeyes_alerts_delivered_total", ""))
	require.Equal(t, float64(1), gatherValue(t, reg, "sharpeyes_alerts_kafka_up", ""))
	require.NoError(t, s.Ready())
	st := s.Status()
	require.True(t, st.Up)
	require.Equal(t, uint64(each*len(keys)), st.Delivered)
	require.Zero(t, st.QueueLength)
}

func TestSinkBrokerDownThenUp(t *testing.T) {
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	reg := prometheus.NewRegistry()
	q := openQueue(t, t.TempDir(), reg)
	defer q.Close()
	s := newSink(t, q, fastSink(addr, reg))
	defer s.Close()

	const n = 100
	for i := range n {
		require.NoError(t, q.Enqueue(msg(fmt.Sprintf("cam-%d", i%7), i/7)))
	}
	// The sink tries, fails, and keeps everything queued.
	require.Eventually(t, func() bool { return s.Status().KafkaErrors >= 3 }, eventually, 10*time.Millisecond)
	require.Error(t, s.Ready())
	require.Equal(t, n, q.Len())
	require.Equal(t, float64(0), gatherValue(t, reg, "sharpeyes_alerts_kafka_up", ""))

	newBroker(t, port)
	waitEmpty(t, q)
	recs := consume(t, addr, n)
	seen := map[string]int{}
	for _, r := range recs {
		seen[header(r, HeaderMessageID)]++
	}
	require.Len(t, seen, n)
	for id, c := range seen {
		require.Equal(t, 1, c, "message %s delivered %d times", id, c)
	}
	require.Equal(t, int64(n), produced(t, addr), "no duplicates in the log")
	require.Eventually(t, func() bool { return s.Ready() == nil }, eventually, 10*time.Millisecond)
}

func TestSinkRestartKeepsQueue(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	// First life: no broker. Close gives up after FlushTimeout; nothing is lost.
	q := openQueue(t, dir, nil)
	cfg := fastSink(addr, nil)
	cfg.FlushTimeout = 300 * time.Millisecond
	s := newSink(t, q, cfg)
	const n = 20
	for i := range n {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	start := time.Now()
	require.NoError(t, s.Close())
	require.Less(t, time.Since(start), 10*time.Second, "Close is bounded")
	require.NoError(t, q.Close())

	// Second life: the broker is up.
	newBroker(t, port)
	q = openQueue(t, dir, nil)
	defer q.Close()
	require.Equal(t, n, q.Len())
	s = newSink(t, q, fastSink(addr, nil))
	defer s.Close()
	waitEmpty(t, q)
	recs := consume(t, addr, n)
	for i, r := range recs {
		require.Equal(t, msg("cam", i).ID, header(r, HeaderMessageID))
	}
	require.Eventually(t, func() bool { return len(recordFiles(t, dir)) == 0 }, eventually, 10*time.Millisecond,
		"delivered records are deleted")
}

func TestSinkCloseFlushes(t *testing.T) {
	broker := newBroker(t, 0)
	addr := broker.ListenAddrs()[0]
	q := openQueue(t, t.TempDir(), nil)
	defer q.Close()
	s := newSink(t, q, fastSink(addr, nil))
	const n = 50
	for i := range n {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	require.NoError(t, s.Close())
	require.Equal(t, 0, q.Len(), "Close delivers what is queued while the broker is up")
	require.Len(t, consume(t, addr, n), n)
}

func TestSinkCorruptRecordSkipped(t *testing.T) {
	broker := newBroker(t, 0)
	addr := broker.ListenAddrs()[0]
	dir := t.TempDir()
	q := openQueue(t, dir, nil)
	for i := range 5 {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	require.NoError(t, q.Close())
	files := recordFiles(t, dir)
	require.NoError(t, writeFile(files[2], []byte("SEA1 torn")))

	reg := prometheus.NewRegistry()
	q = openQueue(t, dir, reg)
	defer q.Close()
	s := newSink(t, q, fastSink(addr, reg))
	defer s.Close()
	waitEmpty(t, q)
	recs := consume(t, addr, 4)
	var got []string
	for _, r := range recs {
		got = append(got, header(r, HeaderMessageID))
	}
	require.Equal(t, []string{msg("cam", 0).ID, msg("cam", 1).ID, msg("cam", 3).ID, msg("cam", 4).ID}, got)
	require.Equal(t, float64(1), dropped(t, reg, DropCorrupt))
}

func TestSinkDropsUndeliverable(t *testing.T) {
	big := func(i int) Message {
		m := msg("cam", i)
		m.Value = []byte(`"` + strings.Repeat("x", 6000) + `"`)
		return m
	}
	for _, tc := range []struct {
		name       string
		batchBytes int64
		broker     []kfake.Opt
		reason     string
	}{
		// Bigger than our own batch limit: never sent.
		{"too large for the sink", 4096, nil, DropTooLarge},
		// The broker refuses it: the batch is retried one by one, and only the culprit goes.
		{"rejected by the broker", 0, []kfake.Opt{kfake.BrokerConfigs(map[string]string{"message.max.bytes": "4096"})}, DropRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			broker := newBroker(t, 0, tc.broker...)
			addr := broker.ListenAddrs()[0]
			reg := prometheus.NewRegistry()
			q := openQueue(t, t.TempDir(), reg)
			defer q.Close()
			for i := range 5 {
				m := msg("cam", i)
				if i == 2 {
					m = big(i)
				}
				require.NoError(t, q.Enqueue(m))
			}
			cfg := fastSink(addr, reg)
			cfg.BatchBytes = tc.batchBytes
			s := newSink(t, q, cfg)
			defer s.Close()
			waitEmpty(t, q)
			var got []string
			for _, r := range consume(t, addr, 4) {
				got = append(got, header(r, HeaderMessageID))
			}
			require.Equal(t, []string{msg("cam", 0).ID, msg("cam", 1).ID, msg("cam", 3).ID, msg("cam", 4).ID}, got)
			require.Equal(t, float64(1), dropped(t, reg, tc.reason))
			require.Equal(t, int64(4), produced(t, addr))
		})
	}
}

func TestSinkReadyFollowsBroker(t *testing.T) {
	port := freePort(t)
	q := openQueue(t, t.TempDir(), nil)
	defer q.Close()
	s := newSink(t, q, fastSink(fmt.Sprintf("127.0.0.1:%d", port), nil))
	defer s.Close()
	require.Eventually(t, func() bool {
		err := s.Ready()
		return err != nil && err != ErrNotContacted
	}, eventually, 10*time.Millisecond, "an idle sink probes and reports the broker down")

	broker := newBroker(t, port)
	require.Eventually(t, func() bool { return s.Ready() == nil }, eventually, 10*time.Millisecond,
		"an idle sink notices the broker coming up")
	broker.Close()
	require.Eventually(t, func() bool { return s.Ready() != nil }, eventually, 10*time.Millisecond,
		"an idle sink notices the broker going away")
}

func TestNewSinkValidates(t *testing.T) {
	q := openQueue(t, t.TempDir(), nil)
	defer q.Close()
	_, err := NewSink(nil, SinkConfig{Brokers: []string{"127.0.0.1:1"}})
	require.Error(t, err)
	_, err = NewSink(q, SinkConfig{})
	require.Error(t, err)
}

func TestSinkSurvivesBrokerRestart(t *testing.T) {
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	broker := newBroker(t, port)
	q := openQueue(t, t.TempDir(), nil)
	defer q.Close()
	s := newSink(t, q, fastSink(addr, nil))
	defer s.Close()

	for i := range 10 {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	waitEmpty(t, q)
	require.Len(t, consume(t, addr, 10), 10)

	broker.Close() // kfake keeps nothing: the new broker starts with an empty topic
	for i := 10; i < 40; i++ {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	require.Eventually(t, func() bool { return s.Ready() != nil }, eventually, 10*time.Millisecond)
	newBroker(t, port)
	waitEmpty(t, q)
	recs := consume(t, addr, 30)
	for i, r := range recs {
		require.Equal(t, msg("cam", 10+i).ID, header(r, HeaderMessageID))
	}
	require.Equal(t, int64(30), produced(t, addr))
}

func TestSinkAutoCreatesTopic(t *testing.T) {
	broker := newBroker(t, 0, kfake.AllowAutoTopicCreation())
	addr := broker.ListenAddrs()[0]
	q := openQueue(t, t.TempDir(), nil)
	defer q.Close()
	cfg := fastSink(addr, nil)
	cfg.AutoCreateTopics = true
	s := newSink(t, q, cfg)
	defer s.Close()
	const topic = "sharpeyes.alerts.auto"
	for i := range 5 {
		m := msg("cam", i)
		m.Topic = topic
		require.NoError(t, q.Enqueue(m))
	}
	waitEmpty(t, q)
	recs := consumeTopic(t, addr, topic, 5)
	for i, r := range recs {
		require.Equal(t, msg("cam", i).ID, header(r, HeaderMessageID))
	}
}
