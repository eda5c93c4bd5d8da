package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Camera is one camera point.
type Camera struct {
	// ID is the camera's unique key.
	ID string
	// Grid is the code of the camera's grid ("" when not assigned).
	Grid string
	// Doc is the camera config as JSON, as the gateway produced it.
	Doc []byte
}

// cameras is the cameras table.
var cameras = entityTable{kind: "camera", table: "cameras", key: "id", ref: "grid"}

// cameraEntity converts c.
func cameraEntity(c Camera) entity { return entity{key: c.ID, ref: c.Grid, doc: c.Doc} }

// entityCamera converts e.
func entityCamera(e entity) Camera { return Camera{ID: e.key, Grid: e.ref, Doc: e.doc} }

// ListCameras returns every camera ordered by id.
func (db *DB) ListCameras(ctx context.Context) ([]Camera, error) {
	es, err := cameras.list(ctx, db.r)
	if err != nil {
		return nil, err
	}
	out := make([]Camera, len(es))
	for i, e := range es {
		out[i] = entityCamera(e)
	}
	return out, nil
}

// GetCamera returns one camera, or ErrNotFound.
func (db *DB) GetCamera(ctx context.Context, id string) (Camera, error) {
	e, err := cameras.get(ctx, db.r, id)
	return entityCamera(e), err
}

// CreateCamera adds a camera; ErrExists when the id is taken.
func (db *DB) CreateCamera(ctx context.Context, c Camera, a Actor) error {
	return db.createEntity(ctx, cameras, cameraEntity(c), a, c.Grid)
}

// PutCamera creates or replaces a camera and reports whether it was created.
func (db *DB) PutCamera(ctx context.Context, c Camera, a Actor) (bool, error) {
	return db.putEntity(ctx, cameras, cameraEntity(c), a, c.Grid)
}

// DeleteCamera removes a camera (ErrNotFound when absent) and, in the same
// transaction, deletes its live rules with a versioned tombstone each.
func (db *DB) DeleteCamera(ctx context.Context, id string, a Actor) error {
	if err := a.check(); err != nil {
		return fmt.Errorf("camera %s: %w", id, err)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		// Rules first: their audit entries look up the camera's grid.
		if _, err := db.deleteCameraRules(ctx, tx, id, a); err != nil {
			return err
		}
		_, err := db.deleteEntity(ctx, tx, cameras, id, a, func(e entity) string { return e.ref })
		return err
	})
}
