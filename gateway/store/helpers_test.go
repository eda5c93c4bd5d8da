package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testClock is an injectable clock that tests step by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	alice = Actor{Name: "alice", Role: "admin", Remote: "127.0.0.1:5000"}
	bob   = Actor{Name: "bob", Role: "rule_author", Remote: "127.0.0.1:5001"}
)

// openTest opens a fresh database in a temp dir, closed at cleanup.
func openTest(t *testing.T) (*DB, *testClock) {
	t.Helper()
	clk := newTestClock()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sharpeyes.db"), Options{Now: clk.Now})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db, clk
}

// rawDB opens path with the driver directly, bypassing Open.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })
	return raw
}

// auditActions lists the audit log as "action target" lines, oldest first.
func auditActions(t *testing.T, db *DB, f AuditFilter) []string {
	t.Helper()
	f.Limit = 1000
	es, _, err := db.ListAudit(context.Background(), f)
	require.NoError(t, err)
	out := make([]string, len(es))
	for i, e := range es {
		out[len(es)-1-i] = e.Action + " " + e.Target
	}
	return out
}

// writeFile writes a file for a test.
func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }
