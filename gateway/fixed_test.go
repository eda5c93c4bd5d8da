package gateway

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/gateway/conf"
)

// TestFixedChanges: settings a running gateway cannot change are named in the
// reload warning.
func TestFixedChanges(t *testing.T) {
	parse := func(doc string) *conf.Config {
		c, err := conf.Parse([]byte(doc), conf.ModeAnalyze)
		require.NoError(t, err)
		return c
	}
	old := parse("{}")
	require.Empty(t, fixedChanges(old, parse("{}")))
	got := fixedChanges(old, parse(`
http: {listen: "127.0.0.1:9999"}
analysis_threads: 2
dry_run_window: 2m
live: {idle_timeout: 1m, webrtc: {udp_listen: ":8189"}, ui: {dir: web, title: 新标题}}
`))
	require.Equal(t, []string{"http.listen", "analysis_threads", "live.webrtc", "live.ui.dir",
		"dry_run_window (applies to cameras started after it)"}, got,
		"live.idle_timeout and live.ui.title apply at once and are not listed")
}
