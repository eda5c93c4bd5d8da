package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// system is a gateway started from a config file, with a simulated camera that
// requires a password and an in-process broker.
type system struct {
	t      *testing.T
	path   string
	cams   *simcam.Server
	broker *kfake.Cluster
	gw     *Gateway
	reg    *prometheus.Registry
	logs   *syncBuffer
	base   string
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const secret = "S3cr3t-pw"

func (s *system) writeConfig(body string) {
	s.t.Helper()
	doc := fmt.Sprintf("http: {listen: 127.0.0.1:0}\nkafka: {brokers: [%s]}\ndata_dir: %s\n%s%s",
		s.broker.ListenAddrs()[0], filepath.Join(filepath.Dir(s.path), "data"), testAuthYAML, body)
	require.NoError(s.t, os.WriteFile(s.path, []byte(doc), 0o600))
}

// camURL carries the camera's credentials: rtsp://admin:<secret>@host:port/cam.
func (s *system) camURL() string {
	u := s.cams.URL("cam")
	require.Contains(s.t, u, secret)
	return u
}

func startSystem(t *testing.T, body func(s *system) string) *system {
	t.Helper()
	clip := synth.ForTest(t, "tripwire-basic")
	s := &system{t: t, path: filepath.Join(t.TempDir(), "sharpeyes.yaml"), logs: &syncBuffer{}}
	s.cams = simcam.New(simcam.Config{User: "admin", Pass: secret})
	require.NoError(t, s.cams.AddClip("cam", clip.Path, float64(clip.FPS)))
	require.NoError(t, s.cams.Start())
	t.Cleanup(s.cams.Close)
	var err error
	s.broker, err = kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "sharpeyes.alerts", "sharpeyes.alert-updates"))
	require.NoError(t, err)
	t.Cleanup(s.broker.Close)
	s.writeConfig(body(s))
	cfg, err := conf.Load(s.path, conf.ModeServe)
	require.NoError(t, err)
	s.reg = prometheus.NewRegistry()
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.gw, err = New(cfg, Options{ConfigPath: s.path, Logger: log, Registry: s.reg})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.gw.Close()) })
	s.base = "http://" + s.gw.HTTPAddr()
	return s
}

func (s *system) get(path string) (int, string) {
	s.t.Helper()
	return s.do(testAdminToken, http.MethodGet, path, "")
}

// do sends a request with token as bearer ("" for none) and returns the answer.
func (s *system) do(token, method, path, body string) (int, string) {
	s.t.Helper()
	code, _, b := doRequest(s.t, token, method, s.base+path, body, nil)
	return code, b
}

func (s *system) state(id string) string {
	for _, c := range s.gw.Cameras() {
		if c.ID == id {
			return c.State
		}
	}
	return "absent"
}

