package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeCore stands in for the gateway core; the gateway's own tests drive this
// server against the real core. Calls it does not implement panic (embedded nil).
type fakeCore struct {
	Core
	ready     bool
	reloadErr error
	audits    []string
}

func (f *fakeCore) CamerasFor(auth.Principal) []CameraStatus {
	return []CameraStatus{{ID: "cam-1", Name: "河渡路口", State: "online"}}
}

func (f *fakeCore) GridsFor(auth.Principal) GridCollection {
	return GridCollection{Type: "FeatureCollection", Features: []GridFeature{{Type: "Feature", ID: "440512001",
		Properties: GridProperty{Code: "440512001", Name: "达濠街道", Level: "street", Cameras: []string{}, SubtreeCameras: []string{"cam-1"}}}}}
}

func (f *fakeCore) DryRun(_ auth.Principal, ruleID string, body []byte) (DryRunResult, error) {
	switch {
	case ruleID == "nope":
		return DryRunResult{}, fmt.Errorf("rule %q: %w", ruleID, ErrNotFound)
	case string(body) == "bad":
		return DryRunResult{}, FieldErrorsOf(errors.Join(errors.New("polygon: want at least 3 points, got 2"), errors.New("no field here")))
	}
	return DryRunResult{Camera: "cam-1", Rule: ruleID, Frames: 3, Alerts: []any{}}, nil
}

func (f *fakeCore) Audit(p auth.Principal, action, _, _, _ string, _ map[string]any) {
	f.audits = append(f.audits, p.Name+" "+action)
}

func (f *fakeCore) Rule(_ auth.Principal, id string) (json.RawMessage, error) {
	if id == "outside" {
		return nil, fmt.Errorf("rule %s: %w", id, ErrForbidden)
	}
	return json.RawMessage(`{"id":"` + id + `","version":3}`), nil
}

// Test tokens.
const (
	adminToken    = "admin-token-0123456789"
	viewerToken   = "viewer-token-0123456789"
	operatorToken = "operator-token-0123456789"
	authorToken   = "author-token-0123456789"
)

type noUsers struct{}

func (noUsers) LookupUser(_ context.Context, name string) (auth.User, error) {
	return auth.User{}, fmt.Errorf("%w: %s", auth.ErrNoUser, name)
}

func testAuth(t *testing.T) *auth.Authenticator {
	a, err := auth.New(auth.Options{Users: noUsers{}, Tokens: []auth.Token{
		{Name: "ops", Token: adminToken, Role: "admin"}, {Name: "wall", Token: viewerToken, Role: "viewer"},
		{Name: "duty", Token: operatorToken, Role: "operator"}, {Name: "author", Token: authorToken, Role: "rule_author"},
	}})
	require.NoError(t, err)
	return a
}

func (f *fakeCore) UI() UIConfig { return UIConfig{Title: "锐眼", TourDwellS: 10, Language: "zh-CN"} }

func (f *fakeCore) Readiness() Readiness {
	return Readiness{Ready: f.ready, Checks: map[string]string{"kafka": "ok"}}
}

func (f *fakeCore) Reload(context.Context) error { return f.reloadErr }

