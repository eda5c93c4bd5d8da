package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/store"
	"github.com/sharpeyes/sharpeyes/rules"
)

// The catalog is the set of grids, cameras and rules. The database holds it; the
// running configuration holds the same entities, decoded and validated. A change
// through the API is validated against a copy of the running configuration with the
// change made, written to the database, then applied camera by camera: a rule edit
// is in force when the call returns, the camera's RTSP session untouched.

// errForbidden is returned for objects outside the caller's grid scope.
func errForbidden(what string) error {
	return fmt.Errorf("%s: %w", what, httpapi.ErrForbidden)
}

// storeErr maps the database's errors onto the API's.
func storeErr(err error) error {
	var fe *store.FieldError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: fe.Field, Message: fe.Message}}}
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w (%w)", err, httpapi.ErrNotFound)
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("%w (%w)", err, httpapi.ErrConflict)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("%w (%w)", err, httpapi.ErrPrecondition)
	}
	return err
}

// change edits a copy of the running configuration, validates it, persists it with
// write and applies it. index names the entity edited (e.g. "cameras[3]") so that
// validation errors about it are reported relative to it ("analysis.fps").
func (g *Gateway) change(edit func(c *conf.Config) (index string, err error), write func(ctx context.Context) error) error {
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	if g.isClosed() {
		return errors.New("gateway closed")
	}
	next := g.Config().Clone()
	index, err := edit(next)
	if err != nil {
		return err
	}
	if err := next.Finish(conf.ModeServe); err != nil {
		return relativeFieldErrors(err, index)
	}
	// Only a camera change can bring a model file in (vetting one takes a child
	// process): rule saves stay fast.
	if strings.HasPrefix(index, "cameras[") {
		if err := checkModels(context.Background(), next); err != nil {
			return relativeFieldErrors(err, index)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := write(ctx); err != nil {
		return storeErr(err)
	}
	g.applyLocked(next)
	return nil
}

// relativeFieldErrors turns validation errors into a 422 answer; paths inside the
// edited entity lose its prefix.
func relativeFieldErrors(err error, index string) error {
	fe := httpapi.FieldErrorsOf(err)
	for i, e := range fe.Errors {
		if index != "" && strings.HasPrefix(e.Field, index+".") {
			fe.Errors[i].Field = strings.TrimPrefix(e.Field, index+".")
		} else if index != "" && e.Field == index {
			fe.Errors[i].Field = "body"
		}
	}
	return fe
}

func (g *Gateway) isClosed() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.closed
}

// cameraPath returns the grid path of a camera in cfg (nil when unknown or gridless).
func cameraPath(cfg *conf.Config, id string) []string {
	if c := cfg.Camera(id); c != nil {
		return gridPath(cfg, c.Grid)
	}
	return nil
}

// ---- grids -------------------------------------------------------------------

// GridDoc returns one grid's document.
func (g *Gateway) GridDoc(p auth.Principal, code string) (json.RawMessage, error) {
	if err := g.CanViewGrid(p, code); err != nil {
		return nil, err
	}
	return conf.EncodeGrid(*g.Config().Grid(code))
}

// PutGrid creates (create) or replaces the grid code with body.
func (g *Gateway) PutGrid(p auth.Principal, code string, body []byte, create bool) (json.RawMessage, error) {
	gr, err := conf.DecodeGrid(body)
	if err != nil {
		return nil, httpapi.FieldErrorsOf(err)
	}
	if create {
		code = gr.Code
	} else if gr.Code == "" {
		gr.Code = code
	} else if gr.Code != code {
		return nil, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "code", Message: fmt.Sprintf("%q differs from the grid in the URL (%q); codes cannot change", gr.Code, code)}}}
	}
	doc, err := conf.EncodeGrid(gr)
	if err != nil {
		return nil, err
	}
	err = g.change(func(c *conf.Config) (string, error) {
		old := c.Grid(code)
		switch {
		case create && old != nil:
			return "", fmt.Errorf("grid %q exists: %w", code, httpapi.ErrConflict)
		case !create && old == nil:
			return "", fmt.Errorf("grid %q: %w", code, httpapi.ErrNotFound)
		}
		// The grid must stay in the caller's scope, and so must its new parent.
		if !create && !p.InScope(gridPath(c, code)) {
			return "", errForbidden("grid " + code)
		}
		if p.Grid != "" && (gr.Parent == "" || !p.InScope(gridPath(c, gr.Parent))) && code != p.Grid {
			return "", errForbidden("parent grid " + gr.Parent)
		}
		if old != nil {
			*old = gr
		} else {
			c.Grids = append(c.Grids, gr)
		}
		return indexOf("grids", len(c.Grids), func(i int) bool { return c.Grids[i].Code == code }), nil
	}, func(ctx context.Context) error {
		if create {
			return g.db.CreateGrid(ctx, store.Grid{Code: code, Parent: gr.Parent, Doc: doc}, actor(p))
		}
		_, err := g.db.PutGrid(ctx, store.Grid{Code: code, Parent: gr.Parent, Doc: doc}, actor(p))
		return err
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// DeleteGrid removes a grid that no camera or grid uses.
func (g *Gateway) DeleteGrid(p auth.Principal, code string) error {
	return g.change(func(c *conf.Config) (string, error) {
		if c.Grid(code) == nil {
			return "", fmt.Errorf("grid %q: %w", code, httpapi.ErrNotFound)
		}
		if !p.InScope(gridPath(c, code)) || p.Grid == code {
			return "", errForbidden("grid " + code)
		}
		for _, gr := range c.Grids {
			if gr.Parent == code {
				return "", fmt.Errorf("grid %q still has the grid %q under it: %w", code, gr.Code, httpapi.ErrConflict)
			}
		}
		for _, cam := range c.Cameras {
			if cam.Grid == code {
				return "", fmt.Errorf("grid %q still has the camera %q: %w", code, cam.ID, httpapi.ErrConflict)
			}
		}
		for _, u := range c.Auth.Users {
			if u.Grid == code {
				return "", fmt.Errorf("grid %q limits the user %q: %w", code, u.Name, httpapi.ErrConflict)
			}
		}
		c.Grids = deleteWhere(c.Grids, func(gr conf.Grid) bool { return gr.Code == code })
		return "", nil
	}, func(ctx context.Context) error { return g.db.DeleteGrid(ctx, code, actor(p)) })
}

// ---- cameras -----------------------------------------------------------------

// CameraDoc returns one camera's configuration, passwords redacted.
func (g *Gateway) CameraDoc(p auth.Principal, id string) (json.RawMessage, error) {
	cfg := g.Config()
	if err := g.cameraVisible(p, cfg, id); err != nil {
		return nil, err
	}
	raw, err := g.db.GetCamera(context.Background(), id)
	if err != nil {
		return nil, storeErr(err)
	}
	cam, err := conf.DecodeCamera(raw.Doc)
	if err != nil {
		return nil, err
	}
	return conf.EncodeCamera(cam, false)
}

func (g *Gateway) cameraVisible(p auth.Principal, cfg *conf.Config, id string) error {
	if cfg.Camera(id) == nil {
		return fmt.Errorf("camera %q: %w", id, httpapi.ErrNotFound)
	}
	if !p.InScope(cameraPath(cfg, id)) {
		return errForbidden("camera " + id)
	}
	return nil
}

// PutCamera creates (create) or replaces the camera id with body. A URL whose
// password is redacted keeps the stored password.
func (g *Gateway) PutCamera(p auth.Principal, id string, body []byte, create bool) (json.RawMessage, error) {
	cam, err := conf.DecodeCamera(body)
	if err != nil {
		return nil, httpapi.FieldErrorsOf(err)
	}
	if create {
		id = cam.ID
	} else if cam.ID == "" {
		cam.ID = id
	} else if cam.ID != id {
		return nil, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "id", Message: fmt.Sprintf("%q differs from the camera in the URL (%q); ids cannot change", cam.ID, id)}}}
	}
	if !create {
		if prev, err := g.db.GetCamera(context.Background(), id); err == nil {
			if old, err := conf.DecodeCamera(prev.Doc); err == nil {
				cam.URL, cam.SubURL = conf.KeepPassword(cam.URL, old.URL), conf.KeepPassword(cam.SubURL, old.SubURL)
			}
		}
	}
	doc, err := conf.EncodeCamera(cam, true)
	if err != nil {
		return nil, err
	}
	err = g.change(func(c *conf.Config) (string, error) {
		old := c.Camera(id)
		switch {
		case create && old != nil:
			return "", fmt.Errorf("camera %q exists: %w", id, httpapi.ErrConflict)
		case !create && old == nil:
			return "", fmt.Errorf("camera %q: %w", id, httpapi.ErrNotFound)
		case old != nil && !p.InScope(gridPath(c, old.Grid)):
			return "", errForbidden("camera " + id)
		case p.Grid != "" && !p.InScope(gridPath(c, cam.Grid)):
			return "", errForbidden("grid " + cam.Grid)
		}
		if old != nil {
			*old = cam
		} else {
			c.Cameras = append(c.Cameras, cam)
		}
		return indexOf("cameras", len(c.Cameras), func(i int) bool { return c.Cameras[i].ID == id }), nil
	}, func(ctx context.Context) error {
		if create {
			return g.db.CreateCamera(ctx, store.Camera{ID: id, Grid: cam.Grid, Doc: doc}, actor(p))
		}
		_, err := g.db.PutCamera(ctx, store.Camera{ID: id, Grid: cam.Grid, Doc: doc}, actor(p))
		return err
	})
	if err != nil {
		return nil, err
	}
	return conf.EncodeCamera(cam, false)
}

