package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/store"
	"github.com/sharpeyes/sharpeyes/rules"
)

// seedActor is the actor of the changes that seeding from the file makes.
var seedActor = store.Actor{Name: "config", Role: "admin"}

// openDatabase opens the database, seeds an empty one with the file's grids,
// cameras and rules, and returns cfg with the catalog the database holds.
func (g *Gateway) openDatabase(cfg *conf.Config) (*conf.Config, error) {
	path := cfg.DatabasePath()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, path, store.Options{Logger: g.opts.Logger, Now: g.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	g.db = db
	empty, err := db.IsEmpty(ctx)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	if empty {
		seed, err := seedOf(cfg)
		if err != nil {
			return nil, err
		}
		if err := db.Seed(ctx, seed, seedActor); err != nil {
			return nil, fmt.Errorf("database %s: seeding from the configuration: %w", path, err)
		}
		g.log.Info("database seeded from the configuration file", "path", path,
			"grids", len(cfg.Grids), "cameras", len(cfg.Cameras), "rules", len(cfg.Rules))
	}
	next, err := loadCatalog(ctx, db, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	if !empty && (len(cfg.Grids) > 0 || len(cfg.Cameras) > 0 || len(cfg.Rules) > 0) {
		g.log.Info("the configuration file's grids, cameras and rules only seed an empty database; "+
			"this one is seeded, so the API changes them (GET /api/v1/config/export writes them out)", "path", path)
	}
	if err := g.syncUsers(next); err != nil {
		return nil, err
	}
	return next, nil
}

// seedOf turns the file's catalog into database documents.
func seedOf(cfg *conf.Config) (store.Seed, error) {
	var s store.Seed
	for _, gr := range cfg.Grids {
		doc, err := conf.EncodeGrid(gr)
		if err != nil {
			return s, err
		}
		s.Grids = append(s.Grids, store.Grid{Code: gr.Code, Parent: gr.Parent, Doc: doc})
	}
	for _, c := range cfg.Cameras {
		doc, err := conf.EncodeCamera(c, true)
		if err != nil {
			return s, err
		}
		s.Cameras = append(s.Cameras, store.Camera{ID: c.ID, Grid: c.Grid, Doc: doc})
	}
	for _, r := range cfg.Rules {
		doc, err := conf.EncodeRule(r)
		if err != nil {
			return s, err
		}
		s.Rules = append(s.Rules, store.RuleRecord{ID: r.ID, Camera: r.Camera, Doc: doc})
	}
	return s, nil
}

// loadCatalog returns cfg with the grids, cameras and rules of the database.
func loadCatalog(ctx context.Context, db *store.DB, cfg *conf.Config) (*conf.Config, error) {
	snap, err := db.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	next := cfg.Clone()
	next.Grids, next.Cameras, next.Rules = nil, nil, nil
	for _, gr := range snap.Grids {
		v, err := conf.DecodeGrid(gr.Doc)
		if err != nil {
			return nil, fmt.Errorf("grid %s: %w", gr.Code, err)
		}
		next.Grids = append(next.Grids, v)
	}
	for _, c := range snap.Cameras {
		v, err := conf.DecodeCamera(c.Doc)
		if err != nil {
			return nil, fmt.Errorf("camera %s: %w", c.ID, err)
		}
		next.Cameras = append(next.Cameras, v)
	}
	for _, r := range snap.Rules {
		v, err := conf.DecodeRule(r.Doc)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		next.Rules = append(next.Rules, v)
	}
	if err := next.Finish(conf.ModeServe); err != nil {
		return nil, err
	}
	return next, nil
}

// initialAdminFile holds the password of the admin account created when the
// configuration names no users and no tokens.
const initialAdminFile = "initial-admin-password"

// syncUsers makes the database's config users those of cfg, and creates the
// initial admin when nobody could log in otherwise.
func (g *Gateway) syncUsers(cfg *conf.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	users := make([]store.User, 0, len(cfg.Auth.Users))
	for _, u := range cfg.Auth.Users {
		users = append(users, store.User{Name: u.Name, Role: u.Role, Grid: u.Grid, PasswordHash: u.PasswordHash, Source: "config"})
	}
	if err := g.db.SyncConfigUsers(ctx, users); err != nil {
		return fmt.Errorf("database: users: %w", err)
	}
	if len(cfg.Auth.Users) > 0 || len(cfg.Auth.Tokens) > 0 {
		return nil
	}
	all, err := g.db.ListUsers(ctx)
	if err != nil || len(all) > 0 {
		return err
	}
	var b [18]byte
	_, _ = rand.Read(b[:])
	pw := base64.RawURLEncoding.EncodeToString(b[:])
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	path := filepath.Join(cfg.DataDir, initialAdminFile)
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return fmt.Errorf("initial admin: %w", err)
	}
	if _, err := g.db.PutUser(ctx, store.User{Name: "admin", Role: "admin", PasswordHash: hash, Source: "api"}, seedActor); err != nil {
		return fmt.Errorf("initial admin: %w", err)
	}
	g.log.Warn("no users or tokens configured: created the user \"admin\"; its password is in the file (change it, or configure auth.users)", "file", path)
	return nil
}

// errUnknownRule is returned by ruleOf for ids not in the running configuration.
var errUnknownRule = errors.New("unknown rule")

// ruleOf returns the running rule with id.
func ruleOf(cfg *conf.Config, id string) (rules.Rule, error) {
	for _, r := range cfg.Rules {
		if r.ID == id {
			return r, nil
		}
	}
	return rules.Rule{}, errUnknownRule
}
