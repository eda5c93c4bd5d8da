// Package store is the embedded SQLite database of Sharp Eyes: grids, cameras,
// versioned rules, alerts and their handling, users, login sessions and the
// audit log.
//
// Entities are opaque JSON documents (Doc) plus the key columns queries need;
// the package knows nothing about the gateway's config types.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"
)

// defaultReaders is the size of the read connection pool.
const defaultReaders = 4

// Options are the optional settings of Open.
type Options struct {
	// Now is the clock used for every stored timestamp (default time.Now).
	Now func() time.Time
	// Logger receives migration and maintenance messages (default: discarded).
	Logger *slog.Logger
	// Migrations replaces the embedded migrations (files NNNN_name.sql at the
	// root of the FS). Tests use it; nil means the migrations built in.
	Migrations fs.FS
	// MaxReaders bounds the read connections (default 4).
	MaxReaders int
}

// DB is an open Sharp Eyes database. It is safe for concurrent use.
//
// All writes go through one connection (w), so writers of this process queue
// in database/sql instead of failing with SQLITE_BUSY; reads use a separate
// pool of query-only connections (r) that WAL lets run beside the writer.
type DB struct {
	w    *sql.DB
	r    *sql.DB
	now  func() time.Time
	log  *slog.Logger
	path string
}

// Open opens or creates the database file at path (its directory must exist)
// and applies the migrations it lacks.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	db := &DB{now: opts.Now, log: opts.Logger, path: path}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	db.log = db.log.With("component", "store")

	ms, err := loadMigrations(opts.Migrations)
	if err != nil {
		return nil, err
	}
	if err := db.openPools(ctx, opts.MaxReaders); err != nil {
		return nil, err
	}
	if err := db.migrate(ctx, ms); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return db, nil
}

// checkPath refuses paths the driver would misread or cannot create.
func checkPath(path string) error {
	switch {
	case path == "":
		return fmt.Errorf("store: path is empty")
	case strings.ContainsAny(path, "?#"):
		return fmt.Errorf("store %s: path must not contain '?' or '#'", path)
	case strings.HasPrefix(path, "file:") || path == ":memory:":
		return fmt.Errorf("store %s: path must be a plain file path", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("store %s: directory: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("store %s: %s is not a directory", path, dir)
	}
	return nil
}

// openPools opens the single write connection first (it sets WAL mode, which
// is persistent) and then the read pool.
func (db *DB) openPools(ctx context.Context, readers int) error {
	const common = "_busy_timeout=5000&_foreign_keys=1&_synchronous=NORMAL"
	w, err := sql.Open("sqlite", db.path+"?"+common+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("store %s: %w", db.path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return fmt.Errorf("store %s: open: %w", db.path, err)
	}

	if readers <= 0 {
		readers = defaultReaders
	}
	r, err := sql.Open("sqlite", db.path+"?"+common+"&_query_only=1")
	if err != nil {
		w.Close()
		return fmt.Errorf("store %s: %w", db.path, err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	db.w, db.r = w, r
	return nil
}

// Close closes the database. Calls in flight finish first.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// write runs fn in one immediate transaction on the write connection and
// commits it when fn returns nil.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// read runs fn in one read transaction, so multi-query reads see one snapshot.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only; nothing to undo
	return fn(tx)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// markPopulated records that an entity has been written, for IsEmpty.
func markPopulated(ctx context.Context, tx querier) error {
	_, err := tx.ExecContext(ctx,
		`INSERT OR IGNORE INTO store_meta (key, value) VALUES ('populated', '1')`)
	if err != nil {
		return fmt.Errorf("mark populated: %w", err)
	}
	return nil
}
