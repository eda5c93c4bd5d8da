package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Grid is one grid (administrative area) of the map.
type Grid struct {
	// Code is the grid's unique key.
	Code string
	// Parent is the code of the enclosing grid ("" for a root).
	Parent string
	// Doc is the grid as JSON, as the gateway produced it.
	Doc []byte
}

// grids is the grids table.
var grids = entityTable{kind: "grid", table: "grids", key: "code", ref: "parent"}

// gridEntity converts g.
func gridEntity(g Grid) entity { return entity{key: g.Code, ref: g.Parent, doc: g.Doc} }

// entityGrid converts e.
func entityGrid(e entity) Grid { return Grid{Code: e.key, Parent: e.ref, Doc: e.doc} }

// ListGrids returns every grid ordered by code.
func (db *DB) ListGrids(ctx context.Context) ([]Grid, error) {
	es, err := grids.list(ctx, db.r)
	if err != nil {
		return nil, err
	}
	out := make([]Grid, len(es))
	for i, e := range es {
		out[i] = entityGrid(e)
	}
	return out, nil
}

// GetGrid returns one grid, or ErrNotFound.
func (db *DB) GetGrid(ctx context.Context, code string) (Grid, error) {
	e, err := grids.get(ctx, db.r, code)
	return entityGrid(e), err
}

// CreateGrid adds a grid; ErrExists when the code is taken.
func (db *DB) CreateGrid(ctx context.Context, g Grid, a Actor) error {
	return db.createEntity(ctx, grids, gridEntity(g), a, g.Code)
}

// PutGrid creates or replaces a grid and reports whether it was created.
func (db *DB) PutGrid(ctx context.Context, g Grid, a Actor) (bool, error) {
	return db.putEntity(ctx, grids, gridEntity(g), a, g.Code)
}

// DeleteGrid removes a grid: ErrNotFound when absent, ErrConflict while a
// child grid or a camera still names it.
func (db *DB) DeleteGrid(ctx context.Context, code string, a Actor) error {
	if err := a.check(); err != nil {
		return fmt.Errorf("grid %s: %w", code, err)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := gridInUse(ctx, tx, code); err != nil {
			return err
		}
		_, err := db.deleteEntity(ctx, tx, grids, code, a, func(e entity) string { return e.key })
		return err
	})
}

// gridInUse returns ErrConflict naming one user of the grid, if any.
func gridInUse(ctx context.Context, tx querier, code string) error {
	var kind, key string
	err := tx.QueryRowContext(ctx, `SELECT 'child grid', code FROM grids WHERE parent = ?1
		UNION ALL SELECT 'camera', id FROM cameras WHERE grid = ?1 LIMIT 1`, code).Scan(&kind, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("grid %s: %w", code, err)
	}
	return fmt.Errorf("grid %s: %w: used by %s %s", code, ErrConflict, kind, key)
}
