package gateway

import (
	"fmt"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/analytics/track"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/platecap"
	"github.com/sharpeyes/sharpeyes/rules"
)

// ruleRunner turns one camera's analysed frames into alert documents: it converts
// tracks into rule observations, runs the rules evaluator and builds the alerts.
// Both the live camera worker and offline analysis use it. Its methods are safe for
// concurrent use: the analysis goroutine calls process while reloads call setRules.
type ruleRunner struct {
	mu      sync.Mutex
	eval    *rules.Evaluator
	ac      alertContext
	updates map[string]int // update messages sent per open event, for message ids
	now     func() time.Time
	loc     *time.Location // the camera's time zone, for schedules
	// recent are the latest observations, for dry runs (nil keeps none).
	recent *obsRing
}

func newRuleRunner(cfg *conf.Config, cam *conf.Camera, now func() time.Time) *ruleRunner {
	r := &ruleRunner{
		eval:    rules.NewEvaluator(cam.ID, cfg.RulesFor(cam.ID)),
		ac:      newAlertContext(cfg, cam),
		updates: map[string]int{},
		now:     now,
	}
	r.loc = cam.Zone()
	r.eval.SetLocation(r.loc)
	return r
}

// keepRecent makes the runner remember its latest n observations for dry runs.
func (r *ruleRunner) keepRecent(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recent = newObsRing(n)
}

// setRules swaps in a new rule set (and camera metadata), carrying the state of
// rules that persist; it returns the alerts that closing removed rules produced.
func (r *ruleRunner) setRules(cfg *conf.Config, cam *conf.Camera) []Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	// Build ends with the old context, which still knows the removed rules' names.
	evs := r.eval.SetRules(cfg.RulesFor(cam.ID))
	r.loc = cam.Zone()
	r.eval.SetLocation(r.loc)
	out := r.alertsLocked(evs, "")
	r.ac = newAlertContext(cfg, cam)
	return out
}

// hasEnabledRules reports whether any rule needs the camera analysed.
func (r *ruleRunner) hasEnabledRules() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rl := range r.ac.rules {
		if rl.Enabled {
			return true
		}
	}
	return false
}

// process evaluates one analysed frame. snapshot is called at most once, only when
// the frame produced alerts, and returns the snapshot URL ("" for none).
func (r *ruleRunner) process(res *pipeline.Result, snapshot func() string) []Alert {
	return r.observeWith(observation(res.Frame.CaptureTime, res.Tracks), snapshot)
}

// observe evaluates one observation without a snapshot.
func (r *ruleRunner) observe(obs rules.Observation) []Alert { return r.observeWith(obs, nil) }

func (r *ruleRunner) observeWith(obs rules.Observation, snapshot func() string) []Alert {
	r.mu.Lock()
	evs := r.eval.Update(obs)
	r.recent.add(obs)
	r.mu.Unlock()
	if len(evs) == 0 {
		return nil
	}
	url := ""
	if snapshot != nil {
		url = snapshot()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.alertsLocked(evs, url)
}

// finish ends every open event at time t, as when a clip is over: an empty frame
// ends what absence ends at once, and what would wait for a clear_duration (an
// open gathering) is closed at t too. The runner evaluates nothing afterwards.
func (r *ruleRunner) finish(t time.Time) []Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := r.eval.Update(rules.Observation{Time: t})
	evs = append(evs, r.eval.SetRules(nil)...)
	return r.alertsLocked(evs, "")
}

func (r *ruleRunner) alertsLocked(evs []rules.Event, url string) []Alert {
	out := make([]Alert, 0, len(evs))
	now := r.now()
	for _, ev := range evs {
		msgID := ev.EventID + ":" + string(ev.Action)
		switch ev.Action {
		case rules.ActionUpdate:
			r.updates[ev.EventID]++
			msgID = fmt.Sprintf("%s:%d", msgID, r.updates[ev.EventID])
		case rules.ActionEnd:
			delete(r.updates, ev.EventID)
		}
		a := r.ac.buildAlert(ev, msgID, now, url)
		out = append(out, a)
	}
	return out
}

// plateAlerts builds the alerts of plate captures; images saves a capture's
// scene and crop and returns their URLs (nil: none).
func (r *ruleRunner) plateAlerts(caps []platecap.Capture, images func(platecap.Capture) (scene, crop string)) []Alert {
	out := make([]Alert, 0, len(caps))
	for _, c := range caps {
		scene, crop := "", ""
		if images != nil {
			scene, crop = images(c)
		}
		r.mu.Lock()
		out = append(out, r.ac.buildPlateAlert(c, r.now(), scene, crop))
		r.mu.Unlock()
	}
	return out
}

// observation converts tracker output into a rules observation.
func observation(t time.Time, tracks []track.Track) rules.Observation {
	obs := rules.Observation{Time: t, Objects: make([]rules.Object, 0, len(tracks))}
	for _, tk := range tracks {
		obs.Objects = append(obs.Objects, rules.Object{
			TrackID: tk.ID, Class: tk.Class, Score: tk.Score,
			Box:  rules.Box{X1: tk.Box.X1, Y1: tk.Box.Y1, X2: tk.Box.X2, Y2: tk.Box.Y2},
			Foot: rules.Point{X: tk.Foot.X, Y: tk.Foot.Y},
		})
	}
	return obs
}
