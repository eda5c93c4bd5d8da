package streams

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics exports the queues of every open Stream. Values are read at scrape time, so the
// hot path touches no Prometheus object. Series of a camera appear with its Stream and
// vanish when the Stream is closed.
type Metrics struct {
	units    *prometheus.Desc
	readers  *prometheus.Desc
	length   *prometheus.Desc
	capacity *prometheus.Desc
	dropped  *prometheus.Desc

	mu      sync.Mutex
	streams map[string]*Stream // by camera ID; the newest stream of an ID wins
}

// NewMetrics builds the stream metrics and registers them with reg (skipped when reg is nil).
// It panics on a duplicate registration, which is a wiring bug.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{"camera", "reader"}
	m := &Metrics{
		units: prometheus.NewDesc("sharpeyes_stream_units_total",
			"Access units written to the camera's stream.", []string{"camera"}, nil),
		readers: prometheus.NewDesc("sharpeyes_stream_readers",
			"Readers attached to the camera's stream.", labels, nil),
		length: prometheus.NewDesc("sharpeyes_stream_reader_queue_length",
			"Units waiting in the readers' queues.", labels, nil),
		capacity: prometheus.NewDesc("sharpeyes_stream_reader_queue_capacity",
			"Capacity of the readers' queues.", labels, nil),
		dropped: prometheus.NewDesc("sharpeyes_stream_reader_dropped_total",
			"Units a reader lost because its queue was full, or while resyncing to a keyframe after that.",
			labels, nil),
		streams: make(map[string]*Stream),
	}
	if reg != nil {
		reg.MustRegister(m)
	}
	return m
}

func (m *Metrics) add(s *Stream) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.streams[s.cameraID] = s
}

func (m *Metrics) remove(s *Stream) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.streams[s.cameraID] == s {
		delete(m.streams, s.cameraID)
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.units
	ch <- m.readers
	ch <- m.length
	ch <- m.capacity
	ch <- m.dropped
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	streams := make([]*Stream, 0, len(m.streams))
	for _, s := range m.streams {
		streams = append(streams, s)
	}
	m.mu.Unlock()

	for _, s := range streams {
		ch <- prometheus.MustNewConstMetric(m.units, prometheus.CounterValue,
			float64(s.written.Load()), s.cameraID)
		for kind, st := range s.snapshot() {
			ch <- prometheus.MustNewConstMetric(m.readers, prometheus.GaugeValue, float64(st.readers), s.cameraID, kind)
			ch <- prometheus.MustNewConstMetric(m.length, prometheus.GaugeValue, float64(st.length), s.cameraID, kind)
			ch <- prometheus.MustNewConstMetric(m.capacity, prometheus.GaugeValue, float64(st.capacity), s.cameraID, kind)
			ch <- prometheus.MustNewConstMetric(m.dropped, prometheus.CounterValue, float64(st.dropped), s.cameraID, kind)
		}
	}
}
