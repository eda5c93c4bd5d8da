package whep

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/streams/unit"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// ---- sources -------------------------------------------------------------------------

// testSource is a Source over a streams.Stream that records its lifecycle. queueSize, when
// set, overrides the server's ring size; gate, when set, blocks Next while it is closed.
type testSource struct {
	stream    *streams.Stream
	codec     unit.Codec
	queueSize int
	gate      *gate

	released atomic.Int32
	mu       sync.Mutex
	readers  []*streams.Reader
}

func (s *testSource) CameraID() string  { return s.stream.CameraID() }
func (s *testSource) Codec() unit.Codec { return s.codec }
func (s *testSource) Release()          { s.released.Add(1) }

func (s *testSource) NewReader(queueSize int) Reader {
	if s.queueSize > 0 {
		queueSize = s.queueSize
	}
	r := s.stream.AddReader(ReaderKind, queueSize, true)
	s.mu.Lock()
	s.readers = append(s.readers, r)
	s.mu.Unlock()
	if s.gate != nil {
		return &gatedReader{Reader: r, gate: s.gate}
	}
	return r
}

func (s *testSource) reader(t *testing.T) *streams.Reader {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.readers)
	return s.readers[len(s.readers)-1]
}

// gate is the slow-viewer seam: while shut, the viewer's send loop stops taking units, so
// its ring overflows exactly as with a viewer whose network cannot keep up.
type gate struct {
	mu   sync.Mutex
	open chan struct{}
}

func newGate(open bool) *gate {
	g := &gate{open: make(chan struct{})}
	if open {
		close(g.open)
	}
	return g
}

func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	ch := g.open
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// shut closes an open gate.
func (g *gate) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.open:
		g.open = make(chan struct{})
	default:
	}
}

type gatedReader struct {
	*streams.Reader
	gate *gate
}

func (r *gatedReader) Next(ctx context.Context) (*unit.AccessUnit, error) {
	if err := r.gate.wait(ctx); err != nil {
		return nil, err
	}
	return r.Reader.Next(ctx)
}

// Len hides the inner ring's backlog, which is stale while the gate is shut.
func (r *gatedReader) Len() int { return r.Reader.Len() }

// sources maps "camera" or "camera/stream" to a Source for Config.Lookup.
type sources struct {
	mu sync.Mutex
	m  map[string]Source
}

func (s *sources) set(key string, src Source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]Source)
	}
	s.m[key] = src
}

func (s *sources) lookup(_ context.Context, req Request) (Source, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := req.CameraID
	if req.Stream != "" {
		key += "/" + req.Stream
	}
	if src, ok := s.m[key]; ok {
		return src, nil
	}
	return nil, ErrNotFound
}

// ---- camera: simcam → rtspsource.Supervisor → timedWriter → Stream ---------------------

// timedWriter measures how long Stream.Write takes and counts units.
type timedWriter struct {
	stream  *streams.Stream
	units   atomic.Int64
	maxNano atomic.Int64
}

func (w *timedWriter) Write(u *unit.AccessUnit) {
	start := time.Now()
	w.stream.Write(u)
	d := int64(time.Since(start))
	for {
		old := w.maxNano.Load()
		if d <= old || w.maxNano.CompareAndSwap(old, d) {
			break
		}
	}
	w.units.Add(1)
}

type camera struct {
	sim    *simcam.Server
	sup    *rtspsource.Supervisor
	stream *streams.Stream
	writer *timedWriter
}