func TestDryRunErrors(t *testing.T) {
	s := &Server{Listen: "127.0.0.1:0", Core: &fakeCore{}, Gatherer: prometheus.NewRegistry(), Logger: slog.New(slog.DiscardHandler), Auth: testAuth(t)}
	require.NoError(t, s.Start())
	defer func() { require.NoError(t, s.Close()) }()
	post := func(body string) (int, string) {
		req, err := http.NewRequest("POST", "http://"+s.Addr()+"/api/v1/rules/dry-run", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	code, body := post("bad")
	require.Equal(t, http.StatusUnprocessableEntity, code)
	var fe FieldErrors
	require.NoError(t, json.Unmarshal([]byte(body), &fe))
	require.Equal(t, []FieldError{{Field: "polygon", Message: "want at least 3 points, got 2"}, {Field: "body", Message: "no field here"}}, fe.Errors,
		"one error per field, each naming it")
	code, _ = post(strings.Repeat("x", maxBody+1))
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
}

func TestRoutes(t *testing.T) {
	core := &fakeCore{}
	reg := prometheus.NewRegistry()
	s := &Server{Listen: "127.0.0.1:0", Core: core, Gatherer: reg, Logger: slog.New(slog.DiscardHandler), Auth: testAuth(t)}
	require.NoError(t, s.Start())
	defer func() { require.NoError(t, s.Close()) }()
	base := "http://" + s.Addr()
	token := adminToken
	do := func(method, path string) (int, string) {
		req, err := http.NewRequest(method, base+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		name, method, path string
		setup              func()
		code               int
		body               string
	}{
		{"healthz", "GET", "/healthz", nil, 200, "ok"},
		{"not ready", "GET", "/readyz", func() { core.ready = false }, 503, `"ready": false`},
		{"ready", "GET", "/readyz", func() { core.ready = true }, 200, `"ready": true`},
		{"cameras", "GET", "/api/v1/cameras", nil, 200, `"state": "online"`},
		{"grids", "GET", "/api/v1/grids", nil, 200, `"geometry": null`},
		{"ui", "GET", "/api/v1/ui", nil, 200, `"tour_dwell_s": 10`},
		{"events off", "GET", "/api/v1/events/stream", nil, 404, ""},
		{"dry run", "POST", "/api/v1/rules/fence-1/dry-run", nil, 200, `"frames": 3`},
		{"dry run unknown rule", "POST", "/api/v1/rules/nope/dry-run", nil, 404, "not found"},
		{"dry run needs POST", "GET", "/api/v1/rules/fence-1/dry-run", nil, 405, ""},
		{"metrics", "GET", "/metrics", nil, 200, ""},
		{"reload ok", "POST", "/-/reload", func() { core.reloadErr = nil }, 200, "reloaded"},
		{"reload refused", "POST", "/-/reload", func() { core.reloadErr = errors.New("cameras[0].url: required") }, 422, "cameras[0].url: required"},
		{"reload needs POST", "GET", "/-/reload", nil, 405, ""},
		{"unknown path", "GET", "/nope", nil, 404, ""},
		{"rule with version", "GET", "/api/v1/rules/r1", nil, 200, `"version":3`},
		{"rule outside the grid", "GET", "/api/v1/rules/outside", nil, 403, "forbidden"},
		{"no token", "GET", "/api/v1/cameras", func() { token = "" }, 401, "authentication required"},
		{"no token: metrics", "GET", "/metrics", nil, 401, ""},
		{"no token: ui is open", "GET", "/api/v1/ui", nil, 200, "tour_dwell_s"},
		{"no token: probes are open", "GET", "/healthz", nil, 200, "ok"},
		{"viewer: cameras", "GET", "/api/v1/cameras", func() { token = viewerToken }, 200, "cam-1"},
		{"viewer: no rules", "GET", "/api/v1/rules/r1", nil, 403, "needs role rule_author"},
		{"viewer: no reload", "POST", "/-/reload", nil, 403, "needs role admin"},
		{"viewer: no alerts", "GET", "/api/v1/alerts", nil, 403, "needs role operator"},
		{"viewer: no audit", "GET", "/api/v1/audit", nil, 403, "needs role admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			code, body := do(tc.method, tc.path)
			require.Equal(t, tc.code, code, body)
			require.True(t, strings.Contains(body, tc.body), "body %q lacks %q", body, tc.body)
		})
	}
}

// TestOpenAPI: the document is OpenAPI 3, served as JSON, documents every /api/v1
// route the server registers (no more, no less), and every documented operation
// is routed (neither 404 nor 405).
// placeholder matches path parameters such as {id}.
var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

func TestOpenAPI(t *testing.T) {
	stub := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s := &Server{Listen: "127.0.0.1:0", Core: &fakeCore{}, Gatherer: prometheus.NewRegistry(),
		WHEP: stub, Events: stub, Detections: stub, Logger: slog.New(slog.DiscardHandler), Auth: testAuth(t)}
	require.NoError(t, s.Start())
	defer func() { require.NoError(t, s.Close()) }()

	resp, err := http.Get("http://" + s.Addr() + "/api/v1/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."), doc.OpenAPI)

	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		documented[path] = true
		for method := range ops {
			m := strings.ToUpper(method)
			req, err := http.NewRequest(m, "http://"+s.Addr()+placeholder.ReplaceAllString(path, "x"), nil)
			require.NoError(t, err)
			r, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			r.Body.Close()
			require.NotContains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, r.StatusCode, "%s %s is documented but not routed", m, path)
		}
	}
	registered := map[string]bool{}
	for _, p := range s.apiRoutes {
		_, path, _ := strings.Cut(p, " ")
		if path == "" {
			path = p
		}
		registered[path] = true
		require.True(t, documented[path], "route %q is not in openapi.json", p)
	}
	for path := range documented {
		require.True(t, registered[path], "openapi.json documents %q, which no route serves", path)
	}
}

// TestEveryRouteGuarded walks every operation of openapi.json: without credentials
// it is 401 (unless documented as open), and with a token of the role just below
// the one its description names it is 403: the role checks and the document agree,
// for every endpoint. (Grid scope is the core's; the gateway's tests cover it.)
func TestEveryRouteGuarded(t *testing.T) {
	stub := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s := &Server{Listen: "127.0.0.1:0", Core: &fakeCore{}, Gatherer: prometheus.NewRegistry(),
		WHEP: stub, Events: stub, Detections: stub, Logger: slog.New(slog.DiscardHandler), Auth: testAuth(t)}
	require.NoError(t, s.Start())
	defer func() { require.NoError(t, s.Close()) }()
	var doc struct {
		Paths map[string]map[string]struct {
			Description string            `json:"description"`
			Security    *[]map[string]any `json:"security"`
		} `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(openAPI, &doc))
	below := map[string]string{"operator": viewerToken, "rule_author": operatorToken, "admin": authorToken}
	roleRE := regexp.MustCompile(`Role: ([a-z_]+)\.`)
	checked := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			url := "http://" + s.Addr() + placeholder.ReplaceAllString(path, "x")
			call := func(token string) int {
				req, err := http.NewRequest(strings.ToUpper(method), url, strings.NewReader("{}"))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				return resp.StatusCode
			}
			if op.Security != nil && len(*op.Security) == 0 {
				continue // documented as open: ui, openapi.json, login
			}
			if path == "/api/v1/auth/logout" || path == "/api/v1/auth/me" {
				require.Equal(t, http.StatusUnauthorized, call(""), "%s %s", method, path)
				continue
			}
			m := roleRE.FindStringSubmatch(op.Description)
			require.NotNil(t, m, "%s %s: the description names no role", method, path)
			require.Equal(t, http.StatusUnauthorized, call(""), "%s %s without credentials", method, path)
			if tok, ok := below[m[1]]; ok {
				require.Equal(t, http.StatusForbidden, call(tok), "%s %s below %s", method, path, m[1])
			}
			checked++
		}
	}
	require.Greater(t, checked, 30)
}
