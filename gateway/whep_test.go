package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/gateway/whep/whepclient"
)

// TestLiveViewWHEP plays cameras through the gateway's own HTTP API with real pion
// viewers: 20 viewers on an analysed camera all get video, and a stalled viewer loses
// units, while the camera's analysis keeps its rate; a camera no rule analyses starts on the first viewer and
// goes idle after the last; an unknown camera is a 404.
func TestLiveViewWHEP(t *testing.T) {
	s := startSystem(t, func(s *system) string {
		return fmt.Sprintf(`live: {idle_timeout: 1s}
cameras:
  - {id: cam-1, url: "%[1]s"}
  - {id: cam-2, url: "%[1]s"}
rules:
  - {id: fence-1, name: 围栏, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, s.camURL())
	})
	require.Eventually(t, func() bool { return s.status("cam-1").AnalysisFPS > 4 }, 30*time.Second, 50*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := whepclient.Options{LoopbackOnly: true, HTTP: authClient(testViewerToken)}

	// A stalled viewer: a "whep" reader on the camera's stream that never reads, as the
	// ring of a session whose network cannot keep up (gateway/whep tests stall a real
	// session the same way). It must lose units, not slow anyone down.
	slow := s.camera("cam-1").stream.AddReader("whep", 16, true)
	defer slow.Close()

	var viewers []*whepclient.Viewer
	for range 20 {
		v, err := whepclient.Dial(ctx, s.base+"/api/v1/cameras/cam-1/whep", opts)
		require.NoError(t, err)
		viewers = append(viewers, v)
	}
	defer func() {
		for _, v := range viewers {
			require.NoError(t, v.Close(ctx))
		}
	}()
	require.Eventually(t, func() bool {
		for _, v := range viewers {
			if v.Frames() < 20 || v.Keyframes() < 1 {
				return false
			}
		}
		return true
	}, 30*time.Second, 50*time.Millisecond, "every viewer plays, starting on a keyframe")
	require.Equal(t, 20, s.status("cam-1").Viewers)
	fps := s.status("cam-1").AnalysisFPS
	require.Greater(t, fps, 4.0, "20 viewers and a stalled one do not slow the camera's analysis (5 fps configured)")
	require.Positive(t, slow.Dropped(), "the stalled viewer drops units (and resyncs at a keyframe when it reads again)")
	before := make([]int64, len(viewers))
	for i, v := range viewers {
		before[i] = v.Frames()
	}
	time.Sleep(2 * time.Second) // a measured window, not synchronisation
	for i, v := range viewers {
		require.GreaterOrEqual(t, v.Frames()-before[i], int64(15), "viewer %d keeps the camera's 10 fps", i)
	}
	for _, v := range viewers {
		require.Positive(t, v.FirstKeyframe())
	}

	// On demand: the idle camera starts for its viewer and stops after it.
	require.Equal(t, "idle", s.state("cam-2"))
	v, err := whepclient.Dial(ctx, s.base+"/api/v1/cameras/cam-2/whep", opts)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return v.Keyframes() >= 1 }, 30*time.Second, 50*time.Millisecond)
	require.Equal(t, "online", s.state("cam-2"))
	require.NoError(t, v.Close(ctx))
	require.Eventually(t, func() bool { return s.state("cam-2") == "idle" }, 10*time.Second, 50*time.Millisecond,
		"the last viewer's DELETE ends the watch; the pull stops after live.idle_timeout")

	_, err = whepclient.Dial(ctx, s.base+"/api/v1/cameras/nope/whep", opts)
	require.ErrorContains(t, err, "404")
	_, err = whepclient.Dial(ctx, s.base+"/api/v1/cameras/cam-2/whep", whepclient.Options{LoopbackOnly: true})
	require.ErrorContains(t, err, "401", "no live view without credentials")

	// Every live view is in the audit log, with who watched which camera.
	code, body := s.get("/api/v1/audit?action=live_view&limit=1000")
	require.Equal(t, http.StatusOK, code)
	var page AuditPage
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	require.Len(t, page.Entries, 21, "20 viewers of cam-1 and one of cam-2")
	require.Equal(t, "t-viewer", page.Entries[0].Actor)
	require.Equal(t, "cam-2", page.Entries[0].Target)
}
