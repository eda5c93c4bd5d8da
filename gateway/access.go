package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/store"
)

// startAuth builds the authenticator over the database's users and sessions.
func (g *Gateway) startAuth(cfg *conf.Config) error {
	tokens := make([]auth.Token, 0, len(cfg.Auth.Tokens))
	for _, t := range cfg.Auth.Tokens {
		tokens = append(tokens, auth.Token{Name: t.Name, Token: t.Token, Role: t.Role, Grid: t.Grid})
	}
	a, err := auth.New(auth.Options{
		Users: dbUsers{g.db}, Sessions: dbSessions{g.db}, Tokens: tokens, SessionTTL: cfg.Auth.SessionTTL.D(),
		Auditor: auth.AuditorFunc(func(_ context.Context, e auth.Event) {
			g.Audit(auth.Principal{Name: e.Actor, Role: auth.Role(e.Role)}, e.Action, "", "", e.Remote, e.Detail)
		}),
		Now: g.opts.Now, Logger: g.opts.Logger, SecureCookie: cfg.Auth.SecureCookie,
	})
	if err != nil {
		return err
	}
	g.auth = a
	g.records = newAlertRecorder(g.db, g.log, g.reg, func() time.Duration { return g.Config().AlertHandling.Retention.D() },
		func() time.Duration { return g.Config().Plates.Retention.D() }, g.opts.Now)
	return nil
}

// dbUsers is the authenticator's view of the database's users.
type dbUsers struct{ db *store.DB }

func (u dbUsers) LookupUser(ctx context.Context, name string) (auth.User, error) {
	v, err := u.db.GetUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return auth.User{}, fmt.Errorf("%w: %s", auth.ErrNoUser, name)
	}
	if err != nil {
		return auth.User{}, err
	}
	return auth.User{Name: v.Name, Role: auth.Role(v.Role), Grid: v.Grid, PasswordHash: v.PasswordHash}, nil
}

// dbSessions keeps login sessions in the database, so they survive a restart.
type dbSessions struct{ db *store.DB }

func (s dbSessions) CreateSession(ctx context.Context, hash, user string, created, expires time.Time) error {
	return s.db.CreateSession(ctx, store.Session{Hash: hash, User: user, Created: created, Expires: expires})
}

func (s dbSessions) LookupSession(ctx context.Context, hash string) (string, time.Time, error) {
	v, err := s.db.LookupSession(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return "", time.Time{}, auth.ErrNoSession
	}
	if err != nil {
		return "", time.Time{}, err
	}
	return v.User, v.Expires, nil
}

func (s dbSessions) DeleteSession(ctx context.Context, hash string) error {
	return s.db.DeleteSession(ctx, hash)
}

// CanView checks that p may watch (or otherwise see) a camera.
func (g *Gateway) CanView(p auth.Principal, id string) error {
	return g.cameraVisible(p, g.Config(), id)
}

// CanViewGrid checks that p may see a grid (and so its subtree).
func (g *Gateway) CanViewGrid(p auth.Principal, code string) error {
	cfg := g.Config()
	if cfg.Grid(code) == nil {
		return fmt.Errorf("grid %q: %w", code, httpapi.ErrNotFound)
	}
	if !p.InScope(gridPath(cfg, code)) {
		return errForbidden("grid " + code)
	}
	return nil
}

// Principal-scoped views of the camera and grid lists.

// CamerasFor returns the status of the cameras p may see.
func (g *Gateway) CamerasFor(p auth.Principal) []httpapi.CameraStatus {
	all := g.Cameras()
	if p.Grid == "" {
		return all
	}
	cfg := g.Config()
	out := all[:0:0]
	for _, c := range all {
		if p.InScope(gridPath(cfg, c.Grid)) {
			out = append(out, c)
		}
	}
	return out
}

// GridsFor returns the grid map of p's subtree.
func (g *Gateway) GridsFor(p auth.Principal) httpapi.GridCollection {
	all := g.Grids()
	if p.Grid == "" {
		return all
	}
	cfg := g.Config()
	out := all
	out.Features = nil
	for _, f := range all.Features {
		if p.InScope(gridPath(cfg, f.ID)) {
			out.Features = append(out.Features, f)
		}
	}
	if out.Features == nil {
		out.Features = []httpapi.GridFeature{}
	}
	return out
}
