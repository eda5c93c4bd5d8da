package whep

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's series. With a nil Registerer they are kept but not exported.
type metrics struct {
	sessions         *prometheus.GaugeVec
	sessionsTotal    *prometheus.CounterVec
	rtpBytes         *prometheus.CounterVec
	keyframeRequests *prometheus.CounterVec
	firstKeyframe    prometheus.Histogram
	relayDelay       prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		sessions: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sharpeyes_whep_sessions",
			Help: "Open WHEP viewer sessions.",
		}, []string{"camera"}),
		sessionsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_whep_sessions_total",
			Help: "WHEP viewer sessions created.",
		}, []string{"camera"}),
		rtpBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_whep_rtp_bytes_sent_total",
			Help: "RTP bytes (headers and payload, before SRTP) sent to WHEP viewers.",
		}, []string{"camera"}),
		keyframeRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sharpeyes_whep_keyframe_requests_total",
			Help: "PLI and FIR requests received from WHEP viewers (the camera cannot be asked for a keyframe).",
		}, []string{"camera"}),
		firstKeyframe: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sharpeyes_whep_time_to_first_keyframe_seconds",
			Help:    "Time from a viewer's peer connection being up to its first keyframe being sent.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8},
		}),
		relayDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sharpeyes_whep_capture_to_send_seconds",
			Help:    "Live access units (not the cached GOP at start): time from the camera's capture time to the relay sending the unit to a viewer.",
			Buckets: []float64{0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2},
		}),
	}
	if reg == nil {
		return m, nil
	}
	var errs [6]error
	m.sessions, errs[0] = register(reg, m.sessions)
	m.sessionsTotal, errs[1] = register(reg, m.sessionsTotal)
	m.rtpBytes, errs[2] = register(reg, m.rtpBytes)
	m.keyframeRequests, errs[3] = register(reg, m.keyframeRequests)
	m.firstKeyframe, errs[4] = register(reg, m.firstKeyframe)
	m.relayDelay, errs[5] = register(reg, m.relayDelay)
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("whep: register metrics: %w", err)
	}
	return m, nil
}

// register registers c, or returns the collector already registered under the same
// description (a second Server on the same registry, for example during a reload).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

// cameraMetrics are one camera's children, resolved once per session.
type cameraMetrics struct {
	sessions         prometheus.Gauge
	rtpBytes         prometheus.Counter
	keyframeRequests prometheus.Counter
	firstKeyframe    prometheus.Observer
	relayDelay       prometheus.Observer
}

func (m *metrics) camera(id string) cameraMetrics {
	return cameraMetrics{
		sessions:         m.sessions.WithLabelValues(id),
		rtpBytes:         m.rtpBytes.WithLabelValues(id),
		keyframeRequests: m.keyframeRequests.WithLabelValues(id),
		firstKeyframe:    m.firstKeyframe,
		relayDelay:       m.relayDelay,
	}
}

// forget deletes a removed camera's series.
func (m *metrics) forget(id string) {
	m.sessions.DeleteLabelValues(id)
	m.sessionsTotal.DeleteLabelValues(id)
	m.rtpBytes.DeleteLabelValues(id)
	m.keyframeRequests.DeleteLabelValues(id)
}
