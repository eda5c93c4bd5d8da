package conf

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"
)

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	gridPattern = regexp.MustCompile(`^[0-9]{6,24}$`)
)

// GridLevels are the accepted grid levels: the administrative tree plus industry grids.
var GridLevels = []string{"district", "street", "community", "grid", "industry", "school", "hospital", "scenic"}

// DetectorKinds are the accepted detector kinds.
var DetectorKinds = []string{"motion", "hog", "people", "onnx"}

// MotionBackgrounds are the accepted detector.motion.background values ("" takes
// the detector's default).
var MotionBackgrounds = []string{"mog2", "median"}

// Validate checks the whole configuration; the first problem found is returned as a
// *FieldError naming its field.
func (c *Config) Validate(mode Mode) error {
	for _, check := range []func(Mode) error{c.validateTop, c.validateGrids, c.validateCameras, c.validateRules, c.validateAuth, c.validateAlertHandling, c.validatePlates} {
		if err := check(mode); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateTop(mode Mode) error {
	if mode == ModeServe {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			return &FieldError{Path: "http.listen", Msg: fmt.Sprintf("want host:port, got %q", c.HTTP.Listen)}
		}
		if len(c.Kafka.Brokers) == 0 {
			return &FieldError{Path: "kafka.brokers", Msg: "at least one broker is required"}
		}
		for i, b := range c.Kafka.Brokers {
			if _, _, err := net.SplitHostPort(b); err != nil {
				return &FieldError{Path: fmt.Sprintf("kafka.brokers[%d]", i), Msg: fmt.Sprintf("want host:port, got %q", b)}
			}
		}
	}
	if c.Kafka.Topic == "" {
		return &FieldError{Path: "kafka.topic", Msg: "must not be empty"}
	}
	if c.Kafka.QueueMaxMessages < 1 {
		return &FieldError{Path: "kafka.queue_max_messages", Msg: "must be at least 1"}
	}
	if c.Kafka.QueueMaxBytes < 1<<20 {
		return &FieldError{Path: "kafka.queue_max_bytes", Msg: "must be at least 1048576"}
	}
	if c.DataDir == "" {
		return &FieldError{Path: "data_dir", Msg: "must not be empty"}
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		return &FieldError{Path: "log.level", Msg: fmt.Sprintf("unknown level %q (debug, info, warn, error)", c.Log.Level)}
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		return &FieldError{Path: "log.format", Msg: fmt.Sprintf("unknown format %q (text, json)", c.Log.Format)}
	}
	if c.Snapshots.Retention < 0 {
		return &FieldError{Path: "snapshots.retention", Msg: "must not be negative"}
	}
	if c.Snapshots.Quality < 1 || c.Snapshots.Quality > 100 {
		return &FieldError{Path: "snapshots.quality", Msg: "must be 1–100"}
	}
	if c.AnalysisThreads < 0 || c.AnalysisThreads > 256 {
		return &FieldError{Path: "analysis_threads", Msg: "must be 0 (one per CPU) to 256"}
	}
	if c.DryRunWindow < 0 || c.DryRunWindow > Duration(10*time.Minute) {
		return &FieldError{Path: "dry_run_window", Msg: "must be 0 (off) to 10m"}
	}
	if err := c.Live.validate(); err != nil {
		return err
	}
	return c.Detector.validate("detector")
}

func (d *Detector) validate(path string) error {
	if !slices.Contains(DetectorKinds, d.Kind) {
		return &FieldError{Path: path + ".kind", Msg: fmt.Sprintf("unknown detector %q (%s)", d.Kind, strings.Join(DetectorKinds, ", "))}
	}
	if d.Kind == "onnx" {
		if d.Model.Path == "" {
			return &FieldError{Path: path + ".model.path", Msg: "required for the onnx detector"}
		}
		if !slices.Contains([]string{"yolox", "nanodet"}, d.Model.Format) {
			return &FieldError{Path: path + ".model.format", Msg: fmt.Sprintf("unknown format %q (yolox, nanodet)", d.Model.Format)}
		}
	}
	if d.Model.InputSize != 0 && (d.Model.InputSize%32 != 0 || d.Model.InputSize < 64 || d.Model.InputSize > 1280) {
		return &FieldError{Path: path + ".model.input_size", Msg: "must be a multiple of 32 between 64 and 1280"}
	}
	if d.Model.ScoreThreshold < 0 || d.Model.ScoreThreshold >= 1 {
		return &FieldError{Path: path + ".model.score_threshold", Msg: "must be in [0, 1)"}
	}
	if d.Model.NMSThreshold < 0 || d.Model.NMSThreshold > 1 {
		return &FieldError{Path: path + ".model.nms_threshold", Msg: "must be in [0, 1]"}
	}
	for id, name := range d.Model.Classes {
		if id < 0 || name == "" {
			return &FieldError{Path: fmt.Sprintf("%s.model.classes.%d", path, id), Msg: "class ids are ≥ 0 and names non-empty"}
		}
	}
	if d.Motion.MinArea < 0 || d.Motion.MinArea >= 1 {
		return &FieldError{Path: path + ".motion.min_area", Msg: "must be a fraction of the frame in [0, 1)"}
	}
	if d.Motion.Width < -1 || (d.Motion.Width > 0 && d.Motion.Width < 64) {
		return &FieldError{Path: path + ".motion.width", Msg: "must be 0 (default), -1 (analysis width) or at least 64 pixels"}
	}
	if d.Motion.Background != "" && !slices.Contains(MotionBackgrounds, d.Motion.Background) {
		return &FieldError{Path: path + ".motion.background", Msg: fmt.Sprintf("unknown background model %q (%s)",
			d.Motion.Background, strings.Join(MotionBackgrounds, ", "))}
	}
	for i, m := range d.Motion.Masks {
		if err := checkNormPolygon(m); err != nil {
			return &FieldError{Path: fmt.Sprintf("%s.motion.masks[%d]", path, i), Msg: err.Error()}
		}
	}
	if d.Track.MaxCoast < 0 {
		return &FieldError{Path: path + ".tracker.max_coast", Msg: "must not be negative"}
	}
	if d.Track.MinHits < 0 {
		return &FieldError{Path: path + ".tracker.min_hits", Msg: "must not be negative"}
	}
	return nil
}

func checkNormPolygon(p [][2]float64) error {
	if len(p) < 3 {
		return fmt.Errorf("a polygon needs at least 3 points")
	}
	for _, pt := range p {
		if pt[0] < 0 || pt[0] > 1 || pt[1] < 0 || pt[1] > 1 {
			return fmt.Errorf("coordinates are normalized to 0–1, got [%g, %g]", pt[0], pt[1])
		}
	}
	return nil
}

func (c *Config) validateGrids(Mode) error {
	seen := map[string]bool{}
	for i, g := range c.Grids {
		p := fmt.Sprintf("grids[%d]", i)
		if !gridPattern.MatchString(g.Code) {
			return &FieldError{Path: p + ".code", Msg: fmt.Sprintf("want 6–24 digits (division code + 3 per level), got %q", g.Code)}
		}
		if seen[g.Code] {
			return &FieldError{Path: p + ".code", Msg: fmt.Sprintf("duplicate grid code %q", g.Code)}
		}
		seen[g.Code] = true
		if g.Name == "" {
			return &FieldError{Path: p + ".name", Msg: "must not be empty"}
		}
		if !slices.Contains(GridLevels, g.Level) {
			return &FieldError{Path: p + ".level", Msg: fmt.Sprintf("unknown level %q (%s)", g.Level, strings.Join(GridLevels, ", "))}
		}
		if len(g.Polygon) > 0 {
			if len(g.Polygon) < 3 {
				return &FieldError{Path: p + ".polygon", Msg: "a polygon needs at least 3 [lon, lat] points"}
			}
			for j, pt := range g.Polygon {
				if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return &FieldError{Path: fmt.Sprintf("%s.polygon[%d]", p, j), Msg: fmt.Sprintf("not a [lon, lat] pair: [%g, %g]", pt[0], pt[1])}
				}
			}
		}
	}
	for i, g := range c.Grids {
		if g.Parent == "" {
			continue
		}
		if !seen[g.Parent] {
			return &FieldError{Path: fmt.Sprintf("grids[%d].parent", i), Msg: fmt.Sprintf("unknown grid %q", g.Parent)}
		}
		if g.Parent == g.Code {
			return &FieldError{Path: fmt.Sprintf("grids[%d].parent", i), Msg: "a grid cannot be its own parent"}
		}
	}
	return c.checkGridCycles()
}