// startCamera serves a synthetic clip (640x360, 10 fps, keyframe every 2 s) over real RTSP
// and pulls it into a Stream, waiting until units flow.
func startCamera(t *testing.T, id string) *camera {
	t.Helper()
	clip := synth.ForTest(t, synth.SceneTripwireBasic)
	sim := simcam.New(simcam.Config{Listen: "127.0.0.1:0", DisableUDP: true})
	require.NoError(t, sim.AddClip("cam", clip.Path, float64(clip.FPS)))
	require.NoError(t, sim.Start())
	t.Cleanup(sim.Close)

	stream := streams.NewStream(id, nil)
	t.Cleanup(stream.Close)
	w := &timedWriter{stream: stream}
	sup := &rtspsource.Supervisor{
		CameraID: id,
		Settings: rtspsource.Settings{URL: sim.URL("cam"), Transport: rtspsource.TransportTCP},
		Writer:   w,
		Backoff:  rtspsource.Backoff{Min: 100 * time.Millisecond, Max: 200 * time.Millisecond},
		Logger:   discardLogger(),
	}
	sup.Start(context.Background())
	t.Cleanup(sup.Close)
	require.Eventually(t, func() bool { return w.units.Load() > 0 }, 20*time.Second, 10*time.Millisecond,
		"the camera never delivered a unit")
	return &camera{sim: sim, sup: sup, stream: stream, writer: w}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// ---- WHEP server under test ------------------------------------------------------------

type testServer struct {
	srv *Server
	reg *prometheus.Registry
	url string
	src *sources
}

func newTestServer(t *testing.T, mod func(*Config)) *testServer {
	t.Helper()
	src := &sources{}
	reg := prometheus.NewRegistry()
	cfg := Config{
		Lookup:          src.lookup,
		IncludeLoopback: true,
		Registerer:      reg,
		Logger:          discardLogger(),
		ConnectTimeout:  20 * time.Second,
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := NewServer(cfg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	h := NewHandler(srv)
	mux.Handle(OfferPattern, h)
	mux.Handle(SessionPattern, h)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &testServer{srv: srv, reg: reg, url: hs.URL, src: src}
}

func (ts *testServer) offerURL(camera string) string {
	return ts.url + "/api/v1/cameras/" + camera + "/whep"
}

// do sends one request and returns the response with its body read.
func do(t *testing.T, method, url, contentType, body string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// ---- viewer: a real pion peer --------------------------------------------------------

// frame is one access unit as the viewer reassembled it.
type frame struct {
	ts    uint32
	types []byte // NAL unit types in order
	at    time.Time
}

func (f frame) keyframe() bool { return bytes.Contains(f.types, []byte{naluTypeIDR}) }

type viewer struct {
	pc       *webrtc.PeerConnection
	location string
	etag     string

	frames chan frame // buffered; frames beyond it are counted in overflow
	states chan webrtc.PeerConnectionState
	count  atomic.Int64
	wg     sync.WaitGroup
}

type viewerOpts struct {
	stream  string // ?stream=
	trickle bool   // POST the offer without candidates, PATCH them afterwards
}

func newViewerPC(t *testing.T) *webrtc.PeerConnection {
	t.Helper()
	m := &webrtc.MediaEngine{}
	require.NoError(t, m.RegisterDefaultCodecs())
	reg := &interceptor.Registry{}
	require.NoError(t, webrtc.ConfigureNack(m, reg))
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	require.NoError(t, err)
	return pc
}

// connectViewer offers to ts for camera and starts reassembling frames. It fails the test
// unless the POST answers 201.
func connectViewer(t *testing.T, ts *testServer, camera string, o viewerOpts) *viewer {
	t.Helper()
	v := &viewer{
		pc:     newViewerPC(t),
		frames: make(chan frame, 4096),
		states: make(chan webrtc.PeerConnectionState, 64),
	}
	t.Cleanup(func() {
		_ = v.pc.Close()
		v.wg.Wait()
	})
	v.pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		select {
		case v.states <- s:
		default:
		}
	})
	v.pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		v.wg.Add(1)
		go func() {
			defer v.wg.Done()
			v.readTrack(tr)
		}()
	})
	_, err := v.pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo,
		webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	require.NoError(t, err)

	var (
		candMu sync.Mutex
		cands  []string
		done   = make(chan struct{})
	)
	v.pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			close(done)
			return
		}
		candMu.Lock()
		cands = append(cands, c.ToJSON().Candidate)
		candMu.Unlock()
	})
	offer, err := v.pc.CreateOffer(nil)
	require.NoError(t, err)
	require.NoError(t, v.pc.SetLocalDescription(offer))
	sdp := offer.SDP // no candidates yet
	if !o.trickle {
		<-webrtc.GatheringCompletePromise(v.pc)
		sdp = v.pc.LocalDescription().SDP
	}

	url := ts.offerURL(camera)
	if o.stream != "" {
		url += "?stream=" + o.stream
	}
	resp, body := do(t, http.MethodPost, url, "application/sdp", sdp)
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	require.Equal(t, "application/sdp", resp.Header.Get("Content-Type"))
	v.location = resp.Header.Get("Location")
	v.etag = resp.Header.Get("ETag")
	require.True(t, strings.HasPrefix(v.location, SessionPathPrefix), v.location)

	answer := body
	if o.trickle {
		// Keep the server's candidates from the viewer: only the PATCHed candidates can
		// then let the two meet (the viewer learns the server as peer-reflexive).
		answer = stripCandidates(body)
	}
	require.NoError(t, v.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}))

	if o.trickle {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("viewer ICE gathering did not finish")
		}
		candMu.Lock()
		frag := &sdpFrag{
			ICEUfrag: ufragOf(t, offer.SDP),
			ICEPwd:   pwdOf(t, offer.SDP),
			Media:    []fragMedia{{Line: "video 9 UDP/TLS/RTP/SAVPF 0", MID: "0", Candidates: cands, EndOfCandidates: true}},
		}
		candMu.Unlock()
		resp, body := do(t, http.MethodPatch, ts.url+v.location, "application/trickle-ice-sdpfrag", frag.marshal(),
			"If-Match", v.etag)
		require.Equal(t, http.StatusNoContent, resp.StatusCode, body)
	}
	return v
}

