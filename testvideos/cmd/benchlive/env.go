package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sharpeyes/sharpeyes/gateway"
	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// scene is the clip every simulated camera loops (640×360, 10 fps, keyframe every 2 s).
const scene = "tripwire-basic"

// env is the system under test: simulated cameras, a broker and the gateway.
//   - cam-warm (grid 100) is analysed by a rule, so it is always pulled: a viewer
//     starts from its cached GOP.
//   - cam-cold (grid 200) has no rule and live.idle_timeout is 0: every play pulls it
//     from scratch (RTSP connect, then the next keyframe).
type env struct {
	clip    synth.Clip
	cams    *simcam.Server
	broker  *kfake.Cluster
	gw      *gateway.Gateway
	reg     *prometheus.Registry
	dataDir string
	base    string
}

func startEnv(ctx context.Context) (*env, error) {
	sc, err := synth.Builtin(scene)
	if err != nil {
		return nil, err
	}
	e := &env{}
	if e.clip, err = synth.GenerateContext(ctx, sc, ""); err != nil {
		return nil, fmt.Errorf("generate the %s clip: %w", scene, err)
	}
	e.cams = simcam.New(simcam.Config{Listen: "127.0.0.1:0", Logger: benchenv.QuietLogger()})
	if err := e.cams.AddClip("cam", e.clip.Path, float64(e.clip.FPS)); err != nil {
		return nil, err
	}
	if err := e.cams.Start(); err != nil {
		return nil, err
	}
	if e.broker, err = kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(1, "sharpeyes.alerts")); err != nil {
		e.close()
		return nil, err
	}
	if e.dataDir, err = os.MkdirTemp("", "benchlive-"); err != nil {
		e.close()
		return nil, err
	}
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		e.close()
		return nil, err
	}
	doc := fmt.Sprintf(`http: {listen: 127.0.0.1:0}
kafka: {brokers: [%s]}
data_dir: %s
live: {idle_timeout: 0s}
auth:
  users: [{name: %s, role: viewer, password_hash: %q}]
  tokens: [{name: bench-viewers, token: %s, role: viewer}]
grids:
  - {code: "440512100", name: 常开网格, level: street}
  - {code: "440512200", name: 按需网格, level: street}
cameras:
  - {id: cam-warm, name: 常开摄像头, url: "%s", grid: "440512100"}
  - {id: cam-cold, name: 按需摄像头, url: "%s", grid: "440512200"}
rules:
  - {id: fence, name: 围栏, camera: cam-warm, type: tripwire, line: [[0, 0.6], [1, 0.6]]}
`, e.broker.ListenAddrs()[0], filepath.Join(e.dataDir, "data"), benchUser, hash, benchToken, e.cams.URL("cam"), e.cams.URL("cam"))
	cfg, err := conf.Parse([]byte(doc), conf.ModeServe)
	if err != nil {
		e.close()
		return nil, fmt.Errorf("benchmark configuration: %w", err)
	}
	e.reg = prometheus.NewRegistry()
	if e.gw, err = gateway.New(cfg, gateway.Options{Logger: benchenv.QuietLogger(), Registry: e.reg}); err != nil {
		e.close()
		return nil, err
	}
	e.base = "http://" + e.gw.HTTPAddr()
	return e, nil
}

func (e *env) close() {
	if e.gw != nil {
		e.gw.Close()
	}
	if e.broker != nil {
		e.broker.Close()
	}
	if e.cams != nil {
		e.cams.Close()
	}
	if e.dataDir != "" {
		os.RemoveAll(e.dataDir)
	}
}

func (e *env) state(id string) string {
	for _, c := range e.gw.Cameras() {
		if c.ID == id {
			return c.State
		}
	}
	return ""
}

// The benchmark's own credentials: the browser logs in as benchUser, the viewers'
// process sends benchToken.
const (
	benchUser     = "bench"
	benchPassword = "benchlive-password"
	benchToken    = "benchlive-viewers-token-0123456789"
)

// bearer adds the benchmark token to every request.
type bearer struct{}

func (bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+benchToken)
	return http.DefaultTransport.RoundTrip(r)
}
