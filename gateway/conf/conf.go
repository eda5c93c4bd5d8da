// Package conf holds the gateway configuration: its types, defaults, loading from YAML
// with strict keys, environment overrides and validation that names the field.
package conf

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"
	// Time zones for camera schedules even where the system has no zoneinfo.
	_ "time/tzdata"

	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

// Config is the whole gateway configuration.
type Config struct {
	HTTP      HTTP      `yaml:"http"`
	Kafka     Kafka     `yaml:"kafka"`
	DataDir   string    `yaml:"data_dir"`
	Log       Log       `yaml:"log"`
	Snapshots Snapshots `yaml:"snapshots"`
	Detector  Detector  `yaml:"detector"`
	// AnalysisThreads is how many threads one OpenCV call may use (its internal
	// parallel loops), for the whole process; 0 means one per CPU. Default 1:
	// cameras already analyse in parallel, one goroutine each, and OpenCV's worker
	// threads spend 10–60% more CPU on the same work (docs/BENCHMARKS.md). Raise it
	// for a few cameras on a heavy ONNX model, where latency matters more.
	AnalysisThreads int  `yaml:"analysis_threads"`
	Live            Live `yaml:"live"`
	// DryRunWindow is how much recent track history each analysed camera keeps so
	// a rule can be tried over it (POST /api/v1/rules/dry-run); 0 keeps none.
	DryRunWindow Duration `yaml:"dry_run_window"`
	Auth         Auth     `yaml:"auth"`
	// AlertHandling configures stored alerts and their handling workflow.
	AlertHandling AlertHandling `yaml:"alert_handling"`
	Database      Database      `yaml:"database"`
	// Plates configures plate reading for plate rules and plate records.
	Plates Plates `yaml:"plates"`
	// Grids, Cameras and Rules seed an empty database; afterwards the database
	// (changed through the API) is what runs, and these are ignored.
	Grids   []Grid       `yaml:"grids"`
	Cameras []Camera     `yaml:"cameras"`
	Rules   []rules.Rule `yaml:"rules"`
}

// HTTP configures the control API, /metrics and snapshot serving.
type HTTP struct {
	Listen string `yaml:"listen"`
	// PublicURL is the base of the URLs put in alerts (snapshot_url), as receivers
	// reach the gateway. Default: http:// and the address the listener bound.
	PublicURL string `yaml:"public_url"`
}

// Kafka configures alert delivery.
type Kafka struct {
	Brokers  []string `yaml:"brokers"`
	Topic    string   `yaml:"topic"`
	ClientID string   `yaml:"client_id"`
	// QueueMaxMessages bounds the on-disk queue; when full the oldest alert is dropped.
	QueueMaxMessages int      `yaml:"queue_max_messages"`
	QueueMaxBytes    int64    `yaml:"queue_max_bytes"`
	WriteTimeout     Duration `yaml:"write_timeout"`
	// AutoCreateTopic asks the broker to create the topic if it is missing (the
	// broker must allow it); default true.
	AutoCreateTopic *bool `yaml:"auto_create_topic"`
}

// Live configures live view: the WebRTC relay and the web viewer.
type Live struct {
	// IdleTimeout is how long a camera that no rule analyses keeps being pulled after
	// its last viewer left (a viewer coming back within it starts at once).
	IdleTimeout Duration `yaml:"idle_timeout"`
	WebRTC      WebRTC   `yaml:"webrtc"`
	UI          UI       `yaml:"ui"`
}

// WebRTC configures the WHEP relay's network side.
type WebRTC struct {
	// UDPListen is one UDP address for all ICE traffic (e.g. ":8189"), easy to open in
	// a firewall; empty uses an ephemeral port per session.
	UDPListen string `yaml:"udp_listen"`
	// NAT1To1IPs are public addresses to advertise when the gateway sits behind 1:1 NAT.
	NAT1To1IPs []string `yaml:"nat_1to1_ips"`
	// ICEServers are STUN/TURN servers handed to browsers and used by the relay.
	ICEServers []ICEServer `yaml:"ice_servers"`
	// QueueSize is each viewer's queue in access units; a viewer that falls behind
	// drops to the next keyframe.
	QueueSize int `yaml:"queue_size"`
}

