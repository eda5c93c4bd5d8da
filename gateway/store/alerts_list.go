package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AlertFilter selects alerts. Nil slices and zero times match everything; an
// empty non-nil slice matches nothing (a grid-scoped caller whose subtree is
// empty sees no alert).
type AlertFilter struct {
	States []string
	// Cameras keeps alerts of these cameras.
	Cameras []string
	// Grids keeps alerts whose grid or assigned grid is in the set.
	Grids      []string
	Types      []string
	Priorities []int
	// From (inclusive) and To (exclusive) bound RaisedAt.
	From, To time.Time
	// OverdueAt, when set, keeps alerts with a deadline before it that are
	// not closed or void.
	OverdueAt time.Time
	// Limit is the page size (default 50, at most 500).
	Limit int
	// Before is the cursor returned with the previous page.
	Before string
}

// ListAlerts returns one page of alerts, newest RaisedAt first (ties by
// event id), and the cursor of the next page ("" when this is the last).
// Paging is stable while alerts are added: a cursor is a position, not an
// offset.
func (db *DB) ListAlerts(ctx context.Context, f AlertFilter) ([]AlertRow, string, error) {
	w, err := alertWhere(f)
	if err != nil {
		return nil, "", fmt.Errorf("list alerts: %w", err)
	}
	limit := pageLimit(f.Limit, 50, 500)
	rows, err := db.r.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts`+w.sql()+
		` ORDER BY raised_at DESC, event_id DESC LIMIT ?`, append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var (
		out        []AlertRow
		lastRaised string
	)
	for rows.Next() {
		if len(out) == limit {
			// The extra row only tells that a next page exists.
			return out, encodeCursor(lastRaised, out[limit-1].EventID), nil
		}
		a, raised, err := scanAlert(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, a)
		lastRaised = raised
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list alerts: %w", err)
	}
	return out, "", nil
}

// alertWhere builds the conditions of f.
func alertWhere(f AlertFilter) (where, error) {
	var w where
	whereIn(&w, "state", f.States)
	whereIn(&w, "camera", f.Cameras)
	if f.Grids != nil {
		var g where
		whereIn(&g, "grid", f.Grids)
		whereIn(&g, "assigned_grid", f.Grids)
		w.add("("+strings.Join(g.conds, " OR ")+")", g.args...)
	}
	whereIn(&w, "type", f.Types)
	whereIn(&w, "priority", f.Priorities)
	if !f.From.IsZero() {
		w.add("raised_at >= ?", fmtTime(f.From))
	}
	if !f.To.IsZero() {
		w.add("raised_at < ?", fmtTime(f.To))
	}
	if !f.OverdueAt.IsZero() {
		w.add("deadline IS NOT NULL AND deadline < ? AND state NOT IN (?, ?)",
			fmtTime(f.OverdueAt), AlertStateClosed, AlertStateVoid)
	}
	if f.Before != "" {
		at, id, err := decodeCursor(f.Before)
		if err != nil {
			return where{}, err
		}
		w.add("(raised_at, event_id) < (?, ?)", at, id)
	}
	return w, nil
}