func oneCamera(s *system) string {
	return fmt.Sprintf(`cameras:
  - {id: cam-1, name: 河渡路口, url: "%s"}
rules:
  - {id: fence-1, name: 围栏, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, s.camURL())
}

// TestHTTPAndSecrets: the probes and metrics answer, the camera list shows state
// but never the URL, and the RTSP password appears in no log line, metric or answer.
func TestHTTPAndSecrets(t *testing.T) {
	s := startSystem(t, oneCamera)
	require.Eventually(t, func() bool { return s.state("cam-1") == "online" }, 20*time.Second, 50*time.Millisecond, "camera: %+v\n%s", s.gw.Cameras(), s.logs)
	code, body := s.get("/healthz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok\n", body)
	require.Eventually(t, func() bool { code, _ := s.get("/readyz"); return code == http.StatusOK }, 10*time.Second, 50*time.Millisecond)
	_, body = s.get("/readyz")
	require.Contains(t, body, `"kafka": "ok"`)
	require.Contains(t, body, `"cameras_online": "1"`)

	code, body = s.get("/api/v1/cameras")
	require.Equal(t, http.StatusOK, code)
	var cams []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &cams))
	require.Len(t, cams, 1)
	require.Equal(t, "online", cams[0]["state"])
	require.NotContains(t, body, "rtsp://")

	require.Eventually(t, func() bool {
		_, m := s.get("/metrics")
		return strings.Contains(m, `sharpeyes_frames_analysed_total{camera="cam-1"}`)
	}, 20*time.Second, 100*time.Millisecond)
	_, metrics := s.get("/metrics")
	for _, series := range []string{
		"sharpeyes_camera_state", "sharpeyes_frames_received_total", "sharpeyes_frames_decoded_total",
		"sharpeyes_decode_errors_total", "sharpeyes_analysis_duration_seconds", "sharpeyes_alerts_queue_length",
		"sharpeyes_alerts_dropped_total", "sharpeyes_alerts_kafka_errors_total", "sharpeyes_config_last_reload_successful",
		"sharpeyes_stream_reader_dropped_total",
	} {
		require.Contains(t, metrics, series)
	}
	for _, text := range []string{body, metrics, s.logs.String()} {
		require.NotContains(t, text, secret)
	}
}

// TestReload follows the valid → invalid → valid sequence for the file's settings:
// a bad file keeps the running configuration and sets the reload metric to 0. The
// catalog (cameras, rules) lives in the database once seeded: the file no longer
// changes it; the API adds a camera and edits a rule in place without reconnecting
// the existing camera, and deleting a camera's last rule stops pulling it.
func TestReload(t *testing.T) {
	s := startSystem(t, oneCamera)
	require.Eventually(t, func() bool { return s.state("cam-1") == "online" }, 20*time.Second, 50*time.Millisecond)
	success := func() float64 { return gaugeValue(t, s.reg, "sharpeyes_config_last_reload_successful") }
	require.Equal(t, 1.0, success())

	s.writeConfig("log: {level: loud}\n" + oneCamera(s))
	err := s.gw.Reload(context.Background())
	require.ErrorContains(t, err, "log.level")
	require.Equal(t, 0.0, success())
	require.Equal(t, "online", s.state("cam-1"), "the running configuration stays")

	// A file without cameras reloads fine and changes no camera: the database holds them.
	s.writeConfig("log: {level: debug}\n")
	code, body := postReload(t, s.base)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, 1.0, success())
	require.Equal(t, "online", s.state("cam-1"))
	require.Equal(t, "debug", s.gw.Config().Log.Level)

	code, body = s.do(testAdminToken, http.MethodPost, "/api/v1/cameras", fmt.Sprintf(`{"id":"cam-2","name":"新增","url":%q}`, s.camURL()))
	require.Equal(t, http.StatusCreated, code, body)
	require.NotContains(t, body, secret, "answers never carry the password")
	code, body = s.do(testAuthorToken, http.MethodPut, "/api/v1/rules/fence-1",
		`{"id":"fence-1","name":"围栏（改）","camera":"cam-1","type":"tripwire","line":[[0,0.5],[1,0.5]],"direction":"a_to_b"}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"version":2`)
	code, body = s.do(testAuthorToken, http.MethodPost, "/api/v1/rules",
		`{"id":"fence-2","name":"新围栏","camera":"cam-2","type":"tripwire","line":[[0.5,0],[0.5,1]]}`)
	require.Equal(t, http.StatusCreated, code, body)
	require.Eventually(t, func() bool { return s.state("cam-2") == "online" }, 20*time.Second, 50*time.Millisecond)
	cams := s.gw.Cameras()
	require.Equal(t, "online", cams[0].State)
	require.Zero(t, cams[0].Reconnects, "a rule edit does not touch the camera's RTSP session")

	// Deleting every rule of a camera stops pulling it.
	code, body = s.do(testAuthorToken, http.MethodDelete, "/api/v1/rules/fence-1", "")
	require.Equal(t, http.StatusNoContent, code, body)
	require.Equal(t, "idle", s.state("cam-1"))
	require.Equal(t, "online", s.state("cam-2"))

	// A restart keeps what the API did, whatever the file says.
	require.NoError(t, s.gw.Close())
	cfg, err := conf.Load(s.path, conf.ModeServe)
	require.NoError(t, err)
	s.gw, err = New(cfg, Options{ConfigPath: s.path, Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	require.NoError(t, err)
	var ids []string
	for _, c := range s.gw.Cameras() {
		ids = append(ids, c.ID)
	}
	require.Equal(t, []string{"cam-1", "cam-2"}, ids)
	_, err = ruleOf(s.gw.Config(), "fence-1")
	require.ErrorIs(t, err, errUnknownRule, "the deleted rule stays deleted")
	r, err := ruleOf(s.gw.Config(), "fence-2")
	require.NoError(t, err)
	require.Equal(t, "新围栏", r.Name)
}

func postReload(t *testing.T, base string) (int, string) {
	code, _, b := doRequest(t, testAdminToken, http.MethodPost, base+"/-/reload", "", nil)
	return code, b
}

func gaugeValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestBadModelRefused: an ONNX file OpenCV cannot load is refused up front, in a
// child process, with a message naming the field; the gateway process survives.
func TestBadModelRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.onnx")
	require.NoError(t, os.WriteFile(bad, []byte("this is not an onnx model"), 0o600))
	doc := fmt.Sprintf(`
http: {listen: 127.0.0.1:0}
data_dir: %s
detector: {kind: onnx, model: {path: %s, format: yolox}}
cameras:
  - {id: cam-1, url: rtsp://127.0.0.1:1/x}
rules:
  - {id: r, name: r, camera: cam-1, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, dir, bad)
	cfg, err := conf.Parse([]byte(doc), conf.ModeServe)
	require.NoError(t, err)
	_, err = New(cfg, Options{Registry: prometheus.NewRegistry(), Logger: slog.New(slog.DiscardHandler)})
	require.Error(t, err)
	require.Contains(t, err.Error(), "detector.model.path")
	require.Contains(t, err.Error(), "broken.onnx")
}