// ICEServer is a STUN or TURN server.
type ICEServer struct {
	URLs       []string `yaml:"urls"`
	Username   string   `yaml:"username"`
	Credential string   `yaml:"credential"`
}

// UI configures the embedded web viewer.
type UI struct {
	Title string `yaml:"title"`
	// TileURL is an optional map tile template ({z}/{x}/{y}), e.g. an offline tile
	// server or 天地图; without it the map draws the grid polygons alone.
	TileURL         string `yaml:"tile_url"`
	TileAttribution string `yaml:"tile_attribution"`
	// TourDwell is how long the one-key tour (轮巡) stays on each camera.
	TourDwell Duration `yaml:"tour_dwell"`
	// Dir serves the viewer from this directory instead of the embedded copy
	// (front-end development).
	Dir string `yaml:"dir"`
}

// Log configures structured logging.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // text | json
}

// Snapshots configures the alert snapshot store.
type Snapshots struct {
	Retention Duration `yaml:"retention"`
	MaxBytes  int64    `yaml:"max_bytes"`
	Quality   int      `yaml:"quality"`
}

// Grid is one node of the district's grid tree.
type Grid struct {
	Code   string `yaml:"code"`
	Name   string `yaml:"name"`
	Level  string `yaml:"level"`
	Parent string `yaml:"parent"`
	// Polygon in WGS-84 [lon, lat] pairs.
	Polygon [][2]float64 `yaml:"polygon"`
}

// Location is a WGS-84 position.
type Location struct {
	Lat float64 `yaml:"lat" json:"lat"`
	Lon float64 `yaml:"lon" json:"lon"`
}

// Camera is one camera point.
type Camera struct {
	ID        string    `yaml:"id"`
	Name      string    `yaml:"name"`
	URL       SecretURL `yaml:"url"`
	SubURL    SecretURL `yaml:"sub_url"`
	Transport string    `yaml:"transport"` // auto | tcp | udp
	// Grid is the code of the camera's grid; when empty, the most specific grid
	// whose polygon contains Location.
	Grid     string    `yaml:"grid"`
	Location *Location `yaml:"location"`
	// TimeZone is the IANA zone rule schedules are read in (default Asia/Shanghai).
	TimeZone string   `yaml:"timezone"`
	Enabled  *bool    `yaml:"enabled"`
	Analysis Analysis `yaml:"analysis"`
}

// DefaultTimeZone is a camera's time zone when it names none.
const DefaultTimeZone = "Asia/Shanghai"

// Zone returns the camera's time zone (validated when the config loaded; UTC
// if it cannot be found).
func (c *Camera) Zone() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// IsEnabled reports whether the camera is pulled at all (default true).
func (c *Camera) IsEnabled() bool { return c.Enabled == nil || *c.Enabled }

// Analysis configures the per-camera analytics pipeline.
type Analysis struct {
	FPS   float64 `yaml:"fps"`
	Width int     `yaml:"width"`
	// Detector overrides the gateway-wide detector for this camera.
	Detector *Detector `yaml:"detector"`
}

// Detector selects and tunes the object detector.
type Detector struct {
	// Kind: motion (background subtraction, class "object"), hog (OpenCV's people
	// detector), people (motion regions confirmed by HOG: no model needed), onnx.
	Kind   string      `yaml:"kind"`
	Model  Model       `yaml:"model"`
	Motion MotionConf  `yaml:"motion"`
	Track  TrackerConf `yaml:"tracker"`
}

