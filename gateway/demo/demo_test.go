package demo

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

func TestMain(m *testing.M) {
	opencv.RunModelCheckIfRequested()
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/twmb/franz-go/pkg/kfake.(*Cluster).run"))
}

func copyFile(t *testing.T, src, dst string) {
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dst, b, 0o600))
}

// startDemo starts the demo as `make demo` does, with every address on port 0 and
// only the tripwire-basic clip present (the other cameras stay offline); the test's
// cleanup stops it.
func startDemo(t *testing.T) *System {
	t.Helper()
	clip := synth.ForTest(t, "tripwire-basic")
	clips := t.TempDir()
	copyFile(t, clip.Path, filepath.Join(clips, "tripwire-basic.h264"))
	copyFile(t, clip.MetaPath, filepath.Join(clips, "tripwire-basic.clip.json"))
	s, err := Start(Options{
		ClipsDir: clips, HTTPListen: "127.0.0.1:0", KafkaListen: "127.0.0.1:0", RTSPListen: "127.0.0.1:0",
		DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// TestDemoAlertsFlow starts the demo (one clip present, the others missing) and
// consumes its first alert from the embedded broker with a standard Kafka client.
func TestDemoAlertsFlow(t *testing.T) {
	s := startDemo(t)

	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Broker.ListenAddrs()...), kgo.ConsumeTopics(s.Config.Kafka.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var first map[string]any
	for first == nil {
		fs := cl.PollFetches(ctx)
		require.NoError(t, ctx.Err(), "no alert within a minute")
		fs.EachRecord(func(r *kgo.Record) {
			if first == nil {
				require.NoError(t, json.Unmarshal(r.Value, &first))
				require.Equal(t, "cam-hd-001", string(r.Key))
			}
		})
	}
	require.Equal(t, "cam-hd-001", first["camera"].(map[string]any)["id"])

	// Cameras whose clip is missing are configured and visible, not fatal.
	states := map[string]string{}
	for _, c := range s.Gateway.Cameras() {
		states[c.ID] = c.State
	}
	require.Equal(t, "online", states["cam-hd-001"])
	require.Contains(t, []string{"connecting", "offline"}, states["cam-hd-002"])
	require.Contains(t, []string{"connecting", "offline"}, states["cam-hd-004"], "the checkpoint camera's plate rule needs it pulled; its clip is missing here")

	// The hospital camera found its grid by location.
	var hospital []string
	for _, f := range s.Gateway.Grids().Features {
		if f.ID == "440512001005001" {
			hospital = f.Properties.Cameras
		}
	}
	require.Equal(t, []string{"cam-hd-004"}, hospital)
}

func TestDemoWithoutClips(t *testing.T) {
	_, err := Start(Options{ClipsDir: t.TempDir(), HTTPListen: "127.0.0.1:0", KafkaListen: "127.0.0.1:0", RTSPListen: "127.0.0.1:0"})
	require.ErrorContains(t, err, "no clips in")
	require.ErrorContains(t, err, "gensynth")
}
