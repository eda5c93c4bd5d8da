package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Alert states this package knows about; the other workflow states are plain
// strings to it (it only compares and sets them).
const (
	// AlertStateNew is the state of a freshly recorded alert.
	AlertStateNew = "new"
	// AlertStateClosed and AlertStateVoid end the workflow: they set ClosedAt
	// and stop the alert from being overdue; PurgeAlerts removes them.
	AlertStateClosed = "closed"
	AlertStateVoid   = "void"
)

// AlertMessage is one alert document the gateway published; all messages of
// one event share EventID.
type AlertMessage struct {
	EventID  string
	Camera   string
	Grid     string
	RuleID   string
	Type     string
	Priority int
	// Action is the alert action: start, update, end or pulse.
	Action string
	// FrameTime is the time of the frame that produced the message.
	FrameTime time.Time
	// Deadline is when handling is due (zero: none); the gateway computes it.
	Deadline time.Time
	// Doc is the alert JSON as published.
	Doc []byte
}

// AlertRow is one alert (event) and its handling state.
type AlertRow struct {
	EventID      string
	Camera       string
	Grid         string
	RuleID       string
	Type         string
	Priority     int
	State        string
	AssignedGrid string
	// RaisedAt is the FrameTime of the event's first message.
	RaisedAt time.Time
	// UpdatedAt is the latest message FrameTime or transition time.
	UpdatedAt time.Time
	// Deadline and ClosedAt are zero when unset.
	Deadline   time.Time
	ClosedAt   time.Time
	LastAction string
	// Doc is the latest alert JSON.
	Doc []byte
}

// alertColumns are the columns scanAlert reads, in order.
const alertColumns = `event_id, camera, grid, rule_id, type, priority, state, assigned_grid,
	raised_at, updated_at, deadline, closed_at, last_action, doc`

// check validates m.
func (m AlertMessage) check() error {
	if err := checkKey("event_id", m.EventID); err != nil {
		return err
	}
	if err := checkKey("camera", m.Camera); err != nil {
		return err
	}
	if m.FrameTime.IsZero() {
		return invalid("frame_time", "must be set")
	}
	return checkDoc("doc", m.Doc)
}

// RecordAlert stores a published alert message. The first message of an
// event creates the row in state "new", raised at m.FrameTime; a later one
// (newer FrameTime, or the same with another document) replaces the
// document, last action and deadline but never the workflow state. Replaying
// a message already recorded changes nothing.
func (db *DB) RecordAlert(ctx context.Context, m AlertMessage) error {
	if err := m.check(); err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	frame := fmtTime(m.FrameTime)
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO alerts (event_id, camera, grid, rule_id, type, priority, state,
				raised_at, updated_at, deadline, last_action, last_frame_at, doc)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'new', ?7, ?7, ?8, ?9, ?7, ?10)
			ON CONFLICT (event_id) DO UPDATE SET
				last_action = excluded.last_action, doc = excluded.doc, last_frame_at = excluded.last_frame_at,
				updated_at = max(alerts.updated_at, excluded.updated_at),
				deadline = coalesce(excluded.deadline, alerts.deadline)
			WHERE excluded.last_frame_at > alerts.last_frame_at
				OR (excluded.last_frame_at = alerts.last_frame_at AND excluded.doc <> alerts.doc)`,
			m.EventID, m.Camera, m.Grid, m.RuleID, m.Type, m.Priority, frame,
			fmtOptTime(m.Deadline), m.Action, string(m.Doc))
		return err
	})
	if err != nil {
		return fmt.Errorf("alert %s: %w", m.EventID, err)
	}
	return nil
}

// GetAlert returns one alert and its transitions, oldest first.
func (db *DB) GetAlert(ctx context.Context, id string) (AlertRow, []Transition, error) {
	var (
		row AlertRow
		ts  []Transition
	)
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if row, err = getAlert(ctx, tx, id); err != nil {
			return err
		}
		ts, err = listTransitions(ctx, tx, id)
		return err
	})
	return row, ts, err
}

// getAlert reads one alert row; ErrNotFound when absent.
func getAlert(ctx context.Context, q querier, id string) (AlertRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts WHERE event_id = ?`, id)
	if err != nil {
		return AlertRow{}, fmt.Errorf("alert %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return AlertRow{}, fmt.Errorf("alert %s: %w", id, err)
		}
		return AlertRow{}, fmt.Errorf("alert %s: %w", id, ErrNotFound)
	}
	a, _, err := scanAlert(rows)
	if err != nil {
		return AlertRow{}, fmt.Errorf("alert %s: %w", id, err)
	}
	return a, nil
}

// scanAlert reads one row of alertColumns and returns its raised_at text too.
func scanAlert(rows *sql.Rows) (AlertRow, string, error) {
	var (
		a                  AlertRow
		raised, updated    string
		deadline, closedAt sql.NullString
	)
	err := rows.Scan(&a.EventID, &a.Camera, &a.Grid, &a.RuleID, &a.Type, &a.Priority, &a.State, &a.AssignedGrid,
		&raised, &updated, &deadline, &closedAt, &a.LastAction, &a.Doc)
	if err != nil {
		return AlertRow{}, "", err
	}
	var errs [4]error
	a.RaisedAt, errs[0] = parseTime(raised)
	a.UpdatedAt, errs[1] = parseTime(updated)
	a.Deadline, errs[2] = parseOptTime(deadline)
	a.ClosedAt, errs[3] = parseOptTime(closedAt)
	if err := errors.Join(errs[:]...); err != nil {
		return AlertRow{}, "", err
	}
	return a, raised, nil
}

// PurgeAlerts deletes the closed and void alerts raised before the given
// time, with their transitions and attachments, and returns how many.
func (db *DB) PurgeAlerts(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM alerts WHERE state IN (?, ?) AND raised_at < ?`,
			AlertStateClosed, AlertStateVoid, fmtTime(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge alerts: %w", err)
	}
	if n > 0 {
		db.log.Info("alerts purged", "count", n, "before", before)
	}
	return int(n), nil
}
