package gateway

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCameraReconnect kills the RTSP server under a running camera: the camera
// shows offline with an error, comes back online by itself when the server
// returns, and alerts resume.
func TestCameraReconnect(t *testing.T) {
	e := startE2E(t, "tripwire-basic", tripwireRules)
	e.waitOnline(20 * time.Second)
	require.Eventually(t, func() bool { return len(e.alerts()) > 0 }, 60*time.Second, 100*time.Millisecond, "no alert before the outage")

	e.cams.Close()
	require.Eventually(t, func() bool { return e.camera() == "offline" }, 30*time.Second, 50*time.Millisecond, "camera never went offline")
	st := e.gw.Cameras()[0]
	require.NotEmpty(t, st.LastError, "an offline camera says why")

	require.NoError(t, e.cams.Start())
	back := e.waitOnline(60 * time.Second)
	require.GreaterOrEqual(t, e.gw.Cameras()[0].Reconnects, uint64(1))
	require.Eventually(t, func() bool {
		for _, a := range e.alerts() {
			if parseFrameTime(t, a.FrameTime).After(back) {
				return true
			}
		}
		return false
	}, 60*time.Second, 100*time.Millisecond, "alerts did not resume after the camera came back")
}

// TestBrokerOutage stops the Kafka broker for 30 s while the camera keeps raising
// alerts. They wait in the on-disk queue and all arrive once a broker listens on
// the same address again: none lost, and any redelivery keeps its message_id.
func TestBrokerOutage(t *testing.T) {
	e := startE2E(t, "tripwire-basic", tripwireRules)
	e.waitOnline(20 * time.Second)
	require.Eventually(t, func() bool { return len(e.alerts()) > 0 }, 60*time.Second, 100*time.Millisecond, "no alert before the outage")

	port := e.bport
	e.broker.Close()
	closed := time.Now()
	e.stopConsumer()
	before := len(e.queuedAlerts())
	select {
	case <-time.After(30 * time.Second): // the outage itself
	case <-t.Context().Done():
		t.Fatal("test cancelled")
	}
	during := len(e.queuedAlerts()) - before
	require.Positive(t, during, "alerts were raised while the broker was down")

	e.startBroker(port)
	e.consume()
	// Every alert must arrive, except those queued in the last moments before the
	// close: they may have reached the old broker after the consumer's last fetch.
	cutoff := len(e.queuedAlerts())
	var missing []string
	require.Eventually(t, func() bool {
		got := map[string]bool{}
		for _, a := range e.alerts() {
			got[a.MessageID] = true
		}
		missing = missing[:0]
		for _, a := range e.queuedAlerts()[:cutoff] {
			if !got[a.MessageID] && (a.at.After(closed) || a.at.Before(closed.Add(-2*time.Second))) {
				missing = append(missing, a.MessageID)
			}
		}
		return len(missing) == 0
	}, 60*time.Second, 200*time.Millisecond, "alerts never arrived: %v", &missing)

	// No alert was published under two ids: each (event, action) has one message id.
	ids := map[string]string{}
	for _, a := range e.alerts() {
		k := a.EventID + "/" + a.Action
		if prev, ok := ids[k]; ok {
			require.Equal(t, prev, a.MessageID, "event %s %s published under two ids", a.EventID, a.Action)
		}
		ids[k] = a.MessageID
	}
	t.Logf("%d alerts raised during the 30 s outage, all delivered after it", during)
}
