package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/rules"
)

// obsRing keeps a camera's latest rule observations for dry runs. Bounded: when
// full, the oldest is overwritten.
type obsRing struct {
	buf  []rules.Observation
	next int
	full bool
}

func newObsRing(n int) *obsRing {
	if n <= 0 {
		return nil
	}
	return &obsRing{buf: make([]rules.Observation, n)}
}

// add keeps o; o.Objects must not be modified afterwards. A nil ring keeps nothing.
func (r *obsRing) add(o rules.Observation) {
	if r == nil {
		return
	}
	r.buf[r.next] = o
	r.next = (r.next + 1) % len(r.buf)
	r.full = r.full || r.next == 0
}

// snapshot returns the kept observations, oldest first (shared Objects, read-only).
func (r *obsRing) snapshot() []rules.Observation {
	if r == nil {
		return nil
	}
	if !r.full {
		return append([]rules.Observation(nil), r.buf[:r.next]...)
	}
	return append(append([]rules.Observation(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

// dryRun evaluates rule, as if it had been in force, over the camera's recent
// observations and returns the alerts it would have raised (without snapshots).
func (r *ruleRunner) dryRun(rule rules.Rule) httpapi.DryRunResult {
	r.mu.Lock()
	obs := r.recent.snapshot()
	ac := r.ac
	loc := r.loc
	r.mu.Unlock()
	ac.rules = map[string]rules.Rule{rule.ID: rule}
	rule.Enabled = true
	ev := rules.NewEvaluator(rule.Camera, []rules.Rule{rule})
	ev.SetLocation(loc)
	res := httpapi.DryRunResult{Camera: rule.Camera, Rule: rule.ID, Frames: len(obs), Alerts: []any{}}
	if len(obs) > 0 {
		res.From, res.To = obs[0].Time.UTC().Format(timeLayout), obs[len(obs)-1].Time.UTC().Format(timeLayout)
	}
	dry := &ruleRunner{eval: ev, ac: ac, updates: map[string]int{}, now: r.now}
	for _, o := range obs {
		for _, a := range dry.alertsLocked(ev.Update(o), "") {
			res.Alerts = append(res.Alerts, a)
		}
	}
	return res
}

// DryRun tries a rule over its camera's recent track history. body is the rule in
// YAML or JSON (the configuration's rule form), already capped by the HTTP API; with
// ruleID and an empty body, the stored rule of that id is tried. Errors:
// *httpapi.FieldErrors for an invalid rule (422), httpapi.ErrNotFound for an unknown
// rule id (404), httpapi.ErrForbidden for a camera outside p's grid (403).
func (g *Gateway) DryRun(p auth.Principal, ruleID string, body []byte) (httpapi.DryRunResult, error) {
	cfg := g.Config()
	rule, err := g.dryRunRule(cfg, p, ruleID, body)
	if err != nil {
		return httpapi.DryRunResult{}, err
	}
	g.mu.RLock()
	c := g.cams[rule.Camera]
	g.mu.RUnlock()
	if c == nil {
		return httpapi.DryRunResult{}, httpapi.FieldErrorsOf(&rules.FieldError{Path: "camera", Msg: fmt.Sprintf("camera %q is disabled: it has no recent tracks (try a clip)", rule.Camera)})
	}
	res := c.rules.dryRun(rule)
	res.Window = cfg.DryRunWindow.D().String()
	return res, nil
}

// dryRunRule resolves the rule a dry run tries: body, or the stored rule ruleID.
func (g *Gateway) dryRunRule(cfg *conf.Config, p auth.Principal, ruleID string, body []byte) (rules.Rule, error) {
	var rule rules.Rule
	switch {
	case len(body) > 0:
		r, err := decodeRuleBody(body, ruleID)
		if err != nil {
			return rule, err
		}
		rule = r
	case ruleID != "":
		r, err := ruleOf(cfg, ruleID)
		if err != nil {
			return rule, fmt.Errorf("rule %q: %w", ruleID, httpapi.ErrNotFound)
		}
		rule = r
	default:
		return rule, httpapi.FieldErrorsOf(errors.New("body: want the rule to try (YAML or JSON)"))
	}
	if rule.ID == "" {
		rule.ID = "dry-run"
	}
	var errs []error
	if err := rule.Validate(); err != nil {
		errs = append(errs, err)
	}
	if rule.Camera != "" && cfg.Camera(rule.Camera) == nil {
		errs = append(errs, &rules.FieldError{Path: "camera", Msg: fmt.Sprintf("unknown camera %q", rule.Camera)})
	}
	if len(errs) > 0 {
		return rule, httpapi.FieldErrorsOf(errors.Join(errs...))
	}
	if !p.InScope(cameraPath(cfg, rule.Camera)) {
		return rule, errForbidden("camera " + rule.Camera)
	}
	return rule, nil
}

// maxClip bounds an uploaded dry-run clip.
const maxClip = 512 << 20

// DryRunClip tries a rule over an uploaded clip, analysed with its camera's
// detector and rate as if the camera had filmed it starting now. One clip runs at
// a time (the analysis is as heavy as a camera); another gets ErrUnavailable.
func (g *Gateway) DryRunClip(ctx context.Context, p auth.Principal, ruleID string, body []byte, clip io.Reader) (httpapi.DryRunResult, error) {
	cfg := g.Config()
	rule, err := g.dryRunRule(cfg, p, ruleID, body)
	if err != nil {
		return httpapi.DryRunResult{}, err
	}
	select {
	case g.clipRun <- struct{}{}:
		defer func() { <-g.clipRun }()
	default:
		return httpapi.DryRunResult{}, fmt.Errorf("another clip dry run is in progress; try again when it ends: %w", httpapi.ErrUnavailable)
	}
	dir := filepath.Join(cfg.DataDir, "tmp")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return httpapi.DryRunResult{}, err
	}
	f, err := os.CreateTemp(dir, "dry-run-*.clip")
	if err != nil {
		return httpapi.DryRunResult{}, err
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, io.LimitReader(clip, maxClip+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return httpapi.DryRunResult{}, fmt.Errorf("clip upload: %w", err)
	case n > maxClip:
		return httpapi.DryRunResult{}, fmt.Errorf("clip over %d MiB: %w", maxClip>>20, httpapi.ErrTooLarge)
	case n == 0:
		return httpapi.DryRunResult{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "clip", Message: "empty file"}}}
	}
	cam := *cfg.Camera(rule.Camera)
	one := cfg.Clone()
	one.Rules = []rules.Rule{rule}
	runner := newRuleRunner(one, &cam, g.opts.Now)
	res := httpapi.DryRunResult{Camera: rule.Camera, Rule: rule.ID, Window: "clip", Alerts: []any{}}
	st, err := runClip(ctx, cfg, &cam, runner, f.Name(), g.opts.Now(), g.log, func(as []Alert) {
		for _, a := range as {
			res.Alerts = append(res.Alerts, a)
		}
	})
	if err != nil {
		return httpapi.DryRunResult{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "clip", Message: err.Error()}}}
	}
	res.Frames = st.analysed
	if !st.first.IsZero() {
		res.From, res.To = st.first.UTC().Format(timeLayout), st.last.UTC().Format(timeLayout)
	}
	return res, nil
}

// recentCapacity is how many observations cover window at fps (at least one).
func recentCapacity(window time.Duration, fps float64) int {
	if window <= 0 || fps <= 0 {
		return 0
	}
	return max(1, int(window.Seconds()*fps+0.5))
}