func stripCandidates(sdp string) string {
	var out []string
	for _, l := range strings.Split(sdp, "\r\n") {
		if !strings.HasPrefix(l, "a=candidate:") && l != "a=end-of-candidates" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\r\n")
}

func sdpAttr(t *testing.T, sdp, name string) string {
	t.Helper()
	for _, l := range strings.Split(sdp, "\r\n") {
		if v, ok := strings.CutPrefix(l, "a="+name+":"); ok {
			return v
		}
	}
	t.Fatalf("no a=%s in SDP", name)
	return ""
}

func ufragOf(t *testing.T, sdp string) string { return sdpAttr(t, sdp, "ice-ufrag") }
func pwdOf(t *testing.T, sdp string) string   { return sdpAttr(t, sdp, "ice-pwd") }

// readTrack reassembles access units: packets of one timestamp up to the marker bit,
// depacketised with pion's H.264 depacketizer. A frame with a sequence gap is dropped.
func (v *viewer) readTrack(tr *webrtc.TrackRemote) {
	var (
		depack  codecs.H264Packet
		annexB  []byte
		curTS   uint32
		lastSeq uint16
		have    bool
		broken  bool
	)
	for {
		pkt, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		if have && pkt.SequenceNumber != lastSeq+1 {
			broken = true
		}
		if !have || pkt.Timestamp != curTS {
			if have && len(annexB) > 0 {
				broken = true // previous frame never saw its marker
			}
			curTS, annexB = pkt.Timestamp, annexB[:0]
			if have && pkt.SequenceNumber == lastSeq+1 {
				broken = false
			}
		}
		have, lastSeq = true, pkt.SequenceNumber
		if out, err := depack.Unmarshal(pkt.Payload); err == nil {
			annexB = append(annexB, out...)
		}
		if pkt.Marker {
			if !broken && len(annexB) > 0 {
				v.deliver(frame{ts: pkt.Timestamp, types: naluTypes(annexB), at: time.Now()})
			}
			annexB, broken = annexB[:0], false
		}
	}
}

func (v *viewer) deliver(f frame) {
	v.count.Add(1)
	select {
	case v.frames <- f:
	default:
	}
}

// naluTypes lists the NAL unit types of an Annex-B buffer with 4-byte start codes.
func naluTypes(b []byte) []byte {
	var types []byte
	for _, n := range bytes.Split(b, []byte{0, 0, 0, 1}) {
		if len(n) > 0 {
			types = append(types, n[0]&0x1f)
		}
	}
	return types
}

func (v *viewer) next(t *testing.T, within time.Duration) frame {
	t.Helper()
	select {
	case f := <-v.frames:
		return f
	case <-time.After(within):
		t.Fatalf("no frame within %v", within)
		return frame{}
	}
}

// waitState waits until the viewer's connection reaches one of want.
func (v *viewer) waitState(t *testing.T, within time.Duration, want ...webrtc.PeerConnectionState) webrtc.PeerConnectionState {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case s := <-v.states:
			for _, w := range want {
				if s == w {
					return s
				}
			}
		case <-deadline:
			t.Fatalf("viewer never reached %v (now %v)", want, v.pc.ConnectionState())
		}
	}
}

// tsAfter reports whether RTP timestamp a is after b (serial number arithmetic).
func tsAfter(a, b uint32) bool { return int32(a-b) > 0 } //nolint:gosec // intended wrap
