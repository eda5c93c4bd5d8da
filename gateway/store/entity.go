package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// entityTable describes a table of keyed documents with one reference
// column (grids: code/parent, cameras: id/grid). Names are constants, never
// input, so they are safe to format into SQL.
type entityTable struct {
	kind  string // "grid", also the audit action prefix
	table string
	key   string
	ref   string
}

// entity is one row of an entityTable.
type entity struct {
	key, ref string
	doc      []byte
}

// check validates e before a write.
func (t entityTable) check(e entity) error {
	if err := checkKey(t.key, e.key); err != nil {
		return err
	}
	return checkDoc("doc", e.doc)
}

// list returns every row ordered by key.
func (t entityTable) list(ctx context.Context, q querier) ([]entity, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT %s, %s, doc FROM %s ORDER BY %s`,
		t.key, t.ref, t.table, t.key))
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", t.kind, err)
	}
	defer rows.Close()
	var out []entity
	for rows.Next() {
		var e entity
		if err := rows.Scan(&e.key, &e.ref, &e.doc); err != nil {
			return nil, fmt.Errorf("list %ss: %w", t.kind, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %ss: %w", t.kind, err)
	}
	return out, nil
}

// get returns one row, or ErrNotFound.
func (t entityTable) get(ctx context.Context, q querier, key string) (entity, error) {
	e := entity{key: key}
	err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT %s, doc FROM %s WHERE %s = ?`, t.ref, t.table, t.key),
		key).Scan(&e.ref, &e.doc)
	if errors.Is(err, sql.ErrNoRows) {
		return entity{}, fmt.Errorf("%s %s: %w", t.kind, key, ErrNotFound)
	}
	if err != nil {
		return entity{}, fmt.Errorf("%s %s: %w", t.kind, key, err)
	}
	return e, nil
}

// exists reports whether key has a row.
func (t entityTable) exists(ctx context.Context, q querier, key string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE %s = ?`, t.table, t.key), key).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", t.kind, key, err)
	}
	return n > 0, nil
}

// insertEntity adds e inside tx, or fails with ErrExists.
func (db *DB) insertEntity(ctx context.Context, tx querier, t entityTable, e entity) error {
	found, err := t.exists(ctx, tx, e.key)
	if err != nil {
		return err
	}
	if found {
		return fmt.Errorf("%s %s: %w", t.kind, e.key, ErrExists)
	}
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s, %s, doc, updated_at) VALUES (?, ?, ?, ?)`,
		t.table, t.key, t.ref), e.key, e.ref, string(e.doc), db.nowText())
	if err != nil {
		return fmt.Errorf("%s %s: %w", t.kind, e.key, err)
	}
	return markPopulated(ctx, tx)
}

// createEntity adds e and its audit entry.
func (db *DB) createEntity(ctx context.Context, t entityTable, e entity, a Actor, auditGrid string) error {
	if err := t.check(e); err != nil {
		return fmt.Errorf("%s: %w", t.kind, err)
	}
	if err := a.check(); err != nil {
		return fmt.Errorf("%s %s: %w", t.kind, e.key, err)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := db.insertEntity(ctx, tx, t, e); err != nil {
			return err
		}
		return db.audit(ctx, tx, a, t.kind+"_create", e.key, auditGrid, map[string]string{t.ref: e.ref})
	})
}

// putEntity inserts or replaces e and reports whether it was created.
func (db *DB) putEntity(ctx context.Context, t entityTable, e entity, a Actor, auditGrid string) (bool, error) {
	if err := t.check(e); err != nil {
		return false, fmt.Errorf("%s: %w", t.kind, err)
	}
	if err := a.check(); err != nil {
		return false, fmt.Errorf("%s %s: %w", t.kind, e.key, err)
	}
	var created bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		found, err := t.exists(ctx, tx, e.key)
		if err != nil {
			return err
		}
		created = !found
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %[1]s (%[2]s, %[3]s, doc, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (%[2]s) DO UPDATE SET %[3]s = excluded.%[3]s, doc = excluded.doc, updated_at = excluded.updated_at`,
			t.table, t.key, t.ref), e.key, e.ref, string(e.doc), db.nowText())
		if err != nil {
			return fmt.Errorf("%s %s: %w", t.kind, e.key, err)
		}
		if err := markPopulated(ctx, tx); err != nil {
			return err
		}
		action := t.kind + "_update"
		if created {
			action = t.kind + "_create"
		}
		return db.audit(ctx, tx, a, action, e.key, auditGrid, map[string]string{t.ref: e.ref})
	})
	return created, err
}

// deleteEntity removes key inside tx (ErrNotFound when absent) and appends
// the audit entry; it returns the removed row.
func (db *DB) deleteEntity(ctx context.Context, tx querier, t entityTable, key string, a Actor,
	auditGrid func(entity) string,
) (entity, error) {
	e, err := t.get(ctx, tx, key)
	if err != nil {
		return entity{}, err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s = ?`, t.table, t.key), key); err != nil {
		return entity{}, fmt.Errorf("%s %s: %w", t.kind, key, err)
	}
	return e, db.audit(ctx, tx, a, t.kind+"_delete", key, auditGrid(e), map[string]string{t.ref: e.ref})
}
