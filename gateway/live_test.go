package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
)

func (s *system) camera(id string) *camera {
	s.gw.mu.RLock()
	defer s.gw.mu.RUnlock()
	return s.gw.cams[id]
}

func (s *system) status(id string) httpapi.CameraStatus {
	for _, c := range s.gw.Cameras() {
		if c.ID == id {
			return c
		}
	}
	s.t.Fatalf("camera %s not listed", id)
	return httpapi.CameraStatus{}
}

// TestOnDemandPull: a camera no rule analyses is not pulled until someone watches it,
// keeps its pull for live.idle_timeout after the last viewer, then stops; the sub
// stream has its own pull; an analysed camera is pulled regardless of viewers.
func TestOnDemandPull(t *testing.T) {
	s := startSystem(t, func(s *system) string {
		return fmt.Sprintf(`live: {idle_timeout: 1s}
cameras:
  - {id: cam-1, url: "%[1]s"}
  - {id: cam-2, url: "%[1]s", sub_url: "%[1]s"}
rules:
  - {id: fence-1, name: 围栏, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, s.camURL())
	})
	require.Eventually(t, func() bool { return s.state("cam-1") == "online" }, 20*time.Second, 20*time.Millisecond)
	require.Equal(t, "idle", s.state("cam-2"), "no rule, no viewer: not pulled")
	require.True(t, s.status("cam-2").HasSubStream)

	c := s.camera("cam-2")
	main, release, err := c.watch(false)
	require.NoError(t, err)
	r := main.AddReader("test", 64, true)
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	u, err := r.Next(ctx)
	require.NoError(t, err, "watching starts the pull")
	require.True(t, u.Keyframe)
	require.Equal(t, "online", s.state("cam-2"))
	require.Equal(t, 1, s.status("cam-2").Viewers)

	sub, releaseSub, err := c.watch(true)
	require.NoError(t, err)
	require.NotSame(t, main, sub, "the sub stream is its own")
	sr := sub.AddReader("test", 64, true)
	u, err = sr.Next(ctx)
	require.NoError(t, err, "the sub stream is pulled too")
	require.True(t, u.Keyframe)
	sr.Close()
	require.Equal(t, 2, s.status("cam-2").Viewers)

	released := time.Now()
	release()
	release() // a second call is harmless
	releaseSub()
	require.Equal(t, 0, s.status("cam-2").Viewers)
	require.Equal(t, "online", s.state("cam-2"), "kept for a returning viewer")
	require.Eventually(t, func() bool { return s.state("cam-2") == "idle" }, 10*time.Second, 20*time.Millisecond)
	require.GreaterOrEqual(t, time.Since(released), time.Second, "not before live.idle_timeout")
	require.Eventually(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.pulls[streamSub] == nil
	}, 5*time.Second, 20*time.Millisecond, "the sub pull stopped as well")

	// A rule-analysed camera stays pulled whatever its viewers do.
	_, release1, err := s.camera("cam-1").watch(false)
	require.NoError(t, err)
	release1()
	require.Equal(t, "online", s.state("cam-1"))
}

// TestGridsAndLiveFeed: /api/v1/grids shows the grid tree as GeoJSON with cameras and
// alert counts; the SSE feed delivers the real pipeline's alerts, filtered by a
// street's subtree.
func TestGridsAndLiveFeed(t *testing.T) {
	s := startSystem(t, func(s *system) string {
		return fmt.Sprintf(`grids:
  - {code: "440512001", name: 达濠街道, level: street}
  - {code: "440512001002", name: 河渡社区, level: community, parent: "440512001"}
  - code: "440512001002003"
    name: 第3网格
    level: grid
    parent: "440512001002"
    polygon: [[116.7290, 23.2860], [116.7320, 23.2860], [116.7320, 23.2885], [116.7290, 23.2885]]
  - {code: "440512002", name: 广澳街道, level: street}
cameras:
  - {id: cam-1, name: 河渡路口, url: "%s", location: {lat: 23.2871, lon: 116.7305}}
rules:
  - {id: fence-1, name: 围栏, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, s.camURL())
	})
	var fc httpapi.GridCollection
	code, body := s.get("/api/v1/grids")
	require.Equal(t, http.StatusOK, code)
	require.NoError(t, json.Unmarshal([]byte(body), &fc))
	require.Equal(t, "FeatureCollection", fc.Type)
	require.Len(t, fc.Features, 4)
	byCode := map[string]httpapi.GridFeature{}
	for _, f := range fc.Features {
		byCode[f.ID] = f
	}
	g3 := byCode["440512001002003"]
	require.Equal(t, []string{"cam-1"}, g3.Properties.Cameras, "placed by its location")
	ring := g3.Geometry.Coordinates[0]
	require.Len(t, ring, 5)
	require.Equal(t, ring[0], ring[4], "GeoJSON rings are closed")
	require.Nil(t, byCode["440512001"].Geometry, "no polygon: null geometry")
	require.Contains(t, body, `"geometry": null`)
	require.Equal(t, []string{"cam-1"}, byCode["440512001"].Properties.SubtreeCameras)
	require.Empty(t, byCode["440512002"].Properties.SubtreeCameras)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/v1/events/stream?grid=440512001&type=tripwire", nil)
	require.NoError(t, err)
	resp, err := authClient(testViewerToken).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	var a Alert
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			require.NoError(t, json.Unmarshal([]byte(d), &a))
			break
		}
	}
	require.Equal(t, "tripwire", a.Type, "a real crossing reached the live feed")
	require.Equal(t, "440512001002003", a.Grid.Code)

	require.Eventually(t, func() bool {
		_, body := s.get("/api/v1/grids")
		var fc httpapi.GridCollection
		require.NoError(t, json.Unmarshal([]byte(body), &fc))
		p := map[string]httpapi.GridProperty{}
		for _, f := range fc.Features {
			p[f.ID] = f.Properties
		}
		return p["440512001002003"].Alerts1h >= 1 && p["440512001"].SubtreeAlerts1h >= p["440512001002003"].Alerts1h &&
			p["440512001"].Alerts1h == 0 && p["440512002"].SubtreeAlerts1h == 0
	}, 10*time.Second, 50*time.Millisecond, "the grid, and its street's subtree, count the alert")
}