// DeleteCamera removes a camera and its rules (each rule deletion is versioned).
func (g *Gateway) DeleteCamera(p auth.Principal, id string) error {
	return g.change(func(c *conf.Config) (string, error) {
		if err := g.cameraVisible(p, c, id); err != nil {
			return "", err
		}
		c.Cameras = deleteWhere(c.Cameras, func(cam conf.Camera) bool { return cam.ID == id })
		c.Rules = deleteWhere(c.Rules, func(r rules.Rule) bool { return r.Camera == id })
		return "", nil
	}, func(ctx context.Context) error {
		// One transaction: the camera and a deletion version of each of its rules.
		return g.db.DeleteCamera(ctx, id, actor(p))
	})
}

// ---- rules -------------------------------------------------------------------

// RuleDoc is a stored rule as the API shows it: its document plus version data.
func ruleDoc(r store.RuleRecord) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(r.Doc, &m); err != nil {
		return nil, fmt.Errorf("rule %s: stored document: %w", r.ID, err)
	}
	m["version"], m["updated_at"], m["updated_by"] = r.Version, r.UpdatedAt.UTC().Format(time.RFC3339), r.UpdatedBy
	return json.Marshal(m)
}

// Rules lists the rules the caller may see, of one camera or all.
func (g *Gateway) Rules(p auth.Principal, camera string) ([]json.RawMessage, error) {
	cfg := g.Config()
	recs, err := g.db.ListRules(context.Background(), camera)
	if err != nil {
		return nil, err
	}
	out := []json.RawMessage{}
	for _, r := range recs {
		if !p.InScope(cameraPath(cfg, r.Camera)) {
			continue
		}
		d, err := ruleDoc(r)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Rule returns one rule.
func (g *Gateway) Rule(p auth.Principal, id string) (json.RawMessage, error) {
	r, err := g.db.GetRule(context.Background(), id)
	if err != nil {
		return nil, storeErr(err)
	}
	if !p.InScope(cameraPath(g.Config(), r.Camera)) {
		return nil, errForbidden("rule " + id)
	}
	return ruleDoc(r)
}

var ruleIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// decodeRuleBody reads a rule from an API body; id fills a missing id.
func decodeRuleBody(body []byte, id string) (rules.Rule, error) {
	// Version fields a client echoes back are not part of the rule.
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) == nil {
		for _, k := range []string{"version", "updated_at", "updated_by"} {
			delete(m, k)
		}
		body, _ = json.Marshal(m)
	}
	r, err := conf.DecodeRule(body)
	if err != nil {
		return r, httpapi.FieldErrorsOf(err)
	}
	if r.ID == "" {
		r.ID = id
	}
	if r.ID != "" && !ruleIDPattern.MatchString(r.ID) {
		return r, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "id", Message: fmt.Sprintf("want 1–64 letters, digits, '.', '_' or '-', got %q", r.ID)}}}
	}
	return r, nil
}

