package main

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium with one tab.
type browser struct {
	tab    context.Context
	cancel func()
}

func newBrowser(ctx context.Context, path string) (*browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.WindowSize(1366, 768),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	if err := chromedp.Run(tab); err != nil {
		cancelTab()
		cancelAlloc()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	return &browser{tab: tab, cancel: func() { cancelTab(); cancelAlloc() }}, nil
}

// play loads the UI afresh (after unload), clicks the grid in the tree and returns the viewer's own
// measurement of click to first decoded frame of camera (requestVideoFrameCallback,
// window.__sharpeyes.firstFrameMs).
func (b *browser) play(base, grid, camera string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(b.tab, timeout)
	defer cancel()
	sel := fmt.Sprintf(`#grid-tree button[data-grid=%q]`, grid)
	var ms float64
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(sel, chromedp.ByQuery),
		chromedp.Click(sel, chromedp.ByQuery),
		chromedp.Poll(fmt.Sprintf(`window.__sharpeyes.firstFrameMs[%q] || 0`, camera), &ms,
			chromedp.WithPollingInterval(10*time.Millisecond)),
	)
	if err != nil {
		return 0, err
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// login logs in through the viewer's form; the session cookie then serves every play.
func (b *browser) login(base, user, password string) error {
	ctx, cancel := context.WithTimeout(b.tab, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#login-username", chromedp.ByQuery),
		chromedp.SendKeys("#login-username", user, chromedp.ByQuery),
		chromedp.SendKeys("#login-password", password, chromedp.ByQuery),
		chromedp.Click("#login-submit", chromedp.ByQuery),
		chromedp.Poll(`!!(window.__sharpeyes && window.__sharpeyes.user)`, nil, chromedp.WithPollingInterval(20*time.Millisecond)),
	)
}

// unload leaves the UI (its tiles DELETE their WHEP sessions on pagehide).
func (b *browser) unload() error {
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Navigate("about:blank"))
}

func (b *browser) close() { b.cancel() }
