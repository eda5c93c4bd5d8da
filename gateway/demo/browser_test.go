package demo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

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

// TestBrowserLiveView is the operator's path in a real browser: open the UI, click
// a grid, and its camera plays over WebRTC (frames decoded, counted with
// requestVideoFrameCallback), and an alert shows up in the live feed.
func TestBrowserLiveView(t *testing.T) {
	s := startDemo(t)
	base := "http://" + s.Gateway.HTTPAddr()

	tab := newBrowser(t, 90*time.Second)
	const grid = `#grid-tree button[data-grid="440512001002003"]`
	require.NoError(t, chromedp.Run(tab,
		chromedp.Navigate(base+"/"),
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
