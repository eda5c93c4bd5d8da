package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func testSeed() Seed {
	return Seed{
		Grids: []Grid{
			{Code: "city", Doc: []byte(`{"code":"city"}`)},
			{Code: "north", Parent: "city", Doc: []byte(`{"code":"north"}`)},
		},
		Cameras: []Camera{{ID: "cam1", Grid: "north", Doc: []byte(`{"id":"cam1"}`)}},
		Rules: []RuleRecord{
			{ID: "r1", Camera: "cam1", Doc: []byte(`{"id":"r1"}`)},
			{ID: "r2", Camera: "cam1", Doc: []byte(`{"id":"r2"}`)},
		},
	}
}

func TestSeedAndSnapshot(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	empty, err := db.IsEmpty(ctx)
	require.NoError(t, err)
	require.True(t, empty)

	require.NoError(t, db.Seed(ctx, testSeed(), Actor{Name: "config"}))
	empty, err = db.IsEmpty(ctx)
	require.NoError(t, err)
	require.False(t, empty)

	s, err := db.Snapshot(ctx)
	require.NoError(t, err)
	want := testSeed()
	for i := range want.Rules {
		want.Rules[i].Version, want.Rules[i].UpdatedAt, want.Rules[i].UpdatedBy = 1, clk.Now(), "config"
	}
	require.Equal(t, want, s)

	// Re-seeding the export is refused as a whole.
	require.ErrorIs(t, db.Seed(ctx, s, Actor{Name: "config"}), ErrExists)

	// Deleting everything does not make the database empty again.
	require.NoError(t, db.DeleteCamera(ctx, "cam1", alice))
	require.NoError(t, db.DeleteGrid(ctx, "north", alice))
	require.NoError(t, db.DeleteGrid(ctx, "city", alice))
	s, err = db.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, Seed{}, s)
	empty, err = db.IsEmpty(ctx)
	require.NoError(t, err)
	require.False(t, empty)
}

func TestSeedAllOrNothing(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Seed)
		want   string
	}{
		{"duplicate rule", func(s *Seed) { s.Rules = append(s.Rules, s.Rules[0]) }, "rules[2]: rule r1: already exists"},
		{"duplicate grid", func(s *Seed) { s.Grids = append(s.Grids, s.Grids[1]) }, "grids[2]: grid north: already exists"},
		{"bad camera doc", func(s *Seed) { s.Cameras[0].Doc = []byte("{") }, "cameras[0]: doc: is not valid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openTest(t)
			s := testSeed()
			c.mutate(&s)
			require.EqualError(t, db.Seed(ctx, s, Actor{Name: "config"}), "seed: "+c.want)

			snap, err := db.Snapshot(ctx)
			require.NoError(t, err)
			require.Equal(t, Seed{}, snap, "nothing stored")
			empty, err := db.IsEmpty(ctx)
			require.NoError(t, err)
			require.True(t, empty)
			require.Empty(t, auditActions(t, db, AuditFilter{}))
			_, err = db.RuleVersions(ctx, "r1")
			require.ErrorIs(t, err, ErrNotFound)
		})
	}
}
