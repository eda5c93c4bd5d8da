package rtspsource

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics exports the state and counters of every started Supervisor, read at scrape time.
// A camera's series appear on Start and vanish on Close.
type Metrics struct {
	state      *prometheus.Desc
	reconnects *prometheus.Desc
	frames     *prometheus.Desc

	mu          sync.Mutex
	supervisors map[string]*Supervisor // by camera ID; the newest wins
}

// NewMetrics builds the camera metrics and registers them with reg (skipped when nil).
// It panics on a duplicate registration, which is a wiring bug.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		state: prometheus.NewDesc("sharpeyes_camera_state",
			"1 for the camera's current connection state, 0 for the others.",
			[]string{"camera", "state"}, nil),
		reconnects: prometheus.NewDesc("sharpeyes_camera_reconnects_total",
			"Connection attempts after the first.", []string{"camera"}, nil),
		frames: prometheus.NewDesc("sharpeyes_camera_frames_received_total",
			"Access units received from the camera.", []string{"camera"}, nil),
		supervisors: make(map[string]*Supervisor),
	}
	if reg != nil {
		reg.MustRegister(m)
	}
	return m
}

func (m *Metrics) add(s *Supervisor) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.supervisors[s.CameraID] = s
}

func (m *Metrics) remove(s *Supervisor) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.supervisors[s.CameraID] == s {
		delete(m.supervisors, s.CameraID)
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.state
	ch <- m.reconnects
	ch <- m.frames
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	sups := make([]*Supervisor, 0, len(m.supervisors))
	for _, s := range m.supervisors {
		sups = append(sups, s)
	}
	m.mu.Unlock()

	for _, s := range sups {
		st := s.Status()
		for _, state := range []State{StateConnecting, StateOnline, StateOffline} {
			v := 0.0
			if st.State == state {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(m.state, prometheus.GaugeValue, v, st.CameraID, state.String())
		}
		ch <- prometheus.MustNewConstMetric(m.reconnects, prometheus.CounterValue, float64(st.Reconnects), st.CameraID)
		ch <- prometheus.MustNewConstMetric(m.frames, prometheus.CounterValue, float64(st.FramesReceived), st.CameraID)
	}
}
