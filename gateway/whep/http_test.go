package whep

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// realOffer returns a complete offer from a real pion peer (closed again at the end).
func realOffer(t *testing.T, kind webrtc.RTPCodecType, withH264 bool) string {
	t.Helper()
	var pc *webrtc.PeerConnection
	if withH264 {
		pc = newViewerPC(t)
	} else {
		m := &webrtc.MediaEngine{}
		require.NoError(t, m.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			PayloadType:        96,
		}, webrtc.RTPCodecTypeVideo))
		require.NoError(t, m.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
			PayloadType:        111,
		}, webrtc.RTPCodecTypeAudio))
		var err error
		pc, err = webrtc.NewAPI(webrtc.WithMediaEngine(m)).NewPeerConnection(webrtc.Configuration{})
		require.NoError(t, err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	_, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	require.NoError(t, err)
	offer, err := pc.CreateOffer(nil)
	require.NoError(t, err)
	return offer.SDP
}

func TestHTTPErrors(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	t.Cleanup(stream.Close)
	ts := newTestServer(t, nil)
	h264 := &testSource{stream: stream}
	h265 := &testSource{stream: stream, codec: unit.CodecH265}
	ts.src.set("cam1", h264)
	ts.src.set("cam265", h265)
	good := realOffer(t, webrtc.RTPCodecTypeVideo, true)

	cases := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		hdr         []string
		status      int
		msg         string
	}{
		{"unknown camera", "POST", "/api/v1/cameras/nope/whep", "application/sdp", good, nil, 404, "not found"},
		{"wrong content type", "POST", "/api/v1/cameras/cam1/whep", "text/plain", good, nil, 415, "application/sdp"},
		{"no content type", "POST", "/api/v1/cameras/cam1/whep", "", good, nil, 415, "application/sdp"},
		{"body too big", "POST", "/api/v1/cameras/cam1/whep", "application/sdp", strings.Repeat("a", 65<<10), nil, 413, "larger"},
		{"garbage SDP", "POST", "/api/v1/cameras/cam1/whep", "application/sdp", "hello, world", nil, 400, "bad SDP offer"},
		{"audio only", "POST", "/api/v1/cameras/cam1/whep", "application/sdp", realOffer(t, webrtc.RTPCodecTypeAudio, false), nil, 406, "H.264"},
		{"VP8 only", "POST", "/api/v1/cameras/cam1/whep", "application/sdp", realOffer(t, webrtc.RTPCodecTypeVideo, false), nil, 406, "H.264"},
		{"bad stream", "POST", "/api/v1/cameras/cam1/whep?stream=hd", "application/sdp", good, nil, 400, "stream"},
		{"unknown sub stream", "POST", "/api/v1/cameras/cam1/whep?stream=sub", "application/sdp", good, nil, 404, "not found"},
		{"h265 camera", "POST", "/api/v1/cameras/cam265/whep", "application/sdp", good, nil, 422, "camera codec h265 is not playable over WebRTC by browsers"},
		{"GET offer", "GET", "/api/v1/cameras/cam1/whep", "", "", nil, 405, ""},
		{"PATCH unknown session", "PATCH", "/api/v1/whep/sessions/nope", "application/trickle-ice-sdpfrag", "a=end-of-candidates\r\n", nil, 404, "not found"},
		{"PATCH wrong type", "PATCH", "/api/v1/whep/sessions/nope", "application/sdp", "", nil, 415, "trickle-ice-sdpfrag"},
		{"PATCH bad frag", "PATCH", "/api/v1/whep/sessions/nope", "application/trickle-ice-sdpfrag", "a=candidate:x\r\n", nil, 400, "trickle"},
		{"DELETE unknown session", "DELETE", "/api/v1/whep/sessions/nope", "", "", nil, 404, "not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, tc.method, ts.url+tc.path, tc.contentType, tc.body, tc.hdr...)
			require.Equal(t, tc.status, resp.StatusCode, body)
			require.Contains(t, body, tc.msg)
		})
	}
	require.Empty(t, ts.srv.Sessions())
	require.Equal(t, int32(1), h265.released.Load(), "a refused lookup is released")
	require.Equal(t, int32(0), h264.released.Load())
}

