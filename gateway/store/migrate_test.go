package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
)

// embeddedSubset returns the first n embedded migrations, plus extra files.
func embeddedSubset(t *testing.T, n int, extra fstest.MapFS) fstest.MapFS {
	t.Helper()
	ms, err := loadMigrations(nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(ms), n)
	out := fstest.MapFS{}
	for _, m := range ms[:n] {
		out[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// latestVersion is the newest embedded migration.
func latestVersion(t *testing.T) int {
	t.Helper()
	ms, err := loadMigrations(nil)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	return ms[len(ms)-1].version
}

// appliedAt returns schema_migrations as version -> applied_at.
func appliedAt(t *testing.T, path string) map[int]string {
	t.Helper()
	rows, err := rawDB(t, path).Query(`SELECT version, applied_at FROM schema_migrations`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var (
			v  int
			at string
		)
		require.NoError(t, rows.Scan(&v, &at))
		out[v] = at
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMigrateFreshAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	clk := newTestClock()
	db, err := Open(ctx, path, Options{Now: clk.Now})
	require.NoError(t, err)
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, latestVersion(t), v)
	require.NoError(t, db.Close())
	first := appliedAt(t, path)
	require.Len(t, first, latestVersion(t))

	clk.Add(time.Hour)
	db, err = Open(ctx, path, Options{Now: clk.Now})
	require.NoError(t, err)
	v, err = db.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, latestVersion(t), v)
	require.NoError(t, db.Close())
	require.Equal(t, first, appliedAt(t, path), "re-open must not re-apply migrations")

	var mode string
	require.NoError(t, rawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	require.Equal(t, "wal", mode)
}

func TestMigrateUpgradeFromPrevious(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	latest := latestVersion(t)
	old, err := Open(ctx, path, Options{Migrations: embeddedSubset(t, latest-1, nil)})
	require.NoError(t, err)
	v, err := old.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, latest-1, v)
	require.NoError(t, old.CreateGrid(ctx, Grid{Code: "g1", Doc: []byte(`{"code":"g1"}`)}, alice))
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer db.Close()
	v, err = db.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, latest, v)
	g, err := db.GetGrid(ctx, "g1")
	require.NoError(t, err)
	require.JSONEq(t, `{"code":"g1"}`, string(g.Doc))
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = rawDB(t, path).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (7, '0007_future', 'x')`)
	require.NoError(t, err)

	_, err = Open(ctx, path, Options{})
	var tooNew *SchemaTooNewError
	require.ErrorAs(t, err, &tooNew)
	require.Equal(t, 7, tooNew.Database)
	require.Contains(t, err.Error(), fmt.Sprintf(
		"database schema version 7 is newer than this sharpeyes (%d): upgrade sharpeyes", latestVersion(t)))
	require.Len(t, appliedAt(t, path), latestVersion(t)+1, "nothing changed")
}

func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	broken := embeddedSubset(t, 1, fstest.MapFS{
		"0002_broken.sql": &fstest.MapFile{Data: []byte(
			"CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")},
	})
	_, err := Open(ctx, path, Options{Migrations: broken})
	require.ErrorContains(t, err, "migration 0002_broken")
	require.Equal(t, []int{1}, keys(appliedAt(t, path)))
	var n int
	require.NoError(t, rawDB(t, path).QueryRow(
		`SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'`).Scan(&n))
	require.Zero(t, n, "the failed migration's first statement must be rolled back")

	db, err := Open(ctx, path, Options{})
	require.NoError(t, err, "the real migrations still apply")
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, latestVersion(t), v)
	require.NoError(t, db.Close())
}

func keys(m map[int]string) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestLoadMigrationsErrors(t *testing.T) {
	cases := []struct {
		name string
		fsys fs.FS
		want string
	}{
		{"bad name", fstest.MapFS{"1_init.sql": {Data: []byte("SELECT 1")}}, `"1_init.sql" is not named`},
		{"upper case", fstest.MapFS{"0001_Init.sql": {Data: []byte("SELECT 1")}}, "is not named"},
		{"duplicate", fstest.MapFS{
			"0001_a.sql": {Data: []byte("SELECT 1")},
			"0001_b.sql": {Data: []byte("SELECT 1")},
		}, "same version"},
		{"zero", fstest.MapFS{"0000_zero.sql": {Data: []byte("SELECT 1")}}, "bad version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadMigrations(c.fsys)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "garbage.db")
	require.NoError(t, writeFile(notDB, []byte("this is not an SQLite database, not at all......")))
	cases := []struct {
		name string
		path string
		want string
	}{
		{"empty", "", "path is empty"},
		{"missing dir", filepath.Join(dir, "nope", "s.db"), "directory"},
		{"query", filepath.Join(dir, "s.db?mode=ro"), "must not contain"},
		{"uri", "file:s.db", "plain file path"},
		{"not a database", notDB, "garbage.db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := Open(context.Background(), c.path, Options{})
			if err == nil {
				db.Close()
			}
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestErrorsMatchSentinels(t *testing.T) {
	db, _ := openTest(t)
	_, err := db.GetRule(context.Background(), "r1")
	require.ErrorIs(t, err, ErrNotFound)
	require.EqualError(t, err, "rule r1: not found")
	err = db.CreateGrid(context.Background(), Grid{Code: "", Doc: []byte(`{}`)}, alice)
	require.ErrorIs(t, err, ErrInvalid)
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, "code", fe.Field)
}
