package whep

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
)

// The camera (a real RTSP server) goes away and comes back on the same port: the same WHEP
// session keeps playing, resuming on a keyframe, with RTP timestamps still increasing.
func TestCameraReconnectKeepsSession(t *testing.T) {
	cam := startCamera(t, "cam1")
	ts := newTestServer(t, nil)
	src := &testSource{stream: cam.stream}
	ts.src.set("cam1", src)
	v := connectViewer(t, ts, "cam1", viewerOpts{})

	prev := v.next(t, 15*time.Second)
	require.True(t, prev.keyframe())
	for range 5 {
		f := v.next(t, 5*time.Second)
		require.True(t, tsAfter(f.ts, prev.ts))
		prev = f
	}
	id := ts.srv.Sessions()[0].ID

	cam.sim.Close()
	require.Eventually(t, func() bool { return cam.sup.Status().State == rtspsource.StateOffline },
		15*time.Second, 5*time.Millisecond)
	restarted := time.Now()
	require.NoError(t, cam.sim.Start())

	// Frames still in flight from before are fine; what matters is a keyframe after the
	// restart and more frames after it, all on an increasing clock.
	var afterKey int
	deadline := time.Now().Add(30 * time.Second)
	for afterKey < 10 {
		require.True(t, time.Now().Before(deadline), "no playback after the camera came back")
		f := v.next(t, 20*time.Second)
		require.True(t, tsAfter(f.ts, prev.ts), "timestamp went back: %d then %d", prev.ts, f.ts)
		switch {
		case afterKey > 0:
			afterKey++
		case f.at.After(restarted) && f.keyframe():
			afterKey = 1
		}
		prev = f
	}
	require.GreaterOrEqual(t, cam.sup.Status().Reconnects, uint64(1))
	sessions := ts.srv.Sessions()
	require.Len(t, sessions, 1)
	require.Equal(t, id, sessions[0].ID, "the same session survives the reconnect")
	require.Equal(t, int32(0), src.released.Load())
}

// Twenty viewers play one camera while a twenty-first stalls: the stalled one is dropped to
// keyframes by its own reader, the others keep the camera's frame rate, and Stream.Write
// never waits for anybody.
func TestManyViewersAndASlowOne(t *testing.T) {
	const n = 20
	cam := startCamera(t, "cam1")
	ts := newTestServer(t, nil)
	ts.src.set("cam1", &testSource{stream: cam.stream})
	g := newGate(true)
	slowSrc := &testSource{stream: cam.stream, queueSize: 8, gate: g}
	ts.src.set("cam1/sub", slowSrc) // the slow viewer asks for ?stream=sub

	viewers := make([]*viewer, n)
	for i := range viewers {
		viewers[i] = connectViewer(t, ts, "cam1", viewerOpts{})
	}
	slow := connectViewer(t, ts, "cam1", viewerOpts{stream: "sub"})
	for _, v := range append(viewers, slow) {
		require.True(t, v.next(t, 20*time.Second).keyframe())
	}
	require.Len(t, ts.srv.Sessions(), n+1)

	// Stall the slow viewer's send loop and measure everybody over the next 3 s of camera time.
	g.shut()
	units0 := cam.writer.units.Load()
	counts0 := make([]int64, n)
	for i, v := range viewers {
		counts0[i] = v.count.Load()
	}
	require.Eventually(t, func() bool { return slowSrc.reader(t).Dropped() > 0 }, 10*time.Second, 10*time.Millisecond,
		"the stalled viewer's reader should overflow")
	require.Eventually(t, func() bool { return cam.writer.units.Load() >= units0+30 }, 15*time.Second, 10*time.Millisecond)
	written := cam.writer.units.Load() - units0
	minGot := written
	for i, v := range viewers {
		got := v.count.Load() - counts0[i]
		minGot = min(minGot, got)
		require.GreaterOrEqual(t, got, written-3, "viewer %d got %d of %d frames", i, got, written)
	}
	t.Logf("camera wrote %d units in the window; slowest fast viewer got %d; longest Stream.Write %v; slow reader dropped %d",
		written, minGot, time.Duration(cam.writer.maxNano.Load()), slowSrc.reader(t).Dropped())
	require.Less(t, time.Duration(cam.writer.maxNano.Load()), 100*time.Millisecond, "Stream.Write must not block")

	// Open the gate: the slow viewer drains what it had queued, then resumes on a keyframe.
	drain(slow)
	opened := time.Now()
	g.release()
	deadline := time.Now().Add(15 * time.Second)
	resumed := false
	for !resumed {
		require.True(t, time.Now().Before(deadline), "the slow viewer never resumed on a keyframe")
		f := slow.next(t, 10*time.Second)
		resumed = f.at.After(opened) && f.keyframe()
	}
	require.True(t, slow.next(t, 5*time.Second).at.After(opened), "frames keep coming after the resync")
}

func drain(v *viewer) {
	for {
		select {
		case <-v.frames:
		default:
			return
		}
	}
}
