package demo

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromiumPath is Debian's chromium, installed by scripts/setup.sh.
const chromiumPath = "/usr/bin/chromium"

// artifactsDir is where browser tests leave their screenshots (git-ignored).
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("SHARPEYES_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// newBrowser starts headless chromium; the returned context drives one tab.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	_, err := exec.LookPath(chromiumPath)
	require.NoError(t, err, "chromium is needed for the browser tests (scripts/setup.sh installs it)")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		// Plain host candidates: no mDNS names that a sandbox cannot resolve.
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.WindowSize(1366, 768),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	return tab
}

// login opens the viewer and logs in through its form, as a person would.
func login(t *testing.T, tab context.Context, base, user, password string) {
	t.Helper()
	require.NoError(t, chromedp.Run(tab,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#login-username", chromedp.ByQuery),
		chromedp.SendKeys("#login-username", user, chromedp.ByQuery),
		chromedp.SendKeys("#login-password", password, chromedp.ByQuery),
		chromedp.Click("#login-submit", chromedp.ByQuery),
		chromedp.Poll(`window.__sharpeyes && window.__sharpeyes.user && window.__sharpeyes.user.name === "`+user+`"`, nil,
			chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)),
	), "log in as %s", user)
}

// TestBrowserLiveView is the operator's path in a real browser: open the UI, click
// a grid, and its camera plays over WebRTC (frames decoded, counted with
// requestVideoFrameCallback), and an alert shows up in the live feed.
func TestBrowserLiveView(t *testing.T) {
	s := startDemo(t)
	base := "http://" + s.Gateway.HTTPAddr()

	tab := newBrowser(t, 90*time.Second)
	login(t, tab, base, "viewer", "demo-viewer-2026")
	const grid = `#grid-tree button[data-grid="440512001002003"]`
	require.NoError(t, chromedp.Run(tab,
		chromedp.WaitVisible(grid, chromedp.ByQuery),
		chromedp.Click(grid, chromedp.ByQuery),
	))
	var frames int
	require.NoError(t, chromedp.Run(tab,
		chromedp.Poll(`(window.__sharpeyes.framesDecoded["cam-hd-001"] || 0) > 10`, nil,
			chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)),
		chromedp.Evaluate(`window.__sharpeyes.framesDecoded["cam-hd-001"]`, &frames),
	), "the grid's camera plays")
	require.Greater(t, frames, 10)
	var firstMS float64
	require.NoError(t, chromedp.Run(tab, chromedp.Evaluate(`window.__sharpeyes.firstFrameMs["cam-hd-001"]`, &firstMS)))
	t.Logf("click to first frame: %.0f ms, frames decoded: %d", firstMS, frames)

	var alerts int
	require.NoError(t, chromedp.Run(tab,
		chromedp.Poll(`document.querySelectorAll('#alert-feed li[data-event-id]').length > 0`, nil,
			chromedp.WithPollingTimeout(45*time.Second), chromedp.WithPollingInterval(100*time.Millisecond)),
		chromedp.Evaluate(`document.querySelectorAll('#alert-feed li[data-event-id]').length`, &alerts),
	), "an alert reaches the live feed")
	require.Positive(t, alerts)

	var png []byte
	require.NoError(t, chromedp.Run(tab, chromedp.FullScreenshot(&png, 100)))
	shot := filepath.Join(artifactsDir(t), "browser-live-view.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)
}

