package rtspsource

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/internal/testclip"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
)

// stateRecorder collects OnStateChange calls without blocking the supervisor.
type stateRecorder struct {
	ch chan Status
}

func newStateRecorder() *stateRecorder { return &stateRecorder{ch: make(chan Status, 1024)} }

func (r *stateRecorder) record(st Status) {
	select {
	case r.ch <- st:
	default:
	}
}

// waitFor returns the first reported status in state want, skipping the others.
func (r *stateRecorder) waitFor(t *testing.T, want State) Status {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case st := <-r.ch:
			if st.State == want {
				return st
			}
		case <-timeout:
			t.Fatalf("state %s not reached within 20 s", want)
		}
	}
}

var fastBackoff = Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, StableAfter: time.Hour}

func TestSupervisorReconnectsAfterCameraRestart(t *testing.T) {
	clip := testclip.Write(t, testclip.Options{GOP: 5})
	for _, transport := range []Transport{TransportTCP, TransportUDP} {
		t.Run(string(transport), func(t *testing.T) { testReconnect(t, clip, transport) })
	}
}

func testReconnect(t *testing.T, clip string, transport Transport) {
	sim := startSim(t, simcam.Config{User: "admin", Pass: "Camera-pa55"}, clip)

	reg := prometheus.NewRegistry()
	stream := streams.NewStream("cam1", streams.NewMetrics(reg))
	defer stream.Close()
	reader := stream.AddReader("test", 512, false)
	defer reader.Close()

	log, logs := newTestLogger()
	rec := newStateRecorder()
	sup := &Supervisor{
		CameraID:      "cam1",
		Settings:      Settings{URL: sim.URL("cam"), Transport: transport},
		Writer:        stream,
		Backoff:       fastBackoff,
		Logger:        log,
		Metrics:       NewMetrics(reg),
		OnStateChange: rec.record,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	sup.Start(ctx)
	defer sup.Close()

	require.Equal(t, StateConnecting, rec.waitFor(t, StateConnecting).State)
	online := rec.waitFor(t, StateOnline)
	require.Zero(t, online.Reconnects)
	u, err := reader.Next(ctx)
	require.NoError(t, err)
	require.True(t, u.Keyframe)

	// The camera goes away: the session ends and the camera is reported offline.
	sim.Close()
	offline := rec.waitFor(t, StateOffline)
	require.NotEmpty(t, offline.LastError)
	require.NotContains(t, offline.LastError, "Camera-pa55")
	framesBefore := sup.Status().FramesReceived
	for reader.Len() > 0 { // what was queued before the outage
		_, err := reader.Next(ctx)
		require.NoError(t, err)
	}

	// It comes back on the same address: the same reader resumes on a keyframe.
	require.NoError(t, sim.Start())
	back := rec.waitFor(t, StateOnline)
	require.GreaterOrEqual(t, back.Reconnects, uint64(1))
	u, err = reader.Next(ctx)
	require.NoError(t, err)
	require.True(t, u.Keyframe, "the first unit after a reconnect is a keyframe")
	require.Eventually(t, func() bool { return sup.Status().FramesReceived > framesBefore+5 },
		20*time.Second, 10*time.Millisecond)

	st := sup.Status()
	require.Equal(t, StateOnline, st.State)
	require.Equal(t, "cam1", st.CameraID)
	require.Equal(t, 1.0, seriesValue(t, reg, "sharpeyes_camera_state", `state="online"`))
	require.Equal(t, 0.0, seriesValue(t, reg, "sharpeyes_camera_state", `state="offline"`))
	require.GreaterOrEqual(t, seriesValue(t, reg, "sharpeyes_camera_reconnects_total", `camera="cam1"`), 1.0)
	require.Positive(t, seriesValue(t, reg, "sharpeyes_stream_units_total", `camera="cam1"`))
	require.NotContains(t, logs.String(), "Camera-pa55")

	sup.Close()
	count, err := testutil.GatherAndCount(reg, "sharpeyes_camera_state", "sharpeyes_camera_frames_received_total")
	require.NoError(t, err)
	require.Zero(t, count, "Close removes the camera's series")
}

// seriesValue returns the value of the one series of name whose labels contain match.
func seriesValue(t *testing.T, reg *prometheus.Registry, name, match string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			if strings.Contains(strings.Join(labels, ","), match) {
				return m.GetGauge().GetValue() + m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("series %s{%s} not found", name, match)
	return 0
}

func TestSupervisorOfflineStates(t *testing.T) {
	clip := testclip.Write(t, testclip.Options{Seconds: 1})
	cases := []struct {
		name      string
		url       func(sim *simcam.Server) string
		wantError string
	}{
		{
			name:      "wrong password",
			url:       func(sim *simcam.Server) string { return withPassword(t, sim.URL("cam"), "Wr0ng-secret") },
			wantError: "401",
		},
		{
			name:      "unknown path",
			url:       func(sim *simcam.Server) string { return sim.URL("nope") },
			wantError: "404",
		},
		{
			name: "nothing listening",
			url: func(sim *simcam.Server) string {
				u := withPassword(t, sim.URL("cam"), "Wr0ng-secret")
				sim.Close()
				return u
			},
			wantError: "connection refused",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, simcam.Config{User: "admin", Pass: "Right-secret"}, clip)
			log, logs := newTestLogger()
			rec := newStateRecorder()
			sup := &Supervisor{
				CameraID:      "cam",
				Settings:      Settings{URL: tc.url(sim)},
				Writer:        newCollector(),
				Backoff:       fastBackoff,
				Logger:        log,
				OnStateChange: rec.record,
			}
			sup.Start(context.Background())
			defer sup.Close()

			st := rec.waitFor(t, StateOffline)
			require.Contains(t, st.LastError, tc.wantError)
			require.NotContains(t, st.LastError, "secret")
			require.Contains(t, st.LastError, "admin:xxxxx@")
			rec.waitFor(t, StateConnecting) // and it keeps trying
			require.Eventually(t, func() bool { return sup.Status().Reconnects >= 2 }, 20*time.Second, 5*time.Millisecond)
			require.NotContains(t, logs.String(), "secret")
		})
	}
}

func TestSupervisorStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	log, _ := newTestLogger()
	sup := &Supervisor{
		CameraID: "cam",
		Settings: Settings{URL: "rtsp://127.0.0.1:1/x"},
		Writer:   newCollector(),
		Backoff:  Backoff{Min: time.Hour},
		Logger:   log,
	}
	sup.Start(ctx)
	require.Eventually(t, func() bool { return sup.Status().State == StateOffline }, 20*time.Second, 5*time.Millisecond)
	cancel() // ends the backoff wait
	sup.Close()
	(&Supervisor{}).Close() // never started: no-op
}
