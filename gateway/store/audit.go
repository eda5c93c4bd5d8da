package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	// ID is assigned by AppendAudit; it grows with every entry.
	ID int64
	// At is when it happened (zero: the store clock).
	At time.Time
	// Actor is the user or token name.
	Actor string
	// Role is the actor's role.
	Role string
	// Action is e.g. "login", "rule_update", "alert_transition".
	Action string
	// Target is the object acted on (rule id, camera id, event id, user name).
	Target string
	// Grid is the grid the target belongs to, for grid-scoped listing.
	Grid string
	// Detail is a small JSON object (optional).
	Detail json.RawMessage
	// Remote is the client address.
	Remote string
}

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	// Actor and Action match exactly when non-empty.
	Actor, Action string
	// Grids, when non-nil, keeps entries whose grid is in the set.
	Grids []string
	// From (inclusive) and To (exclusive) bound At when non-zero.
	From, To time.Time
	// Limit is the page size (default 100, at most 1000).
	Limit int
	// Before is the cursor returned with the previous page.
	Before string
}

// AppendAudit adds one entry to the audit log (its ID is assigned).
func (db *DB) AppendAudit(ctx context.Context, e AuditEntry) error {
	if err := checkKey("action", e.Action); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if len(e.Detail) > 0 && !json.Valid(e.Detail) {
		return fmt.Errorf("audit: %w", invalid("detail", "is not valid JSON"))
	}
	if e.At.IsZero() {
		e.At = db.now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := appendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// appendAudit inserts e inside tx (e.At must be set).
func appendAudit(ctx context.Context, tx querier, e AuditEntry) (int64, error) {
	var detail any
	if len(e.Detail) > 0 {
		detail = string(e.Detail)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, role, action, target, grid, detail, remote)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		fmtTime(e.At), e.Actor, e.Role, e.Action, e.Target, e.Grid, detail, e.Remote)
	if err != nil {
		return 0, fmt.Errorf("append audit: %w", err)
	}
	return res.LastInsertId()
}

// audit appends the entry of a change made by a inside tx.
func (db *DB) audit(ctx context.Context, tx querier, a Actor, action, target, grid string, detail any) error {
	raw, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	_, err = appendAudit(ctx, tx, AuditEntry{
		At: db.now(), Actor: a.Name, Role: a.Role, Remote: a.Remote,
		Action: action, Target: target, Grid: grid, Detail: raw,
	})
	return err
}

// ListAudit returns one page of entries, newest first, and the cursor of the
// next page ("" when this is the last).
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	var w where
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	whereIn(&w, "grid", f.Grids)
	if !f.From.IsZero() {
		w.add("at >= ?", fmtTime(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", fmtTime(f.To))
	}
	if f.Before != "" {
		at, key, err := decodeCursor(f.Before)
		if err != nil {
			return nil, "", fmt.Errorf("list audit: %w", err)
		}
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, "", fmt.Errorf("list audit: %w", invalid("before", "malformed cursor"))
		}
		w.add("(at, id) < (?, ?)", at, id)
	}
	limit := pageLimit(f.Limit, 100, 1000)
	rows, err := db.r.QueryContext(ctx, `SELECT id, at, actor, role, action, target, grid, detail, remote
		FROM audit`+w.sql()+` ORDER BY at DESC, id DESC LIMIT ?`, append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list audit: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(fmtTime(last.At), strconv.FormatInt(last.ID, 10))
	}
	return out, next, nil
}

// scanAudit reads one audit row.
func scanAudit(rows *sql.Rows) (AuditEntry, error) {
	var (
		e      AuditEntry
		at     string
		detail sql.NullString
	)
	if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Grid, &detail, &e.Remote); err != nil {
		return AuditEntry{}, err
	}
	t, err := parseTime(at)
	if err != nil {
		return AuditEntry{}, err
	}
	e.At = t
	if detail.Valid {
		e.Detail = json.RawMessage(detail.String)
	}
	return e, nil
}