// apiLogin logs in through the API and returns the session token.
func apiLogin(t *testing.T, base, user, password string) string {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"`+user+`","password":"`+password+`"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out struct{ Token string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Token
}

// TestBrowserRuleAuthoring is the rule author's path in a real browser: log in,
// open the editor on a camera, draw a polygon on its fresh picture with the mouse,
// name it and save; the rule is then in the API and in force. A viewer finds no
// editor, and the API refuses the same save (403).
func TestBrowserRuleAuthoring(t *testing.T) {
	s := startDemo(t)
	base := "http://" + s.Gateway.HTTPAddr()

	tab := newBrowser(t, 120*time.Second)
	login(t, tab, base, "author", "demo-author-2026")
	require.NoError(t, chromedp.Run(tab,
		chromedp.Navigate(base+"/#/rules/cam-hd-001"),
		chromedp.WaitVisible("#rule-canvas", chromedp.ByQuery),
		// The fresh picture has arrived and sized the canvas.
		chromedp.Poll(`(() => { const i = document.querySelector('#rule-snapshot'); return i && i.complete && i.naturalWidth > 0; })()`, nil,
			chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(100*time.Millisecond)),
		chromedp.Click("#rule-tool-polygon", chromedp.ByQuery),
	), "the editor opens on the camera's picture")
	require.NoError(t, chromedp.Run(tab,
		chromedp.Poll(`document.querySelectorAll('#rule-live-layer > *').length > 0`, nil,
			chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)),
	), "the camera's live detections are drawn over its picture")

	var box struct{ X, Y, W, H float64 }
	require.NoError(t, chromedp.Run(tab, chromedp.Evaluate(
		`(() => { const r = document.querySelector('#rule-canvas').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &box)))
	require.Positive(t, box.W)
	corners := [][2]float64{{0.2, 0.55}, {0.8, 0.55}, {0.8, 0.95}, {0.2, 0.95}, {0.2, 0.55}} // the last click closes it
	for _, c := range corners {
		require.NoError(t, chromedp.Run(tab, chromedp.MouseClickXY(box.X+c[0]*box.W, box.Y+c[1]*box.H)))
	}
	var state string
	require.NoError(t, chromedp.Run(tab,
		chromedp.Poll(`window.__sharpeyes.editor && window.__sharpeyes.editor.state === 'done'`, nil,
			chromedp.WithPollingTimeout(5*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)),
		chromedp.Evaluate(`window.__sharpeyes.editor.state`, &state),
	), "the polygon is closed")
	require.Equal(t, "done", state)

	require.NoError(t, chromedp.Run(tab,
		chromedp.SendKeys(`#rule-form [name=id]`, "browser-zone", chromedp.ByQuery),
		chromedp.SendKeys(`#rule-form [name=name]`, "路口禁区", chromedp.ByQuery),
		chromedp.Click("#rule-save", chromedp.ByQuery),
		chromedp.Poll(`(window.__sharpeyes.editor.lastSave || {}).status === 201`, nil,
			chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)),
	), "saved")
	var png []byte
	require.NoError(t, chromedp.Run(tab, chromedp.FullScreenshot(&png, 100)))
	shot := filepath.Join(artifactsDir(t), "browser-rule-editor.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)

	// The rule, as the API has it: the drawn polygon, in force on the camera.
	token := apiLogin(t, base, "admin", "demo-admin-2026")
	req, err := http.NewRequest("GET", base+"/api/v1/rules/browser-zone", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var rule struct {
		ID, Name, Camera, Type string
		Polygon                [][2]float64
		Version                int
		UpdatedBy              string `json:"updated_by"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&rule))
	require.Equal(t, "路口禁区", rule.Name)
	require.Equal(t, "cam-hd-001", rule.Camera)
	require.Equal(t, "author", rule.UpdatedBy)
	require.Len(t, rule.Polygon, 4)
	for i, c := range corners[:4] {
		require.InDelta(t, c[0], rule.Polygon[i][0], 0.02, "vertex %d x", i)
		require.InDelta(t, c[1], rule.Polygon[i][1], 0.02, "vertex %d y", i)
	}
	found := false
	for _, r := range s.Gateway.Config().Rules {
		found = found || r.ID == "browser-zone"
	}
	require.True(t, found, "the saved rule is in force")

	// A viewer: no editor in the UI, and the API refuses the save.
	viewer := newBrowser(t, 60*time.Second)
	login(t, viewer, base, "viewer", "demo-viewer-2026")
	var hidden bool
	var status int
	require.NoError(t, chromedp.Run(viewer,
		chromedp.Evaluate(`(() => { const b = document.querySelector('#nav-rules'); return !b || b.hidden || b.offsetParent === null; })()`, &hidden),
		chromedp.Evaluate(`fetch('/api/v1/rules', {method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({id: 'viewer-zone', camera: 'cam-hd-001', type: 'intrusion', polygon: [[0.1,0.1],[0.5,0.1],[0.5,0.5]]})}).then(r => r.status)`,
			&status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	))
	require.True(t, hidden, "a viewer has no rule editor")
	require.Equal(t, http.StatusForbidden, status)
	for _, r := range s.Gateway.Config().Rules {
		require.NotEqual(t, "viewer-zone", r.ID, "nothing was saved")
	}
}
