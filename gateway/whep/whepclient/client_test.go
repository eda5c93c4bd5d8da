package whepclient

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/gateway/whep"
	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestPlay: against the real relay fed by a real RTSP camera, the client counts
// frames and keyframes, and Close ends the server's session.
func TestPlay(t *testing.T) {
	clip := synth.ForTest(t, synth.SceneTripwireBasic)
	sim := simcam.New(simcam.Config{Listen: "127.0.0.1:0", DisableUDP: true})
	require.NoError(t, sim.AddClip("cam", clip.Path, float64(clip.FPS)))
	require.NoError(t, sim.Start())
	defer sim.Close()
	stream := streams.NewStream("cam-1", nil)
	defer stream.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sup := &rtspsource.Supervisor{CameraID: "cam-1", Writer: stream, Logger: log,
		Settings: rtspsource.Settings{URL: sim.URL("cam"), Transport: rtspsource.TransportTCP}}
	sup.Start(context.Background())
	defer sup.Close()

	released := make(chan struct{}, 1)
	srv, err := whep.NewServer(whep.Config{IncludeLoopback: true, Logger: log,
		Lookup: func(_ context.Context, req whep.Request) (whep.Source, error) {
			if req.CameraID != "cam-1" {
				return nil, whep.ErrNotFound
			}
			return whep.StreamSource(stream, 0, func() { released <- struct{}{} }), nil
		}})
	require.NoError(t, err)
	defer srv.Close()
	hs := httptest.NewServer(whep.NewHandler(srv))
	defer hs.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := Dial(ctx, hs.URL+"/api/v1/cameras/cam-1/whep", Options{LoopbackOnly: true})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return v.Frames() >= 15 }, 20*time.Second, 20*time.Millisecond)
	require.GreaterOrEqual(t, v.Keyframes(), int64(1))
	require.Positive(t, v.FirstKeyframe())
	require.Positive(t, v.Bytes())
	require.Len(t, srv.Sessions(), 1)
	require.NoError(t, v.Close(ctx))
	require.NoError(t, v.Close(ctx), "a second Close is harmless")
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("DELETE did not end the session")
	}
	require.Empty(t, srv.Sessions())

	_, err = Dial(ctx, hs.URL+"/api/v1/cameras/nope/whep", Options{LoopbackOnly: true})
	require.ErrorContains(t, err, "404")
}
