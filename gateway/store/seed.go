package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Seed is the content of a configuration: what Seed imports and what
// Snapshot exports, so an export can be seeded again.
type Seed struct {
	Grids   []Grid
	Cameras []Camera
	// Rules use ID, Camera and Doc; Seed stores each as version 1 (or the
	// next version of a deleted id). Snapshot fills every field.
	Rules []RuleRecord
}

// IsEmpty reports whether no grid, camera or rule has ever been stored in
// the database, even if deleted since: only then should the configuration
// file seed it.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM store_meta WHERE key = 'populated'`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("is empty: %w", err)
	}
	return n == 0, nil
}

// Seed stores every grid, camera and rule of s in one transaction: all of
// them or, on the first error (an existing key, bad input), none.
func (db *DB) Seed(ctx context.Context, s Seed, a Actor) error {
	if err := a.check(); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		for i, g := range s.Grids {
			if err := db.seedEntity(ctx, tx, grids, gridEntity(g), a, g.Code); err != nil {
				return fmt.Errorf("grids[%d]: %w", i, err)
			}
		}
		for i, c := range s.Cameras {
			if err := db.seedEntity(ctx, tx, cameras, cameraEntity(c), a, c.Grid); err != nil {
				return fmt.Errorf("cameras[%d]: %w", i, err)
			}
		}
		for i, r := range s.Rules {
			if err := db.seedRule(ctx, tx, r, a); err != nil {
				return fmt.Errorf("rules[%d]: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// seedEntity inserts one grid or camera inside tx.
func (db *DB) seedEntity(ctx context.Context, tx querier, t entityTable, e entity, a Actor, grid string) error {
	if err := t.check(e); err != nil {
		return err
	}
	if err := db.insertEntity(ctx, tx, t, e); err != nil {
		return err
	}
	return db.audit(ctx, tx, a, t.kind+"_create", e.key, grid, map[string]any{t.ref: e.ref, "seed": true})
}

// seedRule creates one rule inside tx.
func (db *DB) seedRule(ctx context.Context, tx querier, r RuleRecord, a Actor) error {
	w := RuleWrite{ID: r.ID, Camera: r.Camera, Doc: r.Doc, Actor: a, Comment: "seed"}
	if err := w.check(); err != nil {
		return err
	}
	_, err := db.createRule(ctx, tx, w)
	return err
}

// Snapshot returns every grid, camera and live rule, read in one
// transaction, for export and for building the running configuration.
func (db *DB) Snapshot(ctx context.Context) (Seed, error) {
	var s Seed
	err := db.read(ctx, func(tx *sql.Tx) error {
		gs, err := grids.list(ctx, tx)
		if err != nil {
			return err
		}
		cs, err := cameras.list(ctx, tx)
		if err != nil {
			return err
		}
		rs, err := listLiveRules(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, e := range gs {
			s.Grids = append(s.Grids, entityGrid(e))
		}
		for _, e := range cs {
			s.Cameras = append(s.Cameras, entityCamera(e))
		}
		s.Rules = rs
		return nil
	})
	if err != nil {
		return Seed{}, fmt.Errorf("snapshot: %w", err)
	}
	return s, nil
}
