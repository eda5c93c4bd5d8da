package snapshots

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons of sharpeyes_snapshots_deleted_total.
const (
	reasonExpired  = "expired"
	reasonOverSize = "over_size"
)

type metrics struct {
	reg        prometheus.Registerer
	collectors []prometheus.Collector
	saved      prometheus.Counter
	saveErrors prometheus.Counter
	deleted    *prometheus.CounterVec
}

func newMetrics(s *Store, reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "sharpeyes", "snapshots"
	m := &metrics{
		reg: reg,
		saved: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "saved_total", Help: "Snapshots written.",
		}),
		saveErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "save_errors_total", Help: "Snapshots that could not be written.",
		}),
		deleted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "deleted_total", Help: "Snapshots deleted by the janitor, by reason.",
		}, []string{"reason"}),
	}
	m.deleted.WithLabelValues(reasonExpired)
	m.deleted.WithLabelValues(reasonOverSize)
	m.collectors = []prometheus.Collector{
		m.saved, m.saveErrors, m.deleted,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "bytes", Help: "Bytes of snapshots on disk.",
		}, func() float64 { b, _ := s.usage(); return float64(b) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "files", Help: "Snapshots on disk.",
		}, func() float64 { _, n := s.usage(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "capacity_bytes", Help: "MaxBytes; 0 means unlimited.",
		}, func() float64 { return float64(s.MaxBytes) }),
	}
	if reg == nil {
		return m, nil
	}
	for i, c := range m.collectors {
		if err := reg.Register(c); err != nil {
			for _, r := range m.collectors[:i] {
				reg.Unregister(r)
			}
			return nil, fmt.Errorf("register snapshot metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) unregister() {
	if m.reg == nil {
		return
	}
	for _, c := range m.collectors {
		m.reg.Unregister(c)
	}
}
