package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds the per-camera analysis series. The gateway builds one from its
// registry; Camera resolves the children of one camera once, Delete drops them when
// the camera goes away.
type Metrics struct {
	unitsReceived  *prometheus.CounterVec
	framesDecoded  *prometheus.CounterVec
	decodeErrors   *prometheus.CounterVec
	framesSkipped  *prometheus.CounterVec
	framesAnalysed *prometheus.CounterVec
	detectErrors   *prometheus.CounterVec
	analysis       *prometheus.HistogramVec
}

// CameraMetrics are one camera's resolved series.
type CameraMetrics struct {
	UnitsReceived, FramesDecoded, DecodeErrors, FramesSkipped, FramesAnalysed, DetectErrors prometheus.Counter
	AnalysisSeconds                                                                         prometheus.Observer
}

// NewMetrics creates and registers the analysis series (reg may be nil in tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "sharpeyes", Name: name, Help: help}, []string{"camera"})
	}
	m := &Metrics{
		unitsReceived:  counter("frames_received_total", "Compressed access units received by the analysis pipeline."),
		framesDecoded:  counter("frames_decoded_total", "Pictures decoded."),
		decodeErrors:   counter("decode_errors_total", "Access units the decoder rejected."),
		framesSkipped:  counter("frames_skipped_total", "Decoded frames replaced in the analysis mailbox before analysis took them (analysis slower than the configured rate)."),
		framesAnalysed: counter("frames_analysed_total", "Frames run through detection and tracking."),
		detectErrors:   counter("detect_errors_total", "Frames whose detection failed."),
		analysis: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "sharpeyes", Name: "analysis_duration_seconds",
			Help:    "Time to detect and track one frame.",
			Buckets: []float64{.002, .005, .01, .02, .04, .08, .16, .32, .64, 1.28},
		}, []string{"camera"}),
	}
	if reg != nil {
		reg.MustRegister(m.unitsReceived, m.framesDecoded, m.decodeErrors, m.framesSkipped, m.framesAnalysed, m.detectErrors, m.analysis)
	}
	return m
}

// Camera returns the series of one camera, creating them.
func (m *Metrics) Camera(id string) *CameraMetrics {
	return &CameraMetrics{
		UnitsReceived:   m.unitsReceived.WithLabelValues(id),
		FramesDecoded:   m.framesDecoded.WithLabelValues(id),
		DecodeErrors:    m.decodeErrors.WithLabelValues(id),
		FramesSkipped:   m.framesSkipped.WithLabelValues(id),
		FramesAnalysed:  m.framesAnalysed.WithLabelValues(id),
		DetectErrors:    m.detectErrors.WithLabelValues(id),
		AnalysisSeconds: m.analysis.WithLabelValues(id),
	}
}

// Delete removes the series of a camera that went away.
func (m *Metrics) Delete(id string) {
	for _, v := range []*prometheus.CounterVec{m.unitsReceived, m.framesDecoded, m.decodeErrors, m.framesSkipped, m.framesAnalysed, m.detectErrors} {
		v.DeleteLabelValues(id)
	}
	m.analysis.DeleteLabelValues(id)
}
