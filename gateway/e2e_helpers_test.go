package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/sharpeyes/sharpeyes/gateway/alerts"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

const e2eTopic = "sharpeyes.alerts"

// e2eDetector is the detector the end-to-end tests run: the default, no-model one.
var e2eDetector = "people"

// frameLog records when the simulated camera sent each picture of its clip, so
// ground truth given in clip time maps onto the capture times alerts carry.
type frameLog struct {
	mu    sync.Mutex
	loops [][]time.Time // per loop, the capture time of each picture index
}

func (l *frameLog) onFrame(_ string, idx int, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if idx == 0 {
		l.loops = append(l.loops, nil)
	}
	if len(l.loops) == 0 {
		return
	}
	k := len(l.loops) - 1
	l.loops[k] = append(l.loops[k], t)
}

// loop returns the frame times of loop k once it is complete (n frames).
func (l *frameLog) loop(k, n int) ([]time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k >= len(l.loops) || len(l.loops[k]) < n {
		return nil, false
	}
	return append([]time.Time(nil), l.loops[k][:n]...), true
}

// firstLoopAfter returns the first loop that starts after t.
func (l *frameLog) firstLoopAfter(t time.Time) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, ts := range l.loops {
		if len(ts) > 0 && ts[0].After(t) {
			return k, true
		}
	}
	return 0, false
}

// clipTime maps a clip time (seconds, possibly between frames) of loop frames to
// the wall-clock capture time.
func clipTime(frames []time.Time, fps int, t float64) time.Time {
	f := t * float64(fps)
	i := int(f)
	if i >= len(frames)-1 {
		return frames[len(frames)-1]
	}
	frac := f - float64(i)
	return frames[i].Add(time.Duration(frac * float64(frames[i+1].Sub(frames[i]))))
}

// e2e is one running system: simulated camera, broker, gateway and consumer.
type e2e struct {
	t      *testing.T
	clip   synth.Clip
	frames *frameLog
	cams   *simcam.Server
	broker *kfake.Cluster
	bport  int
	gw     *Gateway
	reg    *prometheus.Registry

	mu       sync.Mutex
	received []receivedAlert
	queued   []queuedAlert // alerts the gateway reported queued, in order
	cancel   context.CancelFunc
	done     chan struct{}
}

type receivedAlert struct {
	Alert
	header string
	key    string
	raw    []byte
}

func startE2E(t *testing.T, scene string, rulesYAML string) *e2e {
	t.Helper()
	return startE2EWith(t, e2eSetup{scene: scene, rules: rulesYAML})
}

// e2eSetup is what startE2EWith varies: the clip, the rules, extra top-level
// configuration and the camera's analysis settings.
type e2eSetup struct {
	scene, rules string
	top          string // extra top-level YAML, ending in a newline
	analysis     string // the camera's analysis mapping, e.g. "{fps: 5, width: 1280}"
}

func startE2EWith(t *testing.T, o e2eSetup) *e2e {
	t.Helper()
	scene, rulesYAML := o.scene, o.rules
	analysis := ""
	if o.analysis != "" {
		analysis = ", analysis: " + o.analysis
	}
	e := &e2e{t: t, clip: synth.ForTest(t, scene), frames: &frameLog{}}
	e.cams = simcam.New(simcam.Config{OnFrame: e.frames.onFrame})
	require.NoError(t, e.cams.AddClip("cam", e.clip.Path, float64(e.clip.FPS)))
	require.NoError(t, e.cams.Start())
	t.Cleanup(e.cams.Close)
	e.startBroker(0)
	doc := fmt.Sprintf(`
http: {listen: 127.0.0.1:0}
kafka: {brokers: [%s], topic: %s, write_timeout: 2s}
data_dir: %s
detector: {kind: %s}
%s%sgrids:
  - {code: "440512001002003", name: 第3网格, level: grid}
cameras:
  - {id: cam-1, name: 河渡路口, url: %s, grid: "440512001002003", location: {lat: 23.2871, lon: 116.7305}%s}
rules:
%s`, e.broker.ListenAddrs()[0], e2eTopic, t.TempDir(), e2eDetector, testAuthYAML, o.top, e.cams.URL("cam"), analysis, rulesYAML)
	cfg, err := conf.Parse([]byte(doc), conf.ModeServe)
	require.NoError(t, err)
	e.reg = prometheus.NewRegistry()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e.gw, err = New(cfg, Options{Logger: log, Registry: e.reg, OnAlert: e.onAlert, SinkTuning: func(c *alerts.SinkConfig) {
		c.DialTimeout = time.Second
		c.RetryBackoffMax = time.Second
		c.ProbeInterval = time.Second
	}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.gw.Close()) })
	e.consume()
	return e
}

type queuedAlert struct {
	Alert
	at time.Time
}

