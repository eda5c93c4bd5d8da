package whep

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
)

// The first frame a viewer reassembles is a keyframe with SPS, PPS and IDR, and frames keep
// coming with increasing timestamps.
func TestPlaybackStartsOnKeyframe(t *testing.T) {
	cam := startCamera(t, "cam1")
	ts := newTestServer(t, nil)
	src := &testSource{stream: cam.stream}
	ts.src.set("cam1", src)

	start := time.Now()
	v := connectViewer(t, ts, "cam1", viewerOpts{})
	first := v.next(t, 15*time.Second)
	t.Logf("first frame %v after the POST, NAL types %v", time.Since(start).Round(time.Millisecond), first.types)
	require.Equal(t, []byte{7, 8, 5}, first.types[:3], "first unit must be SPS, PPS, IDR")

	prev := first
	for range 25 {
		f := v.next(t, 5*time.Second)
		require.True(t, tsAfter(f.ts, prev.ts), "timestamps must increase: %d then %d", prev.ts, f.ts)
		prev = f
	}

	sessions := ts.srv.Sessions()
	require.Len(t, sessions, 1)
	require.Equal(t, "cam1", sessions[0].CameraID)
	require.True(t, sessions[0].Connected)
	require.Positive(t, sessions[0].BytesSent)
	require.InDelta(t, 1, testutil.ToFloat64(ts.srv.metrics.sessions.WithLabelValues("cam1")), 0)
	require.InDelta(t, 1, testutil.ToFloat64(ts.srv.metrics.sessionsTotal.WithLabelValues("cam1")), 0)
	require.Positive(t, testutil.ToFloat64(ts.srv.metrics.rtpBytes.WithLabelValues("cam1")))
	require.Equal(t, 1, testutil.CollectAndCount(ts.srv.metrics.firstKeyframe))

	resp, _ := do(t, http.MethodDelete, ts.url+v.location, "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, ts.srv.Sessions())
	require.Equal(t, int32(1), src.released.Load())
}
