package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MaxAttachmentSize is the largest attachment a transition may carry.
const MaxAttachmentSize = 2 << 20

// Attachment is a file attached to an alert transition (a photo of the site).
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// TransitionWrite is one requested move of an alert's workflow state.
type TransitionWrite struct {
	// From is the state the caller saw; the move fails with ErrConflict when
	// the alert is no longer in it.
	From string
	// To is the new state. Which moves are allowed is the caller's business.
	To      string
	Actor   Actor
	Comment string
	// Grid, when set, becomes the alert's assigned grid (dispatch).
	Grid string
	// Attachment is optional; at most MaxAttachmentSize bytes.
	Attachment *Attachment
}

// Transition is one recorded move of an alert.
type Transition struct {
	// Seq numbers the moves of one alert from 1.
	Seq           int
	From          string
	To            string
	Actor         string
	At            time.Time
	Comment       string
	Grid          string
	HasAttachment bool
}

// check validates w.
func (w TransitionWrite) check() error {
	if err := checkKey("from", w.From); err != nil {
		return err
	}
	if err := checkKey("to", w.To); err != nil {
		return err
	}
	if err := w.Actor.check(); err != nil {
		return err
	}
	if a := w.Attachment; a != nil {
		switch {
		case a.Name == "":
			return invalid("attachment.name", "must not be empty")
		case len(a.Data) == 0:
			return invalid("attachment.data", "must not be empty")
		case len(a.Data) > MaxAttachmentSize:
			return invalid("attachment.data", "%d bytes is more than the limit of %d", len(a.Data), MaxAttachmentSize)
		}
	}
	return nil
}

// TransitionAlert moves an alert from w.From to w.To atomically (compare
// and set): ErrNotFound when the alert is absent, ErrConflict when its state
// is not w.From. It records the transition and its attachment, sets the
// assigned grid when w.Grid is set, sets ClosedAt when w.To is closed or void
// (clears it otherwise), and appends an alert_transition audit entry.
func (db *DB) TransitionAlert(ctx context.Context, id string, w TransitionWrite) (AlertRow, Transition, error) {
	if err := w.check(); err != nil {
		return AlertRow{}, Transition{}, fmt.Errorf("alert %s transition: %w", id, err)
	}
	var (
		row AlertRow
		tr  Transition
	)
	err := db.write(ctx, func(tx *sql.Tx) error {
		cur, err := getAlert(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.State != w.From {
			return fmt.Errorf("alert %s: %w: state is %s, not %s", id, ErrConflict, cur.State, w.From)
		}
		if tr, err = db.insertTransition(ctx, tx, id, w); err != nil {
			return err
		}
		if err := db.applyTransition(ctx, tx, id, w, tr.At); err != nil {
			return err
		}
		if row, err = getAlert(ctx, tx, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, w.Actor, "alert_transition", id, cur.Grid, transitionDetail(tr, w))
	})
	if err != nil {
		return AlertRow{}, Transition{}, err
	}
	return row, tr, nil
}

// insertTransition records the next transition of id and its attachment.
func (db *DB) insertTransition(ctx context.Context, tx querier, id string, w TransitionWrite) (Transition, error) {
	tr := Transition{From: w.From, To: w.To, Actor: w.Actor.Name, At: db.now().UTC(),
		Comment: w.Comment, Grid: w.Grid, HasAttachment: w.Attachment != nil}
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM alert_transitions WHERE event_id = ?`,
		id).Scan(&tr.Seq)
	if err != nil {
		return Transition{}, fmt.Errorf("alert %s: %w", id, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO alert_transitions
		(event_id, seq, from_state, to_state, actor, at, comment, grid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, tr.Seq, tr.From, tr.To, tr.Actor, fmtTime(tr.At), tr.Comment, tr.Grid)
	if err != nil {
		return Transition{}, fmt.Errorf("alert %s transition %d: %w", id, tr.Seq, err)
	}
	if a := w.Attachment; a != nil {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO alert_attachments (event_id, seq, name, content_type, data)
			VALUES (?, ?, ?, ?, ?)`, id, tr.Seq, a.Name, ct, a.Data)
		if err != nil {
			return Transition{}, fmt.Errorf("alert %s attachment %d: %w", id, tr.Seq, err)
		}
	}
	return tr, nil
}

// applyTransition updates the alert row for a transition made at.
func (db *DB) applyTransition(ctx context.Context, tx querier, id string, w TransitionWrite, at time.Time) error {
	var closed any
	if w.To == AlertStateClosed || w.To == AlertStateVoid {
		closed = fmtTime(at)
	}
	_, err := tx.ExecContext(ctx, `UPDATE alerts SET state = ?,
			assigned_grid = CASE WHEN ? <> '' THEN ? ELSE assigned_grid END,
			closed_at = ?, updated_at = max(updated_at, ?)
		WHERE event_id = ?`, w.To, w.Grid, w.Grid, closed, fmtTime(at), id)
	if err != nil {
		return fmt.Errorf("alert %s: %w", id, err)
	}
	return nil
}

// transitionDetail is the audit detail of a transition.
func transitionDetail(tr Transition, w TransitionWrite) map[string]any {
	d := map[string]any{"seq": tr.Seq, "from": tr.From, "to": tr.To}
	if w.Grid != "" {
		d["grid"] = w.Grid
	}
	if w.Attachment != nil {
		d["attachment"] = w.Attachment.Name
	}
	return d
}

// listTransitions returns the transitions of id, oldest first.
func listTransitions(ctx context.Context, q querier, id string) ([]Transition, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.seq, t.from_state, t.to_state, t.actor, t.at, t.comment, t.grid,
			a.seq IS NOT NULL
		FROM alert_transitions t LEFT JOIN alert_attachments a ON a.event_id = t.event_id AND a.seq = t.seq
		WHERE t.event_id = ? ORDER BY t.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("alert %s transitions: %w", id, err)
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		var (
			tr Transition
			at string
		)
		if err := rows.Scan(&tr.Seq, &tr.From, &tr.To, &tr.Actor, &at, &tr.Comment, &tr.Grid, &tr.HasAttachment); err != nil {
			return nil, fmt.Errorf("alert %s transitions: %w", id, err)
		}
		if tr.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("alert %s transitions: %w", id, err)
		}
		out = append(out, tr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alert %s transitions: %w", id, err)
	}
	return out, nil
}

// Attachment returns the attachment of transition seq of an alert, or
// ErrNotFound.
func (db *DB) Attachment(ctx context.Context, eventID string, seq int) (Attachment, error) {
	var a Attachment
	err := db.r.QueryRowContext(ctx, `SELECT name, content_type, data FROM alert_attachments
		WHERE event_id = ? AND seq = ?`, eventID, seq).Scan(&a.Name, &a.ContentType, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return Attachment{}, fmt.Errorf("alert %s attachment %d: %w", eventID, seq, ErrNotFound)
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("alert %s attachment %d: %w", eventID, seq, err)
	}
	return a, nil
}
