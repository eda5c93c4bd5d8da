package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGridsCRUD(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)

	require.NoError(t, db.CreateGrid(ctx, Grid{Code: "city", Doc: []byte(`{"code":"city"}`)}, alice))
	require.NoError(t, db.CreateGrid(ctx, Grid{Code: "b-street", Parent: "city", Doc: []byte(`{"code":"b"}`)}, alice))
	err := db.CreateGrid(ctx, Grid{Code: "city", Doc: []byte(`{}`)}, alice)
	require.ErrorIs(t, err, ErrExists)
	require.EqualError(t, err, "grid city: already exists")

	created, err := db.PutGrid(ctx, Grid{Code: "a-street", Parent: "city", Doc: []byte(`{"v":1}`)}, alice)
	require.NoError(t, err)
	require.True(t, created)
	created, err = db.PutGrid(ctx, Grid{Code: "a-street", Parent: "city", Doc: []byte(`{"v":2}`)}, alice)
	require.NoError(t, err)
	require.False(t, created)

	gs, err := db.ListGrids(ctx)
	require.NoError(t, err)
	require.Equal(t, []Grid{
		{Code: "a-street", Parent: "city", Doc: []byte(`{"v":2}`)},
		{Code: "b-street", Parent: "city", Doc: []byte(`{"code":"b"}`)},
		{Code: "city", Doc: []byte(`{"code":"city"}`)},
	}, gs)

	_, err = db.GetGrid(ctx, "nope")
	require.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, db.CreateCamera(ctx, Camera{ID: "cam1", Grid: "a-street", Doc: []byte(`{}`)}, alice))
	err = db.DeleteGrid(ctx, "city", alice)
	require.ErrorIs(t, err, ErrConflict)
	require.ErrorContains(t, err, "child grid")
	err = db.DeleteGrid(ctx, "a-street", alice)
	require.ErrorIs(t, err, ErrConflict)
	require.ErrorContains(t, err, "camera cam1")
	require.NoError(t, db.DeleteGrid(ctx, "b-street", alice))
	require.ErrorIs(t, db.DeleteGrid(ctx, "b-street", alice), ErrNotFound)

	require.Equal(t, []string{
		"grid_create city", "grid_create b-street", "grid_create a-street", "grid_update a-street",
		"camera_create cam1", "grid_delete b-street",
	}, auditActions(t, db, AuditFilter{}))
	es, _, err := db.ListAudit(ctx, AuditFilter{Action: "grid_update"})
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Equal(t, AuditEntry{ID: es[0].ID, At: es[0].At, Actor: "alice", Role: "admin", Action: "grid_update",
		Target: "a-street", Grid: "a-street", Detail: []byte(`{"parent":"city"}`), Remote: "127.0.0.1:5000"}, es[0])
}

func TestCamerasCRUD(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)

	require.NoError(t, db.CreateCamera(ctx, Camera{ID: "cam2", Grid: "g1", Doc: []byte(`{"id":"cam2"}`)}, alice))
	require.ErrorIs(t, db.CreateCamera(ctx, Camera{ID: "cam2", Doc: []byte(`{}`)}, alice), ErrExists)
	created, err := db.PutCamera(ctx, Camera{ID: "cam1", Doc: []byte(`{"id":"cam1"}`)}, alice)
	require.NoError(t, err)
	require.True(t, created)
	created, err = db.PutCamera(ctx, Camera{ID: "cam1", Grid: "g2", Doc: []byte(`{"id":"cam1","v":2}`)}, alice)
	require.NoError(t, err)
	require.False(t, created)

	c, err := db.GetCamera(ctx, "cam1")
	require.NoError(t, err)
	require.Equal(t, Camera{ID: "cam1", Grid: "g2", Doc: []byte(`{"id":"cam1","v":2}`)}, c)
	cs, err := db.ListCameras(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 2)
	require.Equal(t, "cam1", cs[0].ID)
	require.Equal(t, "cam2", cs[1].ID)

	// Deleting a camera tombstones its rules in the same transaction.
	_, err = db.CreateRule(ctx, RuleWrite{ID: "r1", Camera: "cam1", Doc: []byte(`{}`), Actor: bob})
	require.NoError(t, err)
	_, err = db.CreateRule(ctx, RuleWrite{ID: "r2", Camera: "cam2", Doc: []byte(`{}`), Actor: bob})
	require.NoError(t, err)
	require.NoError(t, db.DeleteCamera(ctx, "cam1", alice))
	require.ErrorIs(t, db.DeleteCamera(ctx, "cam1", alice), ErrNotFound)
	_, err = db.GetRule(ctx, "r1")
	require.ErrorIs(t, err, ErrNotFound)
	vs, err := db.RuleVersions(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, RuleOpDelete, vs[0].Op)
	require.Equal(t, "camera cam1 deleted", vs[0].Comment)
	_, err = db.GetRule(ctx, "r2")
	require.NoError(t, err)

	es, _, err := db.ListAudit(ctx, AuditFilter{Action: "rule_delete"})
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Equal(t, "g2", es[0].Grid, "rule audit carries the camera's grid")
}

func TestEntityValidation(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	cases := []struct {
		name  string
		write func() error
		field string
	}{
		{"grid code", func() error { return db.CreateGrid(ctx, Grid{Doc: []byte(`{}`)}, alice) }, "code"},
		{"grid doc empty", func() error { return db.CreateGrid(ctx, Grid{Code: "g"}, alice) }, "doc"},
		{"grid doc not json", func() error {
			_, err := db.PutGrid(ctx, Grid{Code: "g", Doc: []byte(`{`)}, alice)
			return err
		}, "doc"},
		{"camera id", func() error { return db.CreateCamera(ctx, Camera{Doc: []byte(`{}`)}, alice) }, "id"},
		{"actor", func() error { return db.CreateCamera(ctx, Camera{ID: "c", Doc: []byte(`{}`)}, Actor{}) }, "actor"},
		{"rule camera", func() error {
			_, err := db.CreateRule(ctx, RuleWrite{ID: "r", Doc: []byte(`{}`), Actor: bob})
			return err
		}, "camera"},
		{"rule doc", func() error {
			_, err := db.CreateRule(ctx, RuleWrite{ID: "r", Camera: "c", Doc: []byte(`nope`), Actor: bob})
			return err
		}, "doc"},
		{"seed rule id", func() error {
			return db.Seed(ctx, Seed{Rules: []RuleRecord{{Camera: "c", Doc: []byte(`{}`)}}}, alice)
		}, "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.write()
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, c.field, fe.Field)
		})
	}
	empty, err := db.IsEmpty(ctx)
	require.NoError(t, err)
	require.True(t, empty, "rejected writes store nothing")
}