func (c *Config) checkGridCycles() error {
	parent := map[string]string{}
	for _, g := range c.Grids {
		parent[g.Code] = g.Parent
	}
	for i, g := range c.Grids {
		at := g.Parent
		for steps := 0; at != ""; steps++ {
			if at == g.Code || steps > len(c.Grids) {
				return &FieldError{Path: fmt.Sprintf("grids[%d].parent", i), Msg: "grid parents form a cycle"}
			}
			at = parent[at]
		}
	}
	return nil
}

func (c *Config) validateCameras(mode Mode) error {
	seen := map[string]bool{}
	for i := range c.Cameras {
		cam := &c.Cameras[i]
		p := fmt.Sprintf("cameras[%d]", i)
		if !idPattern.MatchString(cam.ID) {
			return &FieldError{Path: p + ".id", Msg: fmt.Sprintf("want 1–64 letters, digits, '.', '_' or '-', got %q", cam.ID)}
		}
		if seen[cam.ID] {
			return &FieldError{Path: p + ".id", Msg: fmt.Sprintf("duplicate camera id %q", cam.ID)}
		}
		seen[cam.ID] = true
		if mode == ModeServe && cam.URL.IsZero() && cam.IsEnabled() {
			return &FieldError{Path: p + ".url", Msg: "required (rtsp://[user:pass@]host[:port]/path)"}
		}
		if !slices.Contains([]string{"auto", "tcp", "udp"}, cam.Transport) {
			return &FieldError{Path: p + ".transport", Msg: fmt.Sprintf("unknown transport %q (auto, tcp, udp)", cam.Transport)}
		}
		if _, err := time.LoadLocation(cam.TimeZone); err != nil {
			return &FieldError{Path: p + ".timezone", Msg: fmt.Sprintf("unknown time zone %q (an IANA name such as Asia/Shanghai)", cam.TimeZone)}
		}
		if cam.Grid != "" && c.Grid(cam.Grid) == nil {
			return &FieldError{Path: p + ".grid", Msg: fmt.Sprintf("unknown grid %q", cam.Grid)}
		}
		if l := cam.Location; l != nil && (l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180) {
			return &FieldError{Path: p + ".location", Msg: fmt.Sprintf("lat must be in [-90, 90] and lon in [-180, 180], got lat %g lon %g", l.Lat, l.Lon)}
		}
		if cam.Analysis.FPS <= 0 || cam.Analysis.FPS > 30 {
			return &FieldError{Path: p + ".analysis.fps", Msg: fmt.Sprintf("must be in (0, 30], got %g", cam.Analysis.FPS)}
		}
		if cam.Analysis.Width < 160 || cam.Analysis.Width > 3840 || cam.Analysis.Width%2 != 0 {
			return &FieldError{Path: p + ".analysis.width", Msg: fmt.Sprintf("must be an even number of pixels in [160, 3840], got %d", cam.Analysis.Width)}
		}
		if cam.Analysis.Detector != nil {
			d := c.DetectorFor(cam)
			if err := d.validate(p + ".analysis.detector"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Config) validateRules(Mode) error {
	seen := map[string]bool{}
	for i := range c.Rules {
		r := &c.Rules[i]
		p := fmt.Sprintf("rules[%d]", i)
		if seen[r.ID] {
			return &FieldError{Path: p + ".id", Msg: fmt.Sprintf("duplicate rule id %q", r.ID)}
		}
		seen[r.ID] = true
		if r.Camera == "" {
			return &FieldError{Path: p + ".camera", Msg: "required"}
		}
		if c.Camera(r.Camera) == nil {
			return &FieldError{Path: p + ".camera", Msg: fmt.Sprintf("unknown camera %q", r.Camera)}
		}
		if err := r.ValidateAt(p); err != nil {
			return err
		}
	}
	return nil
}

func (l *Live) validate() error {
	if l.IdleTimeout < 0 {
		return &FieldError{Path: "live.idle_timeout", Msg: "must not be negative"}
	}
	if l.WebRTC.UDPListen != "" {
		if _, _, err := net.SplitHostPort(l.WebRTC.UDPListen); err != nil {
			return &FieldError{Path: "live.webrtc.udp_listen", Msg: fmt.Sprintf("want host:port, got %q", l.WebRTC.UDPListen)}
		}
	}
	for i, ip := range l.WebRTC.NAT1To1IPs {
		if net.ParseIP(ip) == nil {
			return &FieldError{Path: fmt.Sprintf("live.webrtc.nat_1to1_ips[%d]", i), Msg: fmt.Sprintf("not an IP address: %q", ip)}
		}
	}
	for i, s := range l.WebRTC.ICEServers {
		if len(s.URLs) == 0 {
			return &FieldError{Path: fmt.Sprintf("live.webrtc.ice_servers[%d].urls", i), Msg: "give at least one stun: or turn: URL"}
		}
		for j, u := range s.URLs {
			if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") && !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
				return &FieldError{Path: fmt.Sprintf("live.webrtc.ice_servers[%d].urls[%d]", i, j), Msg: fmt.Sprintf("want a stun:, stuns:, turn: or turns: URL, got %q", u)}
			}
		}
	}
	if l.WebRTC.QueueSize < 16 || l.WebRTC.QueueSize > 65536 {
		return &FieldError{Path: "live.webrtc.queue_size", Msg: "must be 16–65536 access units"}
	}
	if t := l.UI.TileURL; t != "" && (!strings.Contains(t, "{z}") || !strings.Contains(t, "{x}") || !strings.Contains(t, "{y}")) {
		return &FieldError{Path: "live.ui.tile_url", Msg: fmt.Sprintf("want a template with {z}, {x} and {y}, got %q", t)}
	}
	if l.UI.TourDwell < Duration(time.Second) {
		return &FieldError{Path: "live.ui.tour_dwell", Msg: "must be at least 1s"}
	}
	return nil
}
