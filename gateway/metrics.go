package gateway

import "github.com/prometheus/client_golang/prometheus"

// coreMetrics are the gateway's own series; the components register theirs.
type coreMetrics struct {
	reloadSuccess prometheus.Gauge
	reloadTime    prometheus.Gauge
	alerts        *prometheus.CounterVec
}

func newCoreMetrics(reg prometheus.Registerer) *coreMetrics {
	m := &coreMetrics{
		reloadSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "sharpeyes", Name: "config_last_reload_successful",
			Help: "1 if the last configuration reload succeeded, 0 if it failed (the previous configuration stays in force).",
		}),
		reloadTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "sharpeyes", Name: "config_last_reload_success_timestamp_seconds",
			Help: "Time of the last successful configuration load.",
		}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "sharpeyes", Name: "alerts_emitted_total",
			Help: "Alert messages queued for Kafka, by camera, type and action.",
		}, []string{"camera", "type", "action"}),
	}
	reg.MustRegister(m.reloadSuccess, m.reloadTime, m.alerts)
	return m
}
