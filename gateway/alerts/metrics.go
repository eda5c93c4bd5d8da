package alerts

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	namespace = "sharpeyes"
	subsystem = "alerts"
)

// queueMetrics are the Queue's series. Length and bytes are read at scrape time.
type queueMetrics struct {
	reg        prometheus.Registerer
	collectors []prometheus.Collector
	enqueued   prometheus.Counter
	dropped    *prometheus.CounterVec
}

func newQueueMetrics(q *Queue, reg prometheus.Registerer) (*queueMetrics, error) {
	m := &queueMetrics{
		reg: reg,
		enqueued: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "enqueued_total",
			Help: "Alert messages written to the durable queue.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "dropped_total",
			Help: "Alert messages removed from the queue without delivery, by reason.",
		}, []string{"reason"}),
	}
	for _, r := range []string{DropQueueFull, DropCorrupt, DropRejected, DropTooLarge} {
		m.dropped.WithLabelValues(r)
	}
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: subsystem, Name: name, Help: help,
		}, f)
	}
	m.collectors = []prometheus.Collector{
		m.enqueued, m.dropped,
		gauge("queue_length", "Alert messages waiting in the durable queue.",
			func() float64 { return float64(q.Len()) }),
		gauge("queue_capacity", "Most alert messages the queue holds before dropping the oldest.",
			func() float64 { return float64(q.maxMsgs) }),
		gauge("queue_bytes", "Bytes of alert records in the durable queue.",
			func() float64 { return float64(q.Bytes()) }),
		gauge("queue_capacity_bytes", "Most record bytes the queue holds before dropping the oldest.",
			func() float64 { return float64(q.maxBytes) }),
	}
	if err := register(reg, m.collectors); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *queueMetrics) unregister() { unregister(m.reg, m.collectors) }

// register registers all of cs or, on failure, none.
func register(reg prometheus.Registerer, cs []prometheus.Collector) error {
	if reg == nil {
		return nil
	}
	for i, c := range cs {
		if err := reg.Register(c); err != nil {
			unregister(reg, cs[:i])
			return fmt.Errorf("register alert metrics: %w", err)
		}
	}
	return nil
}

func unregister(reg prometheus.Registerer, cs []prometheus.Collector) {
	if reg == nil {
		return
	}
	for _, c := range cs {
		reg.Unregister(c)
	}
}

// sinkMetrics are the Sink's series.
type sinkMetrics struct {
	reg         prometheus.Registerer
	delivered   prometheus.Counter
	kafkaErrors prometheus.Counter
	sendTime    prometheus.Histogram
	delay       prometheus.Histogram
	// latency is capture-to-publish: from the message Time (the frame's capture
	// time for gateway alerts) to the Kafka acknowledgement, by message key (camera).
	latency *prometheus.HistogramVec
	up      prometheus.Gauge
}

func newSinkMetrics(reg prometheus.Registerer) (*sinkMetrics, error) {
	m := &sinkMetrics{
		reg: reg,
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "delivered_total",
			Help: "Alert messages acknowledged by Kafka.",
		}),
		kafkaErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "kafka_errors_total",
			Help: "Failed Kafka write attempts and probes.",
		}),
		sendTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "send_duration_seconds",
			Help:    "Duration of one acknowledged Kafka batch write.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		delay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "delivery_delay_seconds",
			Help:    "Time from enqueue to Kafka acknowledgement.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600},
		}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "alert_latency_seconds",
			Help:    "Capture-to-publish latency: from the alert frame's capture time to the Kafka acknowledgement, by camera.",
			Buckets: []float64{.05, .1, .2, .3, .5, .75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300},
		}, []string{"camera"}),
		up: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "kafka_up",
			Help: "1 when the last Kafka write or probe succeeded, else 0.",
		}),
	}
	if err := register(reg, m.all()); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *sinkMetrics) all() []prometheus.Collector {
	return []prometheus.Collector{m.delivered, m.kafkaErrors, m.sendTime, m.delay, m.latency, m.up}
}

func (m *sinkMetrics) unregister() { unregister(m.reg, m.all()) }
