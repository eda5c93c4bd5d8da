// Package demo runs the whole system in one process on embedded defaults: a
// Kafka-protocol broker (franz-go's kfake), simulated RTSP cameras looping the
// clips of testvideos/, and the gateway with an example grid, camera and rule set.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sharpeyes/sharpeyes/gateway"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
)

//go:embed demo.yaml
var demoYAML string

// Options configure the demo.
type Options struct {
	ClipsDir    string
	HTTPListen  string
	KafkaListen string
	RTSPListen  string
	DataDir     string
	Logger      *slog.Logger
}

// DefaultOptions are the addresses the README promises.
func DefaultOptions() Options {
	return Options{
		ClipsDir: "testvideos/data", HTTPListen: "127.0.0.1:8080", KafkaListen: "127.0.0.1:9092",
		RTSPListen: "127.0.0.1:8554", DataDir: "data/demo",
	}
}

// System is a running demo. Start builds it; Close stops it.
type System struct {
	Broker  *kfake.Cluster
	Cameras *simcam.Server
	Gateway *gateway.Gateway
	Config  *conf.Config
}

// Run starts the demo, prints where everything is, and waits for ctx.
func Run(ctx context.Context, o Options, out io.Writer) error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	s, err := Start(o)
	if err != nil {
		return err
	}
	defer s.Close()
	printBanner(out, s)
	<-ctx.Done()
	fmt.Fprintln(out, "demo: stopping")
	return nil
}

// Start brings up the broker, the simulated cameras and the gateway.
func Start(o Options) (_ *System, err error) {
	s := &System{}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	clips, err := findClips(o.ClipsDir)
	if err != nil {
		return nil, err
	}
	s.Cameras = simcam.New(simcam.Config{Listen: o.RTSPListen, Logger: o.Logger.With("component", "simcam")})
	for name, c := range clips {
		if err := s.Cameras.AddClip(name, c.file, c.fps); err != nil {
			return nil, fmt.Errorf("simulated camera %s: %w", name, err)
		}
	}
	if err := s.Cameras.Start(); err != nil {
		return nil, fmt.Errorf("simulated cameras: %w", err)
	}
	// Cameras whose clip is missing stay configured and show as offline.
	cfg, err := demoConfig(o, s.Cameras.Addr())
	if err != nil {
		return nil, err
	}
	if s.Broker, err = startBroker(o.KafkaListen, cfg.Kafka.Topic, cfg.AlertHandling.UpdatesTopic); err != nil {
		return nil, err
	}
	cfg.Kafka.Brokers = s.Broker.ListenAddrs()
	s.Config = cfg
	s.Gateway, err = gateway.New(cfg, gateway.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the gateway, then the cameras and the broker.
func (s *System) Close() {
	if s.Gateway != nil {
		s.Gateway.Close()
	}
	if s.Cameras != nil {
		s.Cameras.Close()
	}
	if s.Broker != nil {
		s.Broker.Close()
	}
}

func demoConfig(o Options, rtspAddr string) (*conf.Config, error) {
	doc := strings.ReplaceAll(demoYAML, "{{RTSP}}", rtspAddr)
	cfg, err := conf.Parse([]byte(doc), conf.ModeServe)
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	cfg.HTTP.Listen = o.HTTPListen
	cfg.DataDir = o.DataDir
	return cfg, nil
}

func startBroker(listen, topic, updatesTopic string) (*kfake.Cluster, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("--kafka %q: %w", listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("--kafka %q: bad port", listen)
	}
	c, err := kfake.NewCluster(kfake.Ports(p), kfake.ListenFn(func(network, _ string) (net.Listener, error) {
		return net.Listen(network, net.JoinHostPort(host, port))
	}), kfake.SeedTopics(1, topic, updatesTopic), kfake.AllowAutoTopicCreation())
	if err != nil {
		return nil, fmt.Errorf("embedded kafka broker on %s: %w", listen, err)
	}
	return c, nil
}

type clipFile struct {
	file string
	fps  float64
}

// findClips lists <name>.h264 clips that have a <name>.clip.json sidecar.
func findClips(dir string) (map[string]clipFile, error) {
	metas, err := filepath.Glob(filepath.Join(dir, "*.clip.json"))
	if err != nil {
		return nil, err
	}
	clips := map[string]clipFile{}
	for _, m := range metas {
		b, err := os.ReadFile(m)
		if err != nil {
			return nil, err
		}
		var meta struct {
			FPS float64 `json:"fps"`
		}
		if err := json.Unmarshal(b, &meta); err != nil || meta.FPS <= 0 {
			return nil, fmt.Errorf("clip sidecar %s: want JSON with a positive fps", m)
		}
		name := strings.TrimSuffix(filepath.Base(m), ".clip.json")
		file := strings.TrimSuffix(m, ".clip.json") + ".h264"
		if _, err := os.Stat(file); err != nil {
			continue
		}
		clips[name] = clipFile{file: file, fps: meta.FPS}
	}
	if len(clips) == 0 {
		return nil, fmt.Errorf("no clips in %s: run `make demo`, or generate them with `go run ./testvideos/cmd/gensynth -scene tripwire-basic -out %s`", dir, dir)
	}
	return clips, nil
}

func printBanner(w io.Writer, s *System) {
	g := s.Gateway
	http := "http://" + g.HTTPAddr()
	fmt.Fprintf(w, `
Sharp Eyes demo is running.

  Web viewer      %s/   (grid map, live video wall, alert feed; 中文 / English)
  Gateway API     %s/api/v1/cameras   %s/api/v1/grids
  Live alerts     %s/api/v1/events/stream   (Server-Sent Events)
  Metrics         %s/metrics
  Health          %s/healthz   %s/readyz
  Kafka broker    %s  (topic %s)
  Cameras (RTSP)  %s
`, http, http, http, http, http, http, http, strings.Join(s.Broker.ListenAddrs(), ","), s.Config.Kafka.Topic, s.Cameras.Addr())
	for _, c := range s.Config.Cameras {
		fmt.Fprintf(w, "                  %-11s %s  %s\n", c.ID, c.URL.String(), c.Name)
	}
	fmt.Fprintf(w, `
Logins (demo passwords; every API call needs one, or an API token):
  管理员 admin      admin    / demo-admin-2026      cameras, grids, users, audit, everything
  规则配置员 author  author   / demo-author-2026     draw and save e-fence rules (#/rules)
  值班员 operator    operator / demo-operator-2026   alert queue: accept, dispatch, close (#/alerts)
  值班员 (河渡社区)  hedu     / demo-hedu-2026       the same, limited to 河渡社区's cameras
  查看员 viewer      viewer   / demo-viewer-2026     map and live video only
  API (log in, then send the token):
    TOKEN=$(curl -s -d '{"username":"admin","password":"demo-admin-2026"}' %s/api/v1/auth/login | sed 's/.*"token": *"\([^"]*\)".*/\1/')
    curl -H "Authorization: Bearer $TOKEN" %s/api/v1/rules

Watch alerts (they start within a minute):
  kcat -b %s -C -t %s
  kcat -b %s -C -t %s   (handling steps)
Stop with Ctrl-C.
`, http, http, strings.Join(s.Broker.ListenAddrs(), ","), s.Config.Kafka.Topic,
		strings.Join(s.Broker.ListenAddrs(), ","), s.Config.AlertHandling.UpdatesTopic)
}
