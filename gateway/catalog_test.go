package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/rules"
)

func twoCommunities(s *system) string {
	return fmt.Sprintf(`grids:
  - {code: "440512001", name: 达濠街道, level: street}
  - {code: "440512001002", name: 河渡社区, level: community, parent: "440512001"}
  - {code: "440512001005", name: 礐石社区, level: community, parent: "440512001"}
cameras:
  - {id: cam-1, name: 河渡路口, url: "%s", grid: "440512001002"}
  - {id: cam-2, name: 礐石路口, url: "%s", grid: "440512001005", enabled: false}
rules:
  - {id: fence-1, name: 围栏, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
  - {id: fence-2, name: 礐石围栏, camera: cam-2, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, s.camURL(), s.camURL())
}

// TestAccessControl: every API endpoint against every role, and a role limited to
// a grid: a forbidden call gets 401 or 403 and changes nothing.
func TestAccessControl(t *testing.T) {
	s := startSystem(t, twoCommunities)
	// The scoped operator is a user made through the API (config tokens are fixed).
	code, body := s.do(testAdminToken, http.MethodPost, "/api/v1/users", `{"name":"hedu","role":"operator","grid":"440512001002","password":"hedu-pass-2026"}`)
	require.Equal(t, http.StatusCreated, code, body)
	code, hdr, body := doRequest(t, "", http.MethodPost, s.base+"/api/v1/auth/login", `{"username":"hedu","password":"hedu-pass-2026"}`, nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, hdr.Get("Set-Cookie"), "HttpOnly")
	var login struct{ Token string }
	require.NoError(t, json.Unmarshal([]byte(body), &login))
	hedu := login.Token

	rule := `{"id":"fence-x","camera":"cam-1","type":"tripwire","line":[[0,0.5],[1,0.5]]}`
	tokens := map[string]string{"none": "", "viewer": testViewerToken, "operator": testOperatorToken,
		"author": testAuthorToken, "admin": testAdminToken, "hedu": hedu}
	// want: the lowest role allowed (all above it too); hedu is checked separately.
	for _, tc := range []struct {
		method, path, body string
		min                string
		ok                 int
	}{
		{"GET", "/api/v1/cameras", "", "viewer", 200},
		{"GET", "/api/v1/grids", "", "viewer", 200},
		{"GET", "/api/v1/grids/440512001002", "", "viewer", 200},
		{"GET", "/api/v1/auth/me", "", "viewer", 200},
		{"GET", "/metrics", "", "viewer", 200},
		{"GET", "/api/v1/alerts", "", "operator", 200},
		{"GET", "/api/v1/rules", "", "author", 200},
		{"GET", "/api/v1/rules/fence-1", "", "author", 200},
		{"GET", "/api/v1/rules/fence-1/versions", "", "author", 200},
		{"POST", "/api/v1/rules/dry-run", rule, "author", 200},
		{"GET", "/api/v1/cameras/cam-1/config", "", "admin", 200},
		{"GET", "/api/v1/audit", "", "admin", 200},
		{"GET", "/api/v1/users", "", "admin", 200},
		{"GET", "/api/v1/config/export", "", "admin", 200},
	} {
		order := []string{"viewer", "operator", "author", "admin"}
		allowed := false
		for _, role := range append([]string{"none"}, order...) {
			if role == tc.min {
				allowed = true
			}
			code, body := s.do(tokens[role], tc.method, tc.path, tc.body)
			switch {
			case role == "none":
				require.Equal(t, http.StatusUnauthorized, code, "%s %s without a token: %s", tc.method, tc.path, body)
			case allowed:
				require.Equal(t, tc.ok, code, "%s %s as %s: %s", tc.method, tc.path, role, body)
			default:
				require.Equal(t, http.StatusForbidden, code, "%s %s as %s: %s", tc.method, tc.path, role, body)
			}
		}
	}

	// Writes below the role change nothing.
	before := s.gw.Config()
	for _, tc := range []struct{ token, method, path, body string }{
		{testViewerToken, "POST", "/api/v1/rules", rule},
		{testOperatorToken, "PUT", "/api/v1/rules/fence-1", rule},
		{testOperatorToken, "DELETE", "/api/v1/rules/fence-1", ""},
		{testAuthorToken, "POST", "/api/v1/cameras", `{"id":"cam-9","url":"rtsp://127.0.0.1:1/x"}`},
		{testAuthorToken, "DELETE", "/api/v1/cameras/cam-1", ""},
		{testAuthorToken, "POST", "/api/v1/grids", `{"code":"440512001009","name":"x","level":"grid","parent":"440512001"}`},
		{testOperatorToken, "POST", "/api/v1/users", `{"name":"eve","role":"admin","password":"eve-pass-2026"}`},
		{testAuthorToken, "POST", "/-/reload", ""},
		// hedu sees 河渡 only.
		{hedu, "PUT", "/api/v1/rules/fence-2", `{"id":"fence-2","camera":"cam-2","type":"tripwire","line":[[0,0.5],[1,0.5]]}`},
	} {
		code, body := s.do(tc.token, tc.method, tc.path, tc.body)
		require.Equal(t, http.StatusForbidden, code, "%s %s: %s", tc.method, tc.path, body)
	}
	after := s.gw.Config()
	require.Equal(t, before.Rules, after.Rules, "forbidden calls changed no rule")
	require.Len(t, after.Cameras, 2)
	require.Len(t, after.Grids, 3)

	// Grid scope: hedu (an operator of 河渡社区) sees its camera and grid only.
	_, body = s.do(hedu, "GET", "/api/v1/cameras", "")
	require.Contains(t, body, `"cam-1"`)
	require.NotContains(t, body, `"cam-2"`)
	_, body = s.do(hedu, "GET", "/api/v1/grids", "")
	require.Contains(t, body, "河渡社区")
	require.NotContains(t, body, "礐石社区")
	code, _ = s.do(hedu, "GET", "/api/v1/grids/440512001005", "")
	require.Equal(t, http.StatusForbidden, code)
	code, _ = s.do(hedu, "GET", "/api/v1/alerts?grid=440512001005", "")
	require.Equal(t, http.StatusForbidden, code)
	code, _ = s.do(hedu, "GET", "/api/v1/alerts", "")
	require.Equal(t, http.StatusOK, code)
	code, _ = s.do(hedu, "GET", "/api/v1/events/stream?grid=440512001005", "")
	require.Equal(t, http.StatusForbidden, code, "no live feed of another community")
	code, _ = s.do(hedu, "GET", "/api/v1/cameras/cam-2/snapshot", "")
	require.Equal(t, http.StatusForbidden, code, "an operator draws no rules")
	code, body = s.do(hedu, "POST", "/api/v1/alerts/nope/transitions", `{"to":"accepted"}`)
	require.Equal(t, http.StatusNotFound, code, body)

	// The audit log saw the login and the changes, never a password or token.
	code, body = s.do(testAdminToken, "GET", "/api/v1/audit?limit=1000", "")
	require.Equal(t, http.StatusOK, code)
	for _, action := range []string{`"login"`, `"user_create"`} {
		require.Contains(t, body, action)
	}
	for _, secretText := range []string{"hedu-pass-2026", hedu, testAdminToken} {
		require.NotContains(t, body, secretText)
		require.NotContains(t, s.logs.String(), secretText)
	}
}

// TestRuleCRUD: validation errors name their field, versions and rollback, the
// If-Match guard, camera passwords never shown, export.
func TestRuleCRUD(t *testing.T) {
	s := startSystem(t, oneCamera)
	for _, tc := range []struct{ body, field string }{
		{`{"id":"r1","camera":"cam-1","type":"intrusion","polygon":[[0,0],[1,1],[1,0],[0,1]]}`, "polygon"},
		{`{"id":"r1","camera":"cam-1","type":"tripwire","line":[[0.5,0.5],[0.5,0.5]]}`, "line"},
		{`{"id":"r1","camera":"cam-1","type":"intrusion","polygon":[[0,0],[1.2,0],[1,1]]}`, "polygon[1]"},
		{`{"id":"r1","camera":"cam-1","type":"crowd_dwell","min_count":0,"min_duration":"5s","polygon":[[0,0],[1,0],[1,1]]}`, "min_count"},
		{`{"id":"r1","camera":"cam-1","type":"intrusion","min_duration":"-5s","polygon":[[0,0],[1,0],[1,1]]}`, "min_duration"},
		{`{"id":"r1","camera":"nope","type":"tripwire","line":[[0,0.5],[1,0.5]]}`, "camera"},
		{`{"id":"r1","camera":"cam-1","type":"tripwire","classes":["dragon"],"line":[[0,0.5],[1,0.5]]}`, "classes"},
		{`{"id":"r1","camera":"cam-1","type":"tripwire","schedule":[{"days":["someday"],"from":"08:00","to":"18:00"}],"line":[[0,0.5],[1,0.5]]}`, "schedule[0].days"},
	} {
		code, body := s.do(testAuthorToken, "POST", "/api/v1/rules", tc.body)
		require.Equal(t, http.StatusUnprocessableEntity, code, body)
		var fe struct {
			Errors []struct{ Field, Message string }
		}
		require.NoError(t, json.Unmarshal([]byte(body), &fe), body)
		require.NotEmpty(t, fe.Errors)
		require.True(t, strings.HasPrefix(fe.Errors[0].Field, tc.field), "want field %s, got %+v", tc.field, fe.Errors)
	}
	code, _ := s.do(testAuthorToken, "GET", "/api/v1/rules/r1", "")
	require.Equal(t, http.StatusNotFound, code, "nothing was stored")

	code, body := s.do(testAuthorToken, "PUT", "/api/v1/rules/fence-1", `{"camera":"cam-1","type":"tripwire","line":[[0,0.4],[1,0.4]]}`)
	require.Equal(t, http.StatusOK, code, body)
	code, _, body = doRequest(t, testAuthorToken, "PUT", s.base+"/api/v1/rules/fence-1", `{"camera":"cam-1","type":"tripwire","line":[[0,0.3],[1,0.3]]}`, http.Header{"If-Match": {`"1"`}})
	require.Equal(t, http.StatusPreconditionFailed, code, "version 1 is stale: %s", body)
	code, body = s.do(testAuthorToken, "POST", "/api/v1/rules/fence-1/rollback", `{"version":1}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"version":3`)
	r, err := ruleOf(s.gw.Config(), "fence-1")
	require.NoError(t, err)
	require.Equal(t, 0.6, r.Line[0].Y, "rolled back to the seeded line, in force")
	_, body = s.do(testAuthorToken, "GET", "/api/v1/rules/fence-1/versions", "")
	var vs []RuleVersion
	require.NoError(t, json.Unmarshal([]byte(body), &vs))
	require.Len(t, vs, 3)
	require.Equal(t, []string{"rollback", "update", "create"}, []string{vs[0].Op, vs[1].Op, vs[2].Op})
	require.Equal(t, "t-author", vs[0].Actor)

	_, body = s.do(testAdminToken, "GET", "/api/v1/cameras/cam-1/config", "")
	require.NotContains(t, body, secret)
	require.Contains(t, body, "xxxxx")
	// Sending the redacted URL back keeps the password: the camera stays online.
	code, body = s.do(testAdminToken, "PUT", "/api/v1/cameras/cam-1", body)
	require.Equal(t, http.StatusOK, code, body)
	require.Eventually(t, func() bool { return s.state("cam-1") == "online" }, 20*time.Second, 50*time.Millisecond)
	_, body = s.do(testAdminToken, "GET", "/api/v1/config/export", "")
	require.Contains(t, body, "fence-1")
	require.NotContains(t, body, secret)

	// Deleting the camera deletes its rules too, each as a version that keeps the history.
	code, body = s.do(testAdminToken, "DELETE", "/api/v1/cameras/cam-1", "")
	require.Equal(t, http.StatusNoContent, code, body)
	code, _ = s.do(testAuthorToken, "GET", "/api/v1/rules/fence-1", "")
	require.Equal(t, http.StatusNotFound, code)
	_, body = s.do(testAuthorToken, "GET", "/api/v1/rules/fence-1/versions", "")
	require.NoError(t, json.Unmarshal([]byte(body), &vs))
	require.Len(t, vs, 4)
	require.Equal(t, "delete", vs[0].Op)
	require.Equal(t, "t-admin", vs[0].Actor)
	require.Empty(t, s.gw.Config().Rules)
}

// TestRuleLiveApply: a rule moved while the stream runs is in force at once: the
// camera's RTSP session is untouched, the old line raises nothing more and the new
// line's crossings arrive.
func TestRuleLiveApply(t *testing.T) {
	e := startE2E(t, "tripwire-basic", tripwireRules)
	e.waitOnline(20 * time.Second)
	pulses := func(after time.Time) int {
		n := 0
		for _, a := range e.alerts() {
			if a.Rule.ID == "fence-1" && a.Action == "pulse" && parseFrameTime(t, a.FrameTime).After(after) {
				n++
			}
		}
		return n
	}
	require.Eventually(t, func() bool { return pulses(time.Time{}) > 0 }, 60*time.Second, 100*time.Millisecond, "the seeded line fires")

	// Move the line to the top edge, where nobody walks.
	base := "http://" + e.gw.HTTPAddr()
	code, _, body := doRequest(t, testAuthorToken, "PUT", base+"/api/v1/rules/fence-1",
		`{"camera":"cam-1","type":"tripwire","name":"移走","line":[[0,0.02],[1,0.02]],"classes":["person"]}`, nil)
	require.Equal(t, http.StatusOK, code, body)
	moved := time.Now()
	loop := time.Duration(float64(e.clip.Frames)/float64(e.clip.FPS)*float64(time.Second)) + time.Second
	time.Sleep(loop) // a whole loop of the clip: every walker crossed 0.6 again
	require.Zero(t, pulses(moved.Add(time.Second)), "no crossing of the old line later than 1 s after the save")

	code, _, body = doRequest(t, testAuthorToken, "PUT", base+"/api/v1/rules/fence-1",
		`{"camera":"cam-1","type":"tripwire","name":"回来","line":[[0,0.6],[1,0.6]],"classes":["person"]}`, nil)
	require.Equal(t, http.StatusOK, code, body)
	back := time.Now()
	require.Eventually(t, func() bool { return pulses(back) > 0 }, loop+5*time.Second, 100*time.Millisecond, "the line fires again")
	for _, a := range e.alerts() {
		if a.Rule.ID == "fence-1" && parseFrameTime(t, a.FrameTime).After(back) {
			require.Equal(t, "回来", a.Rule.Name, "alerts carry the rule as saved")
		}
	}
	st := e.gw.Cameras()[0]
	require.Equal(t, "online", st.State)
	require.Zero(t, st.Reconnects, "rule changes never touch the RTSP session")
}

// TestAlertHandling: alerts are stored; an operator moves one through the whole
// workflow, each step stored with its actor and published on the alert-updates
// topic with the camera as key; moves the workflow forbids get 409 or 422.
func TestAlertHandling(t *testing.T) {
	e := startE2E(t, "tripwire-basic", tripwireRules)
	e.waitOnline(20 * time.Second)
	base := "http://" + e.gw.HTTPAddr()
	var page AlertPage
	require.Eventually(t, func() bool {
		code, _, body := doRequest(t, testOperatorToken, "GET", base+"/api/v1/alerts?type=tripwire", "", nil)
		require.Equal(t, http.StatusOK, code, body)
		require.NoError(t, json.Unmarshal([]byte(body), &page))
		return len(page.Alerts) > 0
	}, 60*time.Second, 200*time.Millisecond, "alerts are stored")
	a := page.Alerts[0]
	require.Equal(t, "new", a.State)
	require.Equal(t, []string{"accepted", "void"}, a.Next)
	require.NotEmpty(t, a.Deadline, "priority 3: a 4 h deadline")
	require.False(t, a.Overdue)
	id := a.EventID
	step := func(body string, want int) AlertRow {
		code, _, out := doRequest(t, testOperatorToken, "POST", base+"/api/v1/alerts/"+id+"/transitions", body, nil)
		require.Equal(t, want, code, "%s → %s", body, out)
		var row AlertRow
		if want == http.StatusOK {
			require.NoError(t, json.Unmarshal([]byte(out), &row))
		}
		return row
	}
	step(`{"to":"closed"}`, http.StatusConflict)
	step(`{"to":"void"}`, http.StatusUnprocessableEntity) // a false alarm needs a comment
	step(`{"to":"accepted","comment":"值班员已受理"}`, http.StatusOK)
	step(`{"to":"dispatched"}`, http.StatusUnprocessableEntity) // to which grid?
	step(`{"to":"dispatched","grid":"440512001002003","comment":"派第3网格"}`, http.StatusOK)
	step(`{"to":"handling","comment":"网格员到场"}`, http.StatusOK)
	step(`{"to":"feedback","comment":"已劝离","attachment":{"name":"现场.txt","content_type":"text/plain","data":"5bey5Yqd56a7"}}`, http.StatusOK)
	row := step(`{"to":"closed","comment":"办结"}`, http.StatusOK)
	require.Equal(t, "closed", row.State)
	require.Equal(t, "440512001002003", row.AssignedGrid.Code)
	require.Len(t, row.Transitions, 5)
	require.Equal(t, "t-operator", row.Transitions[4].Actor)
	require.NotEmpty(t, row.Transitions[3].AttachmentURL)
	code, hdr, att := doRequest(t, testOperatorToken, "GET", row.Transitions[3].AttachmentURL, "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "text/plain", hdr.Get("Content-Type"))
	require.Equal(t, "已劝离", att)
	step(`{"to":"handling"}`, http.StatusConflict) // closed is final

	// The steps on Kafka, in order, keyed by camera.
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.broker.ListenAddrs()...), kgo.ConsumeTopics("sharpeyes.alert-updates"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	require.NoError(t, err)
	defer cl.Close()
	var updates []AlertUpdate
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for len(updates) < 5 && ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			require.Equal(t, "cam-1", string(r.Key))
			var u AlertUpdate
			require.NoError(t, json.Unmarshal(r.Value, &u))
			updates = append(updates, u)
		})
	}
	require.Len(t, updates, 5)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("..", "docs", "alert-update.schema.json"))
	require.NoError(t, err)
	var states []string
	for _, u := range updates {
		b, err := json.Marshal(u)
		require.NoError(t, err)
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
		require.NoError(t, err)
		require.NoError(t, sch.Validate(v), "update does not match docs/alert-update.schema.json: %s", b)
		require.Equal(t, id, u.EventID)
		states = append(states, u.State)
	}
	require.Equal(t, []string{"accepted", "dispatched", "handling", "feedback", "closed"}, states)
}

// TestCrowdEpisodeAcrossEdits: crowd_dwell state carries over rule changes made
// through the API. A gathering open when its rule is renamed stays one episode
// (no second start); moved away from the crowd it ends exactly once, after
// clear_duration; a deleted rule ends nothing twice. Observations are fed to the
// camera's rule runner with their own clock (the camera itself is unreachable, so
// no real frame interferes), and the alerts go out through the real publish path.
func TestCrowdEpisodeAcrossEdits(t *testing.T) {
	s := startSystem(t, func(*system) string {
		return `cameras:
  - {id: cam-1, name: 广场, url: "rtsp://127.0.0.1:1/none"}
rules:
  - {id: gather, name: 广场聚集, camera: cam-1, type: crowd_dwell, min_count: 3, min_duration: 2s,
     clear_duration: 1s, polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]}
`
	})
	var got []Alert
	cam := s.camera("cam-1")
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	frame := 0
	feed := func(n int, persons int) {
		for range n {
			obs := rules.Observation{Time: t0.Add(time.Duration(frame) * 200 * time.Millisecond)}
			for k := range persons {
				x := 0.4 + 0.05*float64(k)
				obs.Objects = append(obs.Objects, rules.Object{TrackID: uint64(k + 1), Class: "person", Score: 0.9,
					Box: rules.Box{X1: x - 0.02, Y1: 0.4, X2: x + 0.02, Y2: 0.6}, Foot: rules.Point{X: x, Y: 0.6}})
			}
			frame++
			as := cam.rules.observe(obs)
			cam.publish(as)
			got = append(got, as...)
		}
	}
	actions := func() []string {
		var out []string
		for _, a := range got {
			out = append(out, a.Action)
		}
		return out
	}
	feed(15, 4) // 3 s of four people: start after 2 s
	require.Equal(t, []string{"start"}, actions())
	episode := got[0].EventID

	code, body := s.do(testAuthorToken, "PUT", "/api/v1/rules/gather", `{"camera":"cam-1","type":"crowd_dwell","name":"广场聚集（改名）",
		"min_count":3,"min_duration":"2s","clear_duration":"1s","polygon":[[0.2,0.2],[0.8,0.2],[0.8,0.8],[0.2,0.8]]}`)
	require.Equal(t, http.StatusOK, code, body)
	feed(10, 4)
	require.Equal(t, []string{"start"}, actions(), "an edit does not restart an open episode")

	// Moved to the top of the picture, away from the crowd: one end, clear_duration later.
	code, body = s.do(testAuthorToken, "PUT", "/api/v1/rules/gather", `{"camera":"cam-1","type":"crowd_dwell","name":"移走",
		"min_count":3,"min_duration":"2s","clear_duration":"1s","polygon":[[0.2,0.0],[0.8,0.0],[0.8,0.1],[0.2,0.1]]}`)
	require.Equal(t, http.StatusOK, code, body)
	moved := frame
	feed(20, 4)
	require.Equal(t, []string{"start", "end"}, actions())
	end := got[1]
	require.Equal(t, episode, end.EventID, "the end closes the open episode")
	endT := parseFrameTime(t, end.FrameTime)
	require.InDelta(t, 1.0, endT.Sub(t0.Add(time.Duration(moved)*200*time.Millisecond)).Seconds(), 0.21,
		"ends clear_duration after the move, to the frame")

	code, body = s.do(testAuthorToken, "DELETE", "/api/v1/rules/gather", "")
	require.Equal(t, http.StatusNoContent, code, body)
	feed(10, 4)
	require.Equal(t, []string{"start", "end"}, actions(), "deleting the rule ends nothing twice")

	// Stored once, with the end as its last message.
	var page AlertPage
	require.Eventually(t, func() bool {
		_, body := s.do(testOperatorToken, "GET", "/api/v1/alerts?type=crowd_dwell", "")
		require.NoError(t, json.Unmarshal([]byte(body), &page))
		return len(page.Alerts) == 1 && page.Alerts[0].LastAction == "end"
	}, 5*time.Second, 50*time.Millisecond, "stored alerts: %+v", page.Alerts)
	require.Equal(t, episode, page.Alerts[0].EventID)
}

// TestEditorPreview: a rule author gets a fresh picture and the live detections of
// a camera no rule analyses yet; the camera is analysed only while someone looks
// (plus live.idle_timeout), and raises no alerts.
func TestEditorPreview(t *testing.T) {
	s := startSystem(t, func(s *system) string {
		return fmt.Sprintf("live: {idle_timeout: 1s}\ncameras:\n  - {id: cam-1, url: %q}\n", s.camURL())
	})
	require.Equal(t, "idle", s.state("cam-1"), "no rule, no viewer: not pulled")
	code, hdr, body := doRequest(t, testAuthorToken, "GET", s.base+"/api/v1/cameras/cam-1/snapshot", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "image/jpeg", hdr.Get("Content-Type"))
	img, err := jpeg.Decode(strings.NewReader(body))
	require.NoError(t, err)
	require.Equal(t, 640, img.Bounds().Dx(), "the analysis width")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+"/api/v1/cameras/cam-1/detections/stream", nil)
	require.NoError(t, err)
	resp, err := authClient(testAuthorToken).Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	sc := bufio.NewScanner(resp.Body)
	objects := 0
	for objects == 0 && sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var det Detections
			require.NoError(t, json.Unmarshal([]byte(d), &det))
			require.Equal(t, "cam-1", det.Camera)
			objects = len(det.Objects)
			for _, o := range det.Objects {
				require.True(t, o.BBox[0] >= 0 && o.BBox[2] <= 1 && o.BBox[0] < o.BBox[2], "normalised box %v", o.BBox)
			}
		}
	}
	require.Positive(t, objects, "the walkers are detected")
	resp.Body.Close()
	require.Eventually(t, func() bool { return s.state("cam-1") == "idle" }, 10*time.Second, 50*time.Millisecond,
		"released after the idle timeout")
	code, _ = s.do(testOperatorToken, "GET", "/api/v1/cameras/cam-1/snapshot", "")
	require.Equal(t, http.StatusForbidden, code, "operators draw no rules")
	_, body = s.do(testOperatorToken, "GET", "/api/v1/alerts", "")
	require.Contains(t, body, `"alerts": []`, "previews raise no alerts")
}

// TestInitialAdmin: a configuration without users or tokens still guards the API:
// the first start creates "admin" with a random password in data_dir (0600), which
// logs in; a restart does not replace it.
func TestInitialAdmin(t *testing.T) {
	dir := t.TempDir()
	cfg, err := conf.Parse([]byte("http: {listen: 127.0.0.1:0}\nkafka: {brokers: [127.0.0.1:1]}\ndata_dir: "+dir+"\n"), conf.ModeServe)
	require.NoError(t, err)
	start := func() *Gateway {
		c := *cfg
		gw, err := New(&c, Options{Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
		require.NoError(t, err)
		return gw
	}
	gw := start()
	path := filepath.Join(dir, initialAdminFile)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	pw, err := os.ReadFile(path)
	require.NoError(t, err)
	base := "http://" + gw.HTTPAddr()
	code, _, _ := doRequest(t, "", "GET", base+"/api/v1/cameras", "", nil)
	require.Equal(t, http.StatusUnauthorized, code, "no anonymous access")
	login := fmt.Sprintf(`{"username":"admin","password":%q}`, strings.TrimSpace(string(pw)))
	code, _, body := doRequest(t, "", "POST", base+"/api/v1/auth/login", login, nil)
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, gw.Close())

	gw = start()
	defer gw.Close()
	again, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, pw, again, "a restart keeps the admin's password")
	code, _, body = doRequest(t, "", "POST", "http://"+gw.HTTPAddr()+"/api/v1/auth/login", login, nil)
	require.Equal(t, http.StatusOK, code, body)
}
