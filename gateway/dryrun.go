package gateway

import (
	"errors"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

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
// ruleID and an empty body, the configured rule of that id is tried. Errors: *httpapi.FieldErrors for an invalid
// rule (422), httpapi.ErrNotFound for an unknown rule id (404).
func (g *Gateway) DryRun(ruleID string, body []byte) (httpapi.DryRunResult, error) {
	cfg := g.Config()
	var rule rules.Rule
	switch {
	case len(body) > 0:
		if err := yaml.Unmarshal(body, &rule); err != nil {
			return httpapi.DryRunResult{}, httpapi.FieldErrorsOf(err)
		}
		if ruleID != "" && rule.ID == "" {
			rule.ID = ruleID
		}
	case ruleID != "":
		found := false
		for _, r := range cfg.Rules {
			if r.ID == ruleID {
				rule, found = r, true
			}
		}
		if !found {
			return httpapi.DryRunResult{}, fmt.Errorf("rule %q: %w", ruleID, httpapi.ErrNotFound)
		}
	default:
		return httpapi.DryRunResult{}, httpapi.FieldErrorsOf(errors.New("body: want the rule to try (YAML or JSON)"))
	}
	var errs []error
	if err := rule.Validate(); err != nil {
		errs = append(errs, err)
	}
	g.mu.RLock()
	c := g.cams[rule.Camera]
	g.mu.RUnlock()
	if rule.Camera != "" && (c == nil || cfg.Camera(rule.Camera) == nil) {
		errs = append(errs, &rules.FieldError{Path: "camera", Msg: fmt.Sprintf("unknown or disabled camera %q", rule.Camera)})
	}
	if len(errs) > 0 {
		return httpapi.DryRunResult{}, httpapi.FieldErrorsOf(errors.Join(errs...))
	}
	res := c.rules.dryRun(rule)
	res.Window = cfg.DryRunWindow.D().String()
	return res, nil
}

// recentCapacity is how many observations cover window at fps (at least one).
func recentCapacity(window time.Duration, fps float64) int {
	if window <= 0 || fps <= 0 {
		return 0
	}
	return max(1, int(window.Seconds()*fps+0.5))
}
