package gateway

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
)

func TestMain(m *testing.M) {
	opencv.RunModelCheckIfRequested()
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).run"),
	)
}

const tripwireRules = `
  - {id: fence-1, name: 河堤电子围栏, camera: cam-1, type: tripwire,
     line: [[0.0, 0.60], [1.0, 0.60]], direction: both, classes: [person]}
  - {id: zone-1, name: 仓库禁区, camera: cam-1, type: intrusion,
     polygon: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]], min_duration: 2s, classes: [person]}
`

// TestEndToEndTripwire plays the synthetic tripwire clip through a real RTSP server,
// the gateway and a real Kafka-protocol broker, and checks one full loop of the clip
// against its ground truth: every crossing exactly once with its direction, at a
// time within one analysis interval; intrusion only for the stay longer than
// min_duration, with start and end sharing one event id.
func TestEndToEndTripwire(t *testing.T) {
	e := startE2E(t, "tripwire-basic", tripwireRules)
	online := e.waitOnline(20 * time.Second)
	// Skip the first seconds: the background model and tracker warm up. Wait
	// until the loop's last alerts (the intrusion end) had time to arrive.
	frames, loopStart, loopEnd := e.playLoop(online.Add(3*time.Second), 40*time.Second, 3*time.Second)

	var crossings, intrusions []receivedAlert
	for _, a := range e.alerts() {
		ft := parseFrameTime(t, a.FrameTime)
		if ft.Before(loopStart) || !ft.Before(loopEnd) {
			continue
		}
		require.Equal(t, "cam-1", a.key, "message key is the camera id")
		require.Equal(t, a.MessageID, a.header, "message_id header matches the document")
		switch a.Type {
		case "tripwire":
			crossings = append(crossings, a)
		case "intrusion":
			intrusions = append(intrusions, a)
		}
	}
	sch := alertSchema(t)
	for _, a := range append(append([]receivedAlert(nil), crossings...), intrusions...) {
		validateAlert(t, sch, a.raw)
	}
	// The snapshot of an alert is served by the gateway as a JPEG.
	resp, err := authClient(testViewerToken).Get(crossings[0].SnapshotURL)
	require.NoError(t, err)
	img, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
	_, err = jpeg.Decode(bytes.NewReader(img))
	require.NoError(t, err)

	interval := 200 * time.Millisecond // 5 fps analysis
	truth := e.clip.Truth
	require.Len(t, crossings, len(truth.Crossings), "crossings in one loop: %s", describe(crossings))
	for i, c := range truth.Crossings {
		got := crossings[i]
		want := clipTime(frames, e.clip.FPS, c.T)
		ft := parseFrameTime(t, got.FrameTime)
		require.Equal(t, string(c.Direction), got.Direction, "crossing %d direction", i)
		require.Equal(t, "pulse", got.Action)
		require.Equal(t, "fence-1", got.Rule.ID)
		require.Equal(t, "河堤电子围栏", got.Rule.Name)
		require.Equal(t, "440512001002003", got.Grid.Code)
		require.Len(t, got.Objects, 1)
		require.Equal(t, "person", got.Objects[0].Class)
		require.NotEmpty(t, got.SnapshotURL)
		d := ft.Sub(want)
		require.True(t, d >= -interval/2 && d <= interval+interval/2,
			"crossing %d at %s, truth %s (diff %v)", i, ft.Format(timeLayout), want.Format(timeLayout), d)
	}
	// Intrusion: only the stay of about 7 s exceeds min_duration 2 s; the 1.9 s one must not fire.
	var long []int
	for i, in := range truth.Intrusions {
		if in.LastT-in.FirstT >= 2 {
			long = append(long, i)
		}
	}
	require.Len(t, intrusions, 2*len(long), "intrusion start+end per long stay: %s", describe(intrusions))
	for j, i := range long {
		in := truth.Intrusions[i]
		start, end := intrusions[2*j], intrusions[2*j+1]
		require.Equal(t, "start", start.Action)
		require.Equal(t, "end", end.Action)
		require.Equal(t, start.EventID, end.EventID, "start and end share the event id")
		wantStart := clipTime(frames, e.clip.FPS, in.FirstT+2)
		d := parseFrameTime(t, start.FrameTime).Sub(wantStart)
		require.True(t, d >= -interval && d <= 2*interval, "intrusion start %s, truth %s", start.FrameTime, wantStart.Format(timeLayout))
	}
}

func describe(as []receivedAlert) string {
	s := ""
	for _, a := range as {
		s += fmt.Sprintf("\n  %s %s %s %s %s", a.FrameTime, a.Type, a.Action, a.Direction, a.EventID)
	}
	return s
}