func TestOptionsAndHeaders(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.CORSAllowOrigin = "*"
		c.ICEServers = []ICEServer{
			{URLs: []string{"stun:stun.example.net:3478"}},
			{URLs: []string{"turn:turn.example.net?transport=udp"}, Username: "u", Credential: `p"w`},
		}
	})
	resp, _ := do(t, http.MethodOptions, ts.offerURL("cam1"), "", "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "Location")
	require.Equal(t, []string{
		`<stun:stun.example.net:3478>; rel="ice-server"`,
		`<turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="p\"w"; credential-type="password"`,
	}, resp.Header.Values("Link"))

	resp, _ = do(t, http.MethodOptions, ts.url+SessionPathPrefix+"x", "", "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, "application/trickle-ice-sdpfrag", resp.Header.Get("Accept-Patch"))

	_, err := NewServer(Config{Lookup: ts.src.lookup, ICEServers: []ICEServer{{URLs: []string{"http://x"}}}})
	require.ErrorContains(t, err, "stun:")
	_, err = NewServer(Config{})
	require.ErrorContains(t, err, "Lookup")
}

// DELETE ends the session: the viewer sees its connection close, Release runs once, and a
// second DELETE or a PATCH finds nothing.
func TestDeleteEndsSession(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	t.Cleanup(stream.Close)
	stream.Write(synthUnit(true, 0))
	ts := newTestServer(t, nil)
	src := &testSource{stream: stream}
	ts.src.set("cam1", src)
	v := connectViewer(t, ts, "cam1", viewerOpts{})
	v.waitState(t, 10*time.Second, webrtc.PeerConnectionStateConnected)
	require.True(t, v.next(t, 5*time.Second).keyframe())

	// Wrong ETag on PATCH: 412.
	resp, body := do(t, http.MethodPatch, ts.url+v.location, "application/trickle-ice-sdpfrag",
		"a=end-of-candidates\r\n", "If-Match", `"other"`)
	require.Equal(t, http.StatusPreconditionFailed, resp.StatusCode, body)
	// ICE restart (new credentials): 422.
	resp, body = do(t, http.MethodPatch, ts.url+v.location, "application/trickle-ice-sdpfrag",
		"a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n", "If-Match", v.etag)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)

	resp, body = do(t, http.MethodDelete, ts.url+v.location, "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	v.waitState(t, 10*time.Second, webrtc.PeerConnectionStateClosed)
	require.Empty(t, ts.srv.Sessions())
	require.Equal(t, int32(1), src.released.Load())

	resp, _ = do(t, http.MethodDelete, ts.url+v.location, "", "")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = do(t, http.MethodPatch, ts.url+v.location, "application/trickle-ice-sdpfrag", "a=end-of-candidates\r\n")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, int32(1), src.released.Load())
}

// A viewer that offers without candidates and PATCHes them afterwards connects. The test
// removes the server's candidates from the answer, so only the PATCH can make ICE meet.
func TestTrickleICE(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	t.Cleanup(stream.Close)
	stream.Write(synthUnit(true, 0))
	ts := newTestServer(t, nil)
	ts.src.set("cam1", &testSource{stream: stream})
	v := connectViewer(t, ts, "cam1", viewerOpts{trickle: true})
	v.waitState(t, 15*time.Second, webrtc.PeerConnectionStateConnected)
	require.Equal(t, []byte{7, 8, 5}, v.next(t, 5*time.Second).types)
}

// Close ends open sessions (their viewers see the close, Release runs) and refuses new ones.
func TestServerCloseEndsSessions(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	t.Cleanup(stream.Close)
	stream.Write(synthUnit(true, 0))
	ts := newTestServer(t, nil)
	src := &testSource{stream: stream}
	ts.src.set("cam1", src)
	v1 := connectViewer(t, ts, "cam1", viewerOpts{})
	v2 := connectViewer(t, ts, "cam1", viewerOpts{})
	require.True(t, v1.next(t, 10*time.Second).keyframe())
	require.True(t, v2.next(t, 10*time.Second).keyframe())

	ts.srv.Close()
	require.Empty(t, ts.srv.Sessions())
	require.Equal(t, int32(2), src.released.Load())
	v1.waitState(t, 10*time.Second, webrtc.PeerConnectionStateClosed)
	v2.waitState(t, 10*time.Second, webrtc.PeerConnectionStateClosed)

	resp, body := do(t, http.MethodPost, ts.offerURL("cam1"), "application/sdp", realOffer(t, webrtc.RTPCodecTypeVideo, true))
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
	ts.srv.Close() // idempotent
}

// A viewer that never completes ICE is dropped after ConnectTimeout; so is one whose source
// ends (the camera removed).
func TestSessionTimeoutsAndSourceEnd(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	stream.Write(synthUnit(true, 0))
	ts := newTestServer(t, func(c *Config) { c.ConnectTimeout = 500 * time.Millisecond })
	src := &testSource{stream: stream}
	ts.src.set("cam1", src)

	// The offer comes from a peer that will never apply the answer.
	resp, body := do(t, http.MethodPost, ts.offerURL("cam1"), "application/sdp", gatheredOffer(t))
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	require.Len(t, ts.srv.Sessions(), 1)
	require.False(t, ts.srv.Sessions()[0].Connected)
	require.Eventually(t, func() bool { return len(ts.srv.Sessions()) == 0 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, int32(1), src.released.Load())

	// The stream closes under a playing viewer.
	v := connectViewer(t, ts, "cam1", viewerOpts{})
	require.True(t, v.next(t, 10*time.Second).keyframe())
	stream.Close()
	v.waitState(t, 10*time.Second, webrtc.PeerConnectionStateClosed)
	require.Eventually(t, func() bool { return len(ts.srv.Sessions()) == 0 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, int32(2), src.released.Load())
}

// gatheredOffer returns a complete offer whose peer is closed at the end of the test.
func gatheredOffer(t *testing.T) string {
	t.Helper()
	pc := newViewerPC(t)
	t.Cleanup(func() { _ = pc.Close() })
	_, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo,
		webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	require.NoError(t, err)
	offer, err := pc.CreateOffer(nil)
	require.NoError(t, err)
	require.NoError(t, pc.SetLocalDescription(offer))
	<-webrtc.GatheringCompletePromise(pc)
	return pc.LocalDescription().SDP
}