func newRuleID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "r-" + hex.EncodeToString(b[:])
}

// CreateRule stores a new rule and puts it in force.
func (g *Gateway) CreateRule(p auth.Principal, body []byte) (json.RawMessage, error) {
	r, err := decodeRuleBody(body, "")
	if err != nil {
		return nil, err
	}
	if r.ID == "" {
		r.ID = newRuleID()
	}
	return g.writeRule(p, r, 0, true, "")
}

// UpdateRule replaces a rule; ifVersion (0 = any) guards against lost updates.
func (g *Gateway) UpdateRule(p auth.Principal, id string, body []byte, ifVersion int) (json.RawMessage, error) {
	r, err := decodeRuleBody(body, id)
	if err != nil {
		return nil, err
	}
	if r.ID != id {
		return nil, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "id", Message: fmt.Sprintf("%q differs from the rule in the URL (%q); ids cannot change", r.ID, id)}}}
	}
	return g.writeRule(p, r, ifVersion, false, "")
}

func (g *Gateway) writeRule(p auth.Principal, r rules.Rule, ifVersion int, create bool, comment string) (json.RawMessage, error) {
	doc, err := conf.EncodeRule(r)
	if err != nil {
		return nil, err
	}
	var rec store.RuleRecord
	err = g.change(func(c *conf.Config) (string, error) {
		i := -1
		for k := range c.Rules {
			if c.Rules[k].ID == r.ID {
				i = k
			}
		}
		switch {
		case create && i >= 0:
			return "", fmt.Errorf("rule %q exists: %w", r.ID, httpapi.ErrConflict)
		case !create && i < 0:
			return "", fmt.Errorf("rule %q: %w", r.ID, httpapi.ErrNotFound)
		case i >= 0 && !p.InScope(cameraPath(c, c.Rules[i].Camera)):
			return "", errForbidden("rule " + r.ID)
		case c.Camera(r.Camera) != nil && !p.InScope(cameraPath(c, r.Camera)):
			return "", errForbidden("camera " + r.Camera)
		}
		if i >= 0 {
			c.Rules[i] = r
		} else {
			c.Rules = append(c.Rules, r)
			i = len(c.Rules) - 1
		}
		return "rules[" + strconv.Itoa(i) + "]", nil
	}, func(ctx context.Context) error {
		w := store.RuleWrite{ID: r.ID, Camera: r.Camera, Doc: doc, Actor: actor(p), Comment: comment, IfVersion: ifVersion}
		var err error
		if create {
			rec, err = g.db.CreateRule(ctx, w)
		} else {
			rec, err = g.db.UpdateRule(ctx, w)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return ruleDoc(rec)
}

// DeleteRule removes a rule (a versioned deletion: it can be rolled back).
func (g *Gateway) DeleteRule(p auth.Principal, id string, ifVersion int) error {
	return g.change(func(c *conf.Config) (string, error) {
		for _, r := range c.Rules {
			if r.ID == id {
				if !p.InScope(cameraPath(c, r.Camera)) {
					return "", errForbidden("rule " + id)
				}
				c.Rules = deleteWhere(c.Rules, func(r rules.Rule) bool { return r.ID == id })
				return "", nil
			}
		}
		return "", fmt.Errorf("rule %q: %w", id, httpapi.ErrNotFound)
	}, func(ctx context.Context) error { return g.db.DeleteRule(ctx, id, actor(p), ifVersion) })
}

// RuleVersion is one entry of a rule's history.
type RuleVersion struct {
	Version int             `json:"version"`
	Op      string          `json:"op"`
	Actor   string          `json:"actor"`
	At      string          `json:"at"`
	Comment string          `json:"comment,omitempty"`
	Rule    json.RawMessage `json:"rule,omitempty"`
}

// RuleVersions returns a rule's history, newest first (also of a deleted rule).
func (g *Gateway) RuleVersions(p auth.Principal, id string) ([]RuleVersion, error) {
	vs, err := g.db.RuleVersions(context.Background(), id)
	if err != nil {
		return nil, storeErr(err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("rule %q: %w", id, httpapi.ErrNotFound)
	}
	cfg := g.Config()
	out := make([]RuleVersion, 0, len(vs))
	for _, v := range vs {
		if v.Camera != "" && cfg.Camera(v.Camera) != nil && !p.InScope(cameraPath(cfg, v.Camera)) {
			return nil, errForbidden("rule " + id)
		}
		rv := RuleVersion{Version: v.Version, Op: v.Op, Actor: v.Actor, At: v.At.UTC().Format(time.RFC3339), Comment: v.Comment}
		if len(v.Doc) > 0 {
			rv.Rule = json.RawMessage(v.Doc)
		}
		out = append(out, rv)
	}
	return out, nil
}

// RollbackRule makes version the rule's content again, as a new version.
func (g *Gateway) RollbackRule(p auth.Principal, id string, version int, comment string) (json.RawMessage, error) {
	vs, err := g.db.RuleVersions(context.Background(), id)
	if err != nil {
		return nil, storeErr(err)
	}
	var target *store.RuleVersion
	for i := range vs {
		if vs[i].Version == version {
			target = &vs[i]
		}
	}
	if target == nil {
		return nil, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "version", Message: fmt.Sprintf("rule %q has no version %d", id, version)}}}
	}
	if target.Op == "delete" || len(target.Doc) == 0 {
		return nil, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "version", Message: fmt.Sprintf("version %d is the rule's deletion", version)}}}
	}
	r, err := conf.DecodeRule(target.Doc)
	if err != nil {
		return nil, err
	}
	var rec store.RuleRecord
	err = g.change(func(c *conf.Config) (string, error) {
		if !p.InScope(cameraPath(c, r.Camera)) {
			return "", errForbidden("rule " + id)
		}
		for k := range c.Rules {
			if c.Rules[k].ID == id {
				if !p.InScope(cameraPath(c, c.Rules[k].Camera)) {
					return "", errForbidden("rule " + id)
				}
				c.Rules[k] = r
				return "rules[" + strconv.Itoa(k) + "]", nil
			}
		}
		c.Rules = append(c.Rules, r)
		return "rules[" + strconv.Itoa(len(c.Rules)-1) + "]", nil
	}, func(ctx context.Context) error {
		var err error
		rec, err = g.db.RollbackRule(ctx, id, version, actor(p), comment)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ruleDoc(rec)
}

// ---- helpers -----------------------------------------------------------------

// actor is a principal as the database records it.
func actor(p auth.Principal) store.Actor {
	return store.Actor{Name: p.Name, Role: string(p.Role)}
}

func deleteWhere[T any](s []T, del func(T) bool) []T {
	out := s[:0:0]
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	return out
}

func indexOf(list string, n int, match func(int) bool) string {
	for i := range n {
		if match(i) {
			return list + "[" + strconv.Itoa(i) + "]"
		}
	}
	return ""
}
