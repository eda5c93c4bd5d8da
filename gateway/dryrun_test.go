package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/livefeed"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

func livefeedAll() livefeed.Filter { return livefeed.Filter{} }

// drain returns the events waiting in sub.
func drain(sub *livefeed.Subscription) [][]byte {
	var out [][]byte
	for {
		select {
		case e := <-sub.C():
			out = append(out, e.Data)
		default:
			return out
		}
	}
}

func (s *system) post(path, body string) (int, string) {
	s.t.Helper()
	return s.do(testAuthorToken, http.MethodPost, path, body)
}

// TestDryRun: a rule tried over a camera's recent tracks. The configured rule,
// tried as it is, reproduces the very alerts it raised live (event ids are derived
// from camera, rule, track and time); an edited rule can be tried before saving;
// invalid rules get 422 with one error per field.
func TestDryRun(t *testing.T) {
	s := startSystem(t, func(s *system) string {
		return fmt.Sprintf(`dry_run_window: 5m
cameras:
  - {id: cam-1, url: "%s"}
rules:
  - {id: fence-1, name: 围栏, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, s.camURL())
	})
	// Live alerts as the feed saw them.
	live := s.gw.feed.Subscribe(livefeedAll(), 0)
	defer live.Close()
	seen := map[string]bool{}
	require.Eventually(t, func() bool {
		for {
			select {
			case e := <-live.C():
				var a Alert
				require.NoError(t, json.Unmarshal(e.Data, &a))
				seen[a.EventID] = true
			default:
				return len(seen) >= 3
			}
		}
	}, 60*time.Second, 50*time.Millisecond, "the camera raises crossings")

	code, body := s.post("/api/v1/rules/fence-1/dry-run", "")
	require.Equal(t, http.StatusOK, code, body)
	var res struct {
		httpapi.DryRunResult
		Alerts []Alert `json:"alerts"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	require.Equal(t, "5m0s", res.Window)
	require.Positive(t, res.Frames)
	require.NotEmpty(t, res.Alerts)
	time.Sleep(500 * time.Millisecond) // a measured grace for the feed, not synchronisation
	for _, e := range drain(live) {
		var a Alert
		require.NoError(t, json.Unmarshal(e, &a))
		seen[a.EventID] = true
	}
	for _, a := range res.Alerts {
		require.True(t, seen[a.EventID], "dry-run alert %s (%s at %s) was raised live too", a.EventID, a.Direction, a.FrameTime)
		require.Empty(t, a.SnapshotURL)
	}

	// A candidate that is not saved: only crossings from B to A.
	code, body = s.post("/api/v1/rules/dry-run", `{id: try-1, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]], direction: b_to_a}`)
	require.Equal(t, http.StatusOK, code, body)
	var only struct {
		Alerts []Alert `json:"alerts"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &only))
	for _, a := range only.Alerts {
		require.Equal(t, "b_to_a", a.Direction)
		require.Equal(t, "try-1", a.Rule.ID)
	}
	require.Less(t, len(only.Alerts), len(res.Alerts), "a direction filter keeps fewer crossings")

	code, body = s.post("/api/v1/rules/dry-run", `{"id": "bad", "camera": "cam-9", "type": "intrusion", "polygon": [[0.1, 0.1], [0.5, 0.5]]}`)
	require.Equal(t, http.StatusUnprocessableEntity, code)
	var fe httpapi.FieldErrors
	require.NoError(t, json.Unmarshal([]byte(body), &fe))
	require.ElementsMatch(t, []httpapi.FieldError{
		{Field: "polygon", Message: "want at least 3 points, got 2"},
		{Field: "camera", Message: `unknown camera "cam-9"`},
	}, fe.Errors)
	code, _ = s.post("/api/v1/rules/nope/dry-run", "")
	require.Equal(t, http.StatusNotFound, code)
	code, body = s.post("/api/v1/rules/dry-run", "{id: x, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]], colour: red}")
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Contains(t, body, `"field": "colour"`)
}

// TestDryRunClip: a rule tried over an uploaded clip (multipart: the unsaved rule,
// then the video) raises exactly the crossings of the clip's ground truth, analysed
// with the camera's own settings; nothing is stored or sent.
func TestDryRunClip(t *testing.T) {
	s := startSystem(t, func(*system) string {
		return "cameras:\n  - {id: cam-1, url: \"rtsp://127.0.0.1:1/none\"}\n"
	})
	clip := synth.ForTest(t, "tripwire-basic")
	video, err := os.ReadFile(clip.Path)
	require.NoError(t, err)
	post := func(token, rule string, withClip bool) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		if rule != "" {
			require.NoError(t, mw.WriteField("rule", rule))
		}
		if withClip {
			fw, err := mw.CreateFormFile("clip", "tripwire.h264")
			require.NoError(t, err)
			_, err = fw.Write(video)
			require.NoError(t, err)
		}
		require.NoError(t, mw.Close())
		code, _, body := doRequest(t, token, "POST", s.base+"/api/v1/rules/dry-run", buf.String(),
			http.Header{"Content-Type": {mw.FormDataContentType()}})
		return code, body
	}
	rule := `{"id":"try","camera":"cam-1","type":"tripwire","line":[[0,0.6],[1,0.6]],"classes":["person"]}`
	code, body := post(testAuthorToken, rule, true)
	require.Equal(t, http.StatusOK, code, body)
	var res struct {
		Frames int
		Alerts []Alert
	}
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	require.Positive(t, res.Frames)
	require.Len(t, res.Alerts, len(clip.Truth.Crossings), "one pulse per true crossing")
	for i, c := range clip.Truth.Crossings {
		require.Equal(t, string(c.Direction), res.Alerts[i].Direction)
	}
	code, body = post(testAuthorToken, rule, false)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `"clip"`)
	code, body = post(testAuthorToken, `{"id":"try","camera":"cam-1","type":"tripwire","line":[[0,0.6],[0,0.6]]}`, true)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `"line"`)
	code, _ = post(testViewerToken, rule, true)
	require.Equal(t, http.StatusForbidden, code)
	code, _ = s.do(testOperatorToken, "GET", "/api/v1/alerts", "")
	require.Equal(t, http.StatusOK, code)
	_, body = s.do(testOperatorToken, "GET", "/api/v1/alerts", "")
	require.Contains(t, body, `"alerts": []`, "a dry run stores nothing")
}