// Model configures an ONNX detector loaded through OpenCV DNN.
type Model struct {
	Path           string  `yaml:"path"`
	Format         string  `yaml:"format"` // yolox | nanodet
	InputSize      int     `yaml:"input_size"`
	ScoreThreshold float64 `yaml:"score_threshold"`
	NMSThreshold   float64 `yaml:"nms_threshold"`
	// Classes maps model class ids to product classes; default COCO person,
	// bicycle, car, motorcycle, bus, truck.
	Classes map[int]string `yaml:"classes"`
}

// MotionConf tunes the background-subtraction detector.
type MotionConf struct {
	// MinArea is the smallest blob kept, as a fraction of the frame area; 0 takes
	// the detector's default.
	MinArea float64 `yaml:"min_area"`
	// Masks are normalized polygons where motion is ignored.
	Masks [][][2]float64 `yaml:"masks"`
	// Width is the width background subtraction works at (frames are scaled down
	// to it); 0 takes the detector's default (320), -1 keeps the analysis width.
	Width int `yaml:"width"`
	// Background is the background model: median (a running median of the
	// grey picture with a learnt per-pixel spread, shadows removed on colour) or
	// mog2 (OpenCV's Gaussian mixture, shadows removed, about twice the cost);
	// "" takes the detector's default (median).
	Background string `yaml:"background"`
}

// TrackerConf tunes the multi-object tracker.
type TrackerConf struct {
	MaxCoast Duration `yaml:"max_coast"`
	MinHits  int      `yaml:"min_hits"`
}

// Mode says what the configuration is loaded for: serve needs camera URLs; analyze
// (offline clips) does not.
type Mode int

// Load modes.
const (
	ModeServe Mode = iota
	ModeAnalyze
)

// Load reads a configuration file: defaults, then the YAML, then environment
// overrides, then validation.
func Load(path string, mode Mode) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(b, mode)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse parses and validates a configuration document (environment overrides included).
func Parse(b []byte, mode Mode) (*Config, error) {
	c := Default()
	if len(bytes.TrimSpace(b)) > 0 {
		var root yaml.Node
		if err := yaml.Unmarshal(b, &root); err != nil {
			return nil, fmt.Errorf("invalid YAML: %s", cleanYAMLError(err))
		}
		if err := decodeStrict(&root, reflect.ValueOf(c).Elem(), ""); err != nil {
			return nil, err
		}
	}
	if err := c.applyEnv(os.LookupEnv); err != nil {
		return nil, err
	}
	c.fillDefaults()
	if err := c.Validate(mode); err != nil {
		return nil, err
	}
	return c, nil
}

// Default returns the built-in defaults.
func Default() *Config {
	return &Config{
		HTTP: HTTP{Listen: "127.0.0.1:8080"},
		Kafka: Kafka{
			Brokers: []string{"127.0.0.1:9092"}, Topic: "sharpeyes.alerts", ClientID: "sharpeyes",
			QueueMaxMessages: 100000, QueueMaxBytes: 512 << 20, WriteTimeout: Duration(10e9),
		},
		DataDir:         "data",
		Log:             Log{Level: "info", Format: "text"},
		Snapshots:       Snapshots{Retention: Duration(7 * 24 * 3600e9), MaxBytes: 2 << 30, Quality: 80},
		AnalysisThreads: 1,
		DryRunWindow:    Duration(60e9),
		Auth:            Auth{SessionTTL: Duration(12 * time.Hour)},
		AlertHandling: AlertHandling{
			UpdatesTopic: "sharpeyes.alert-updates",
			Deadlines: map[int]Duration{1: Duration(15 * time.Minute), 2: Duration(time.Hour),
				3: Duration(4 * time.Hour), 4: Duration(24 * time.Hour)},
			Retention: Duration(90 * 24 * time.Hour),
		},
		Live: Live{
			IdleTimeout: Duration(15e9),
			WebRTC:      WebRTC{QueueSize: 256},
			UI:          UI{Title: "锐眼 Sharp Eyes", TourDwell: Duration(10e9)},
		},
		Plates: defaultPlates(),
		Detector: Detector{
			Kind:  "people",
			Model: Model{Format: "yolox", InputSize: 416, ScoreThreshold: 0.3, NMSThreshold: 0.45},
			Track: TrackerConf{MaxCoast: Duration(1.5e9), MinHits: 2},
		},
	}
}

