package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/store"
)

// ---- audit -------------------------------------------------------------------

// AuditEntry is one audit log line as the API shows it.
type AuditEntry struct {
	ID     int64           `json:"id"`
	At     string          `json:"at"`
	Actor  string          `json:"actor"`
	Role   string          `json:"role,omitempty"`
	Action string          `json:"action"`
	Target string          `json:"target,omitempty"`
	Grid   string          `json:"grid,omitempty"`
	Detail json.RawMessage `json:"detail,omitempty"`
	Remote string          `json:"remote,omitempty"`
}

// AuditPage is one page of the audit log.
type AuditPage struct {
	Entries []AuditEntry `json:"entries"`
	Next    string       `json:"next"`
}

// Audit appends an entry to the audit log; failures are logged, never returned
// (the action itself already happened).
func (g *Gateway) Audit(p auth.Principal, action, target, grid, remote string, detail map[string]any) {
	var d json.RawMessage
	if len(detail) > 0 {
		d, _ = json.Marshal(detail)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := g.db.AppendAudit(ctx, store.AuditEntry{
		At: g.opts.Now(), Actor: p.Name, Role: string(p.Role), Action: action, Target: target, Grid: grid, Detail: d, Remote: remote,
	})
	if err != nil {
		g.log.Error("audit entry not written", "action", action, "actor", p.Name, "err", err)
	}
}

// AuditEntries returns audit entries, newest first.
func (g *Gateway) AuditEntries(p auth.Principal, q url.Values) (AuditPage, error) {
	cfg := g.Config()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Grids: scopeGrids(cfg, p), Before: q.Get("before")}
	var errs []httpapi.FieldError
	f.From, f.To, f.Limit = pageQuery(q, 1000, &errs)
	if len(errs) > 0 {
		return AuditPage{}, &httpapi.FieldErrors{Errors: errs}
	}
	es, next, err := g.db.ListAudit(context.Background(), f)
	if err != nil {
		return AuditPage{}, storeErr(err)
	}
	out := AuditPage{Entries: []AuditEntry{}, Next: next}
	for _, e := range es {
		out.Entries = append(out.Entries, AuditEntry{
			ID: e.ID, At: fmtTime(e.At), Actor: e.Actor, Role: e.Role, Action: e.Action, Target: e.Target,
			Grid: e.Grid, Detail: e.Detail, Remote: e.Remote,
		})
	}
	return out, nil
}

// ---- users -------------------------------------------------------------------

// UserDoc is a user as the API shows it (never the password hash).
type UserDoc struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Grid   string `json:"grid,omitempty"`
	Source string `json:"source"`
}

// UserRequest creates or changes a user.
type UserRequest struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Grid     string `json:"grid"`
	Password string `json:"password"`
}

// UserDocs lists the users the caller may see.
func (g *Gateway) UserDocs(p auth.Principal) ([]UserDoc, error) {
	us, err := g.db.ListUsers(context.Background())
	if err != nil {
		return nil, err
	}
	cfg := g.Config()
	out := []UserDoc{}
	for _, u := range us {
		if p.Grid != "" && !p.InScope(gridPath(cfg, u.Grid)) {
			continue
		}
		out = append(out, UserDoc{Name: u.Name, Role: u.Role, Grid: u.Grid, Source: u.Source})
	}
	return out, nil
}