func (e *e2e) onAlert(a Alert) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.queued = append(e.queued, queuedAlert{Alert: a, at: time.Now()})
}

func (e *e2e) queuedAlerts() []queuedAlert {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]queuedAlert(nil), e.queued...)
}

func (e *e2e) startBroker(port int) {
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(1, e2eTopic, "sharpeyes.alert-updates")}
	if port != 0 {
		opts = append(opts, kfake.Ports(port))
	}
	c, err := kfake.NewCluster(opts...)
	require.NoError(e.t, err)
	e.t.Cleanup(c.Close)
	e.broker = c
	_, p, _ := net.SplitHostPort(c.ListenAddrs()[0])
	e.bport, _ = strconv.Atoi(p)
}

// consume reads the alert topic of the current broker until stopConsumer.
func (e *e2e) consume() {
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.broker.ListenAddrs()...), kgo.ConsumeTopics(e2eTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	require.NoError(e.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.done = cancel, make(chan struct{})
	go func() {
		defer close(e.done)
		defer cl.Close()
		for ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			fs.EachRecord(func(r *kgo.Record) {
				var a Alert
				if err := json.Unmarshal(r.Value, &a); err != nil {
					e.t.Errorf("alert is not JSON: %v: %s", err, r.Value)
					return
				}
				ra := receivedAlert{Alert: a, key: string(r.Key), raw: r.Value}
				for _, h := range r.Headers {
					if h.Key == alerts.HeaderMessageID {
						ra.header = string(h.Value)
					}
				}
				e.mu.Lock()
				e.received = append(e.received, ra)
				e.mu.Unlock()
			})
		}
	}()
	e.t.Cleanup(e.stopConsumer)
}

func (e *e2e) stopConsumer() {
	if e.cancel != nil {
		e.cancel()
		<-e.done
		e.cancel = nil
	}
}

func (e *e2e) alerts() []receivedAlert {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := append([]receivedAlert(nil), e.received...)
	sort.Slice(out, func(i, j int) bool { return out[i].FrameTime < out[j].FrameTime })
	return out
}

func (e *e2e) camera() string {
	for _, c := range e.gw.Cameras() {
		if c.ID == "cam-1" {
			return c.State
		}
	}
	return ""
}

// waitOnline waits for the camera to come online and returns when it did.
func (e *e2e) waitOnline(d time.Duration) time.Time {
	require.Eventually(e.t, func() bool { return e.camera() == "online" }, d, 50*time.Millisecond, "camera never came online")
	return time.Now()
}

func parseFrameTime(t *testing.T, s string) time.Time {
	ft, err := time.Parse(timeLayout, s)
	require.NoError(t, err, "frame_time %q is not RFC 3339 with ms", s)
	return ft
}

// Tokens of the test configurations (testAuthYAML), one per role.
const (
	testAdminToken    = "test-admin-token-0123456789"
	testAuthorToken   = "test-author-token-0123456789"
	testOperatorToken = "test-operator-token-0123456789"
	testViewerToken   = "test-viewer-token-0123456789"
)

const testAuthYAML = `auth:
  tokens:
    - {name: t-admin, token: ` + testAdminToken + `, role: admin}
    - {name: t-author, token: ` + testAuthorToken + `, role: rule_author}
    - {name: t-operator, token: ` + testOperatorToken + `, role: operator}
    - {name: t-viewer, token: ` + testViewerToken + `, role: viewer}
`

// bearer adds a bearer token to every request.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

// authClient is an HTTP client that authenticates with token.
func authClient(token string) *http.Client { return &http.Client{Transport: bearer(token)} }

// doRequest sends a request (JSON body when not empty; token "" for none) and
// returns the status, headers and body.
func doRequest(t *testing.T, token, method, url, body string, header http.Header) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

// playLoop waits for the first whole loop of the clip that starts after t (up
// to loopWait for it to be sent), then until settle past its end, and returns
// the loop's frame times and its start and end.
func (e *e2e) playLoop(t time.Time, loopWait, settle time.Duration) (frames []time.Time, start, end time.Time) {
	e.t.Helper()
	k := 0
	require.Eventually(e.t, func() bool {
		var ok bool
		k, ok = e.frames.firstLoopAfter(t)
		return ok
	}, 40*time.Second, 100*time.Millisecond)
	n := e.clip.Frames
	require.Eventually(e.t, func() bool {
		var ok bool
		frames, ok = e.frames.loop(k, n)
		return ok
	}, loopWait, 100*time.Millisecond)
	start, end = frames[0], frames[n-1].Add(100*time.Millisecond)
	require.Eventually(e.t, func() bool { return time.Now().After(end.Add(settle)) }, 10*time.Second, 100*time.Millisecond)
	return frames, start, end
}
