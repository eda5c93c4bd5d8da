package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRuleVersioning(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	t0 := clk.Now()

	r, err := db.CreateRule(ctx, RuleWrite{ID: "r1", Camera: "cam1", Doc: []byte(`{"v":"a"}`), Actor: bob, Comment: "first"})
	require.NoError(t, err)
	require.Equal(t, RuleRecord{ID: "r1", Camera: "cam1", Doc: []byte(`{"v":"a"}`), Version: 1,
		UpdatedAt: t0, UpdatedBy: "bob"}, r)
	_, err = db.CreateRule(ctx, RuleWrite{ID: "r1", Camera: "cam1", Doc: []byte(`{}`), Actor: bob})
	require.ErrorIs(t, err, ErrExists)

	clk.Add(time.Minute)
	r, err = db.UpdateRule(ctx, RuleWrite{ID: "r1", Camera: "cam2", Doc: []byte(`{"v":"b"}`), Actor: alice, IfVersion: 1})
	require.NoError(t, err)
	require.Equal(t, 2, r.Version)

	// A stale editor loses.
	_, err = db.UpdateRule(ctx, RuleWrite{ID: "r1", Camera: "cam2", Doc: []byte(`{"v":"x"}`), Actor: bob, IfVersion: 1})
	require.ErrorIs(t, err, ErrConflict)
	require.EqualError(t, err, "rule r1: conflict: version is 2, not 1")
	require.ErrorIs(t, db.DeleteRule(ctx, "r1", bob, 1), ErrConflict)
	_, err = db.UpdateRule(ctx, RuleWrite{ID: "nope", Camera: "c", Doc: []byte(`{}`), Actor: bob})
	require.ErrorIs(t, err, ErrNotFound)

	got, err := db.GetRule(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, RuleRecord{ID: "r1", Camera: "cam2", Doc: []byte(`{"v":"b"}`), Version: 2,
		UpdatedAt: t0.Add(time.Minute), UpdatedBy: "alice"}, got)

	clk.Add(time.Minute)
	require.NoError(t, db.DeleteRule(ctx, "r1", bob, 2))
	_, err = db.GetRule(ctx, "r1")
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorIs(t, db.DeleteRule(ctx, "r1", bob, 0), ErrNotFound)
	_, err = db.UpdateRule(ctx, RuleWrite{ID: "r1", Camera: "c", Doc: []byte(`{}`), Actor: bob})
	require.ErrorIs(t, err, ErrNotFound)
	rs, err := db.ListRules(ctx, "")
	require.NoError(t, err)
	require.Empty(t, rs)

	// Rolling back to a tombstone is refused; to version 1 undeletes.
	_, err = db.RollbackRule(ctx, "r1", 3, alice, "")
	require.ErrorIs(t, err, ErrInvalid)
	_, err = db.RollbackRule(ctx, "r1", 9, alice, "")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = db.RollbackRule(ctx, "nope", 1, alice, "")
	require.ErrorIs(t, err, ErrNotFound)
	clk.Add(time.Minute)
	r, err = db.RollbackRule(ctx, "r1", 1, alice, "back to a")
	require.NoError(t, err)
	require.Equal(t, RuleRecord{ID: "r1", Camera: "cam1", Doc: []byte(`{"v":"a"}`), Version: 4,
		UpdatedAt: t0.Add(3 * time.Minute), UpdatedBy: "alice"}, r)
	got, err = db.GetRule(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, r, got)

	vs, err := db.RuleVersions(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, []RuleVersion{
		{Version: 4, Op: RuleOpRollback, Doc: []byte(`{"v":"a"}`), Camera: "cam1", Actor: "alice", At: t0.Add(3 * time.Minute), Comment: "back to a"},
		{Version: 3, Op: RuleOpDelete, Doc: []byte(`{"v":"b"}`), Camera: "cam2", Actor: "bob", At: t0.Add(2 * time.Minute)},
		{Version: 2, Op: RuleOpUpdate, Doc: []byte(`{"v":"b"}`), Camera: "cam2", Actor: "alice", At: t0.Add(time.Minute)},
		{Version: 1, Op: RuleOpCreate, Doc: []byte(`{"v":"a"}`), Camera: "cam1", Actor: "bob", At: t0, Comment: "first"},
	}, vs)

	// Deleting again and re-creating continues the numbering.
	require.NoError(t, db.DeleteRule(ctx, "r1", bob, 0))
	r, err = db.CreateRule(ctx, RuleWrite{ID: "r1", Camera: "cam3", Doc: []byte(`{"v":"c"}`), Actor: bob})
	require.NoError(t, err)
	require.Equal(t, 6, r.Version)

	_, err = db.RuleVersions(ctx, "never")
	require.ErrorIs(t, err, ErrNotFound)

	require.Equal(t, []string{
		"rule_create r1", "rule_update r1", "rule_delete r1", "rule_rollback r1", "rule_delete r1", "rule_create r1",
	}, auditActions(t, db, AuditFilter{}))
	es, _, err := db.ListAudit(ctx, AuditFilter{Action: "rule_rollback"})
	require.NoError(t, err)
	require.JSONEq(t, `{"version":4,"camera":"cam1","comment":"back to a"}`, string(es[0].Detail))
}

func TestListRulesByCamera(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	for _, w := range []RuleWrite{
		{ID: "r3", Camera: "cam1"}, {ID: "r1", Camera: "cam1"}, {ID: "r2", Camera: "cam2"}, {ID: "r4", Camera: "cam1"},
	} {
		w.Doc, w.Actor = []byte(`{}`), bob
		_, err := db.CreateRule(ctx, w)
		require.NoError(t, err)
	}
	require.NoError(t, db.DeleteRule(ctx, "r4", bob, 0))

	cases := []struct {
		camera string
		want   []string
	}{
		{"", []string{"r1", "r2", "r3"}},
		{"cam1", []string{"r1", "r3"}},
		{"cam2", []string{"r2"}},
		{"cam9", nil},
	}
	for _, c := range cases {
		rs, err := db.ListRules(ctx, c.camera)
		require.NoError(t, err)
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		require.Equal(t, c.want, ids, "camera %q", c.camera)
	}

	n, err := db.DeleteCameraRules(ctx, "cam1", alice)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	rs, err := db.ListRules(ctx, "")
	require.NoError(t, err)
	require.Len(t, rs, 1)
}