// SaveUser creates (create) or changes a user made through the API; users of the
// configuration file are read-only here.
func (g *Gateway) SaveUser(p auth.Principal, name string, body []byte, create bool) (UserDoc, error) {
	var req UserRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return UserDoc{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "body", Message: "invalid JSON: " + err.Error()}}}
	}
	if create {
		name = req.Name
	} else if req.Name != "" && req.Name != name {
		return UserDoc{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "name", Message: "names cannot change"}}}
	}
	cfg := g.Config()
	ctx := context.Background()
	prev, err := g.db.GetUser(ctx, name)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return UserDoc{}, err
	case create && exists:
		return UserDoc{}, fmt.Errorf("user %q exists: %w", name, httpapi.ErrConflict)
	case !create && !exists:
		return UserDoc{}, fmt.Errorf("user %q: %w", name, httpapi.ErrNotFound)
	case exists && prev.Source == "config":
		return UserDoc{}, fmt.Errorf("user %q comes from the configuration file; change it there: %w", name, httpapi.ErrConflict)
	case exists && !p.InScope(gridPath(cfg, prev.Grid)):
		return UserDoc{}, errForbidden("user " + name)
	}
	u := store.User{Name: name, Role: req.Role, Grid: req.Grid, Source: "api"}
	if exists {
		u.PasswordHash = prev.PasswordHash
		if req.Role == "" {
			u.Role = prev.Role
		}
	}
	var errs []httpapi.FieldError
	if !conf.ValidUserName(name) {
		errs = append(errs, httpapi.FieldError{Field: "name", Message: fmt.Sprintf("want 1–64 letters, digits, '.', '_', '@' or '-', got %q", name)})
	}
	if _, err := auth.ParseRole(u.Role); err != nil {
		errs = append(errs, httpapi.FieldError{Field: "role", Message: err.Error()})
	} else if !p.Can(auth.Role(u.Role)) {
		return UserDoc{}, errForbidden("role " + u.Role)
	}
	if u.Grid != "" && cfg.Grid(u.Grid) == nil {
		errs = append(errs, httpapi.FieldError{Field: "grid", Message: fmt.Sprintf("unknown grid %q", u.Grid)})
	} else if p.Grid != "" && (u.Grid == "" || !p.InScope(gridPath(cfg, u.Grid))) {
		return UserDoc{}, errForbidden("grid " + u.Grid)
	}
	if req.Password != "" || !exists {
		h, err := auth.HashPassword(req.Password)
		if err != nil {
			errs = append(errs, httpapi.FieldError{Field: "password", Message: err.Error()})
		}
		u.PasswordHash = h
	}
	if len(errs) > 0 {
		return UserDoc{}, &httpapi.FieldErrors{Errors: errs}
	}
	if _, err := g.db.PutUser(ctx, u, actor(p)); err != nil {
		return UserDoc{}, err
	}
	if exists && (req.Password != "" || u.Role != prev.Role || u.Grid != prev.Grid) {
		_, _ = g.db.DeleteUserSessions(ctx, name)
	}
	return UserDoc{Name: u.Name, Role: u.Role, Grid: u.Grid, Source: u.Source}, nil
}

// DeleteUser removes a user made through the API and ends their sessions.
func (g *Gateway) DeleteUser(p auth.Principal, name string) error {
	ctx := context.Background()
	prev, err := g.db.GetUser(ctx, name)
	if err != nil {
		return storeErr(err)
	}
	if prev.Source == "config" {
		return fmt.Errorf("user %q comes from the configuration file; remove it there: %w", name, httpapi.ErrConflict)
	}
	if !p.InScope(gridPath(g.Config(), prev.Grid)) || name == p.Name {
		return errForbidden("user " + name)
	}
	if err := g.db.DeleteUser(ctx, name, actor(p)); err != nil {
		return storeErr(err)
	}
	_, _ = g.db.DeleteUserSessions(ctx, name)
	return nil
}

// ---- export ------------------------------------------------------------------

// Export writes the catalog as a configuration fragment (grids, cameras, rules),
// camera passwords redacted unless secrets.
func (g *Gateway) Export(p auth.Principal, secrets bool) ([]byte, error) {
	if p.Grid != "" {
		return nil, errForbidden("export needs an admin of the whole district")
	}
	cfg := g.Config()
	type camOut = map[string]any
	doc := struct {
		Grids   []conf.Grid `yaml:"grids"`
		Cameras []camOut    `yaml:"cameras"`
		Rules   []any       `yaml:"rules"`
	}{Grids: cfg.Grids}
	for _, c := range cfg.Cameras {
		b, err := conf.EncodeCamera(c, secrets)
		if err != nil {
			return nil, err
		}
		var m camOut
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		doc.Cameras = append(doc.Cameras, m)
	}
	for _, r := range cfg.Rules {
		doc.Rules = append(doc.Rules, r)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	g.Audit(p, "config_export", "", "", "", map[string]any{"secrets": secrets})
	return append([]byte("# Sharp Eyes catalog exported "+g.opts.Now().UTC().Format(time.RFC3339)+"\n"), out...), nil
}

// pageQuery reads the from, to (RFC 3339) and limit (1–maxLimit) parameters of a
// list query, adding a field error for each bad one.
func pageQuery(q url.Values, maxLimit int, errs *[]httpapi.FieldError) (from, to time.Time, limit int) {
	for _, k := range []string{"from", "to"} {
		v := q.Get(k)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			*errs = append(*errs, httpapi.FieldError{Field: k, Message: fmt.Sprintf("want an RFC 3339 time, got %q", v)})
		}
		if k == "from" {
			from = t
		} else {
			to = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			*errs = append(*errs, httpapi.FieldError{Field: "limit", Message: fmt.Sprintf("want 1–%d, got %q", maxLimit, v)})
		}
		limit = n
	}
	return from, to, limit
}
