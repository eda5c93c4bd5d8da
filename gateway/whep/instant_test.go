package whep

import (
	"bytes"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// synthUnit builds an access unit with NAL headers of the right types; the viewer only
// reassembles, it does not decode. The IDR slice is large enough to need FU-A.
func synthUnit(key bool, pts time.Duration) *unit.AccessUnit {
	u := &unit.AccessUnit{Codec: unit.CodecH264, Keyframe: key, PTS: pts, CaptureTime: time.Now()}
	if key {
		u.NALUs = [][]byte{
			append([]byte{0x67}, bytes.Repeat([]byte{0x42}, 20)...),
			append([]byte{0x68}, bytes.Repeat([]byte{0xce}, 4)...),
			append([]byte{0x65}, bytes.Repeat([]byte{0x88}, 3000)...),
		}
	} else {
		u.NALUs = [][]byte{append([]byte{0x41}, bytes.Repeat([]byte{0x9a}, 700)...)}
	}
	return u
}

// The cached GOP is sent at once 1 ms apart on the viewer's clock, live units follow at
// their real spacing, a camera reconnect (PTS back to zero) keeps the clock moving forward,
// and an H.265 unit ends the session cleanly.
func TestInstantStartTimeline(t *testing.T) {
	stream := streams.NewStream("syn", nil)
	t.Cleanup(stream.Close)
	for i := range 5 {
		stream.Write(synthUnit(i == 0, time.Duration(i)*100*time.Millisecond))
	}
	ts := newTestServer(t, nil)
	src := &testSource{stream: stream}
	ts.src.set("syn", src)
	v := connectViewer(t, ts, "syn", viewerOpts{})

	// The cached GOP: keyframe first, then 1 ms steps.
	first := v.next(t, 10*time.Second)
	require.Equal(t, []byte{7, 8, 5}, first.types)
	prev := first
	for range 4 {
		f := v.next(t, 2*time.Second)
		require.Equal(t, []byte{1}, f.types)
		require.Equal(t, uint32(90), f.ts-prev.ts, "cached units are 1 ms apart")
		prev = f
	}

	// Live: real spacing from the PTS.
	stream.Write(synthUnit(false, 500*time.Millisecond))
	f := v.next(t, 2*time.Second)
	require.Equal(t, uint32(9000), f.ts-prev.ts, "live units keep their 100 ms spacing")
	prev = f

	// The camera reconnects: PTS restarts at zero, the viewer's clock still moves forward.
	stream.Write(synthUnit(true, 0))
	f = v.next(t, 2*time.Second)
	require.True(t, f.keyframe())
	require.True(t, tsAfter(f.ts, prev.ts), "timestamps must keep increasing across a reconnect")
	prev = f
	stream.Write(synthUnit(false, 40*time.Millisecond))
	f = v.next(t, 2*time.Second)
	require.Equal(t, uint32(3600), f.ts-prev.ts)

	require.Equal(t, 1, testutilCount(t, ts))

	// An H.265 unit cannot be relayed: the session ends, once.
	stream.Write(&unit.AccessUnit{Codec: unit.CodecH265, Keyframe: true, NALUs: [][]byte{{0x40, 0x01}}})
	v.waitState(t, 10*time.Second, webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateFailed,
		webrtc.PeerConnectionStateDisconnected)
	require.Eventually(t, func() bool { return len(ts.srv.Sessions()) == 0 }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, int32(1), src.released.Load())
}

func testutilCount(t *testing.T, ts *testServer) int {
	t.Helper()
	mfs, err := ts.reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == "sharpeyes_whep_time_to_first_keyframe_seconds" {
			return int(mf.GetMetric()[0].GetHistogram().GetSampleCount())
		}
	}
	return 0
}