// fillDefaults completes per-camera values that default to gateway-wide ones.
func (c *Config) fillDefaults() {
	c.HTTP.PublicURL = strings.TrimRight(c.HTTP.PublicURL, "/")
	for i := range c.Cameras {
		cam := &c.Cameras[i]
		if cam.Name == "" {
			cam.Name = cam.ID
		}
		if cam.Transport == "" {
			cam.Transport = "auto"
		}
		if cam.TimeZone == "" {
			cam.TimeZone = DefaultTimeZone
		}
		if cam.Analysis.FPS == 0 {
			cam.Analysis.FPS = 5
		}
		if cam.Analysis.Width == 0 {
			cam.Analysis.Width = 640
		}
		if cam.Grid == "" && cam.Location != nil {
			cam.Grid = c.gridAt(cam.Location.Lon, cam.Location.Lat)
		}
	}
}

// gridAt returns the code of the most specific grid (the longest code) whose
// polygon contains the point, or "" when none does.
func (c *Config) gridAt(lon, lat float64) string {
	best := ""
	for _, g := range c.Grids {
		if len(g.Code) > len(best) && inPolygon(lon, lat, g.Polygon) {
			best = g.Code
		}
	}
	return best
}

// inPolygon is the even-odd test of (x, y) against a [x, y] ring.
func inPolygon(x, y float64, poly [][2]float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// DetectorFor returns the detector settings of a camera: its own, or the gateway's.
// Fields the camera leaves unset take the gateway's values.
func (c *Config) DetectorFor(cam *Camera) Detector {
	d := c.Detector
	o := cam.Analysis.Detector
	if o == nil {
		return d
	}
	if o.Kind != "" {
		d.Kind = o.Kind
	}
	if o.Model.Path != "" {
		d.Model.Path = o.Model.Path
	}
	if o.Model.Format != "" {
		d.Model.Format = o.Model.Format
	}
	if o.Model.InputSize != 0 {
		d.Model.InputSize = o.Model.InputSize
	}
	if o.Model.ScoreThreshold != 0 {
		d.Model.ScoreThreshold = o.Model.ScoreThreshold
	}
	if o.Model.NMSThreshold != 0 {
		d.Model.NMSThreshold = o.Model.NMSThreshold
	}
	if o.Model.Classes != nil {
		d.Model.Classes = o.Model.Classes
	}
	if o.Motion.MinArea != 0 {
		d.Motion.MinArea = o.Motion.MinArea
	}
	if o.Motion.Masks != nil {
		d.Motion.Masks = o.Motion.Masks
	}
	if o.Motion.Width != 0 {
		d.Motion.Width = o.Motion.Width
	}
	if o.Motion.Background != "" {
		d.Motion.Background = o.Motion.Background
	}
	if o.Track.MaxCoast != 0 {
		d.Track.MaxCoast = o.Track.MaxCoast
	}
	if o.Track.MinHits != 0 {
		d.Track.MinHits = o.Track.MinHits
	}
	return d
}

// Camera returns the camera with the given id, or nil.
func (c *Config) Camera(id string) *Camera {
	for i := range c.Cameras {
		if c.Cameras[i].ID == id {
			return &c.Cameras[i]
		}
	}
	return nil
}

// Grid returns the grid with the given code, or nil.
func (c *Config) Grid(code string) *Grid {
	for i := range c.Grids {
		if c.Grids[i].Code == code {
			return &c.Grids[i]
		}
	}
	return nil
}

// RulesFor returns the rules of one camera.
func (c *Config) RulesFor(cameraID string) []rules.Rule {
	var out []rules.Rule
	for _, r := range c.Rules {
		if r.Camera == cameraID {
			out = append(out, r)
		}
	}
	return out
}
