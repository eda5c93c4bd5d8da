package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// CreateRule stores version 1 of a new rule, or the next version of a deleted
// one; ErrExists when a live rule has the id.
func (db *DB) CreateRule(ctx context.Context, w RuleWrite) (RuleRecord, error) {
	if err := w.check(); err != nil {
		return RuleRecord{}, fmt.Errorf("rule: %w", err)
	}
	var rec RuleRecord
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		rec, err = db.createRule(ctx, tx, w)
		return err
	})
	return rec, err
}

// createRule is CreateRule inside tx (w already checked).
func (db *DB) createRule(ctx context.Context, tx querier, w RuleWrite) (RuleRecord, error) {
	cur, err := loadRule(ctx, tx, w.ID)
	if err != nil {
		return RuleRecord{}, err
	}
	version := 1
	if cur != nil {
		if !cur.deleted {
			return RuleRecord{}, fmt.Errorf("rule %s: %w", w.ID, ErrExists)
		}
		version = cur.Version + 1
	}
	return db.writeRuleVersion(ctx, tx, ruleChange{w.ID, version, RuleOpCreate, w.Camera, w.Doc, w.Actor, w.Comment})
}

// or deleted, ErrConflict when w.IfVersion is set and is not the current one.
func (db *DB) UpdateRule(ctx context.Context, w RuleWrite) (RuleRecord, error) {
	if err := w.check(); err != nil {
		return RuleRecord{}, fmt.Errorf("rule: %w", err)
	}
	var rec RuleRecord
	err := db.write(ctx, func(tx *sql.Tx) error {
		cur, err := loadLiveRule(ctx, tx, w.ID, w.IfVersion)
		if err != nil {
			return err
		}
		rec, err = db.writeRuleVersion(ctx, tx,
			ruleChange{w.ID, cur.Version + 1, RuleOpUpdate, w.Camera, w.Doc, w.Actor, w.Comment})
		return err
	})
	return rec, err
}

// when absent or deleted, ErrConflict when ifVersion (0: any) is not current.
func (db *DB) DeleteRule(ctx context.Context, id string, a Actor, ifVersion int) error {
	if err := a.check(); err != nil {
		return fmt.Errorf("rule %s: %w", id, err)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		cur, err := loadLiveRule(ctx, tx, id, ifVersion)
		if err != nil {
			return err
		}
		_, err = db.writeRuleVersion(ctx, tx, ruleChange{id, cur.Version + 1, RuleOpDelete, cur.Camera, cur.Doc, a, ""})
		return err
	})
}

// DeleteCameraRules deletes every live rule of camera, each with a tombstone
// version, and returns how many it deleted. DeleteCamera already does this.
func (db *DB) DeleteCameraRules(ctx context.Context, camera string, a Actor) (int, error) {
	if err := a.check(); err != nil {
		return 0, fmt.Errorf("rules of camera %s: %w", camera, err)
	}
	var n int
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = db.deleteCameraRules(ctx, tx, camera, a)
		return err
	})
	return n, err
}

// deleteCameraRules tombstones the live rules of camera inside tx.
func (db *DB) deleteCameraRules(ctx context.Context, tx querier, camera string, a Actor) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, camera, doc, version, deleted, updated_at, updated_by
		FROM rules WHERE camera = ? AND deleted = 0 ORDER BY id`, camera)
	if err != nil {
		return 0, fmt.Errorf("rules of camera %s: %w", camera, err)
	}
	var live []ruleRow
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("rules of camera %s: %w", camera, err)
		}
		live = append(live, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("rules of camera %s: %w", camera, err)
	}
	comment := "camera " + camera + " deleted"
	for _, r := range live {
		if _, err := db.writeRuleVersion(ctx, tx, ruleChange{r.ID, r.Version + 1, RuleOpDelete, r.Camera, r.Doc, a, comment}); err != nil {
			return 0, err
		}
	}
	return len(live), nil
}

// or the version does not exist; a tombstone version is refused (ErrInvalid).
func (db *DB) RollbackRule(ctx context.Context, id string, version int, a Actor, comment string) (RuleRecord, error) {
	if err := a.check(); err != nil {
		return RuleRecord{}, fmt.Errorf("rule %s: %w", id, err)
	}
	var rec RuleRecord
	err := db.write(ctx, func(tx *sql.Tx) error {
		cur, err := loadRule(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur == nil {
			return fmt.Errorf("rule %s: %w", id, ErrNotFound)
		}
		var op, camera string
		var doc []byte
		err = tx.QueryRowContext(ctx, `SELECT op, camera, doc FROM rule_versions WHERE rule_id = ? AND version = ?`,
			id, version).Scan(&op, &camera, &doc)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("rule %s version %d: %w", id, version, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("rule %s version %d: %w", id, version, err)
		}
		if op == RuleOpDelete {
			return fmt.Errorf("rule %s: %w", id, invalid("version", "version %d is a deletion and cannot be restored", version))
		}
		rec, err = db.writeRuleVersion(ctx, tx, ruleChange{id, cur.Version + 1, RuleOpRollback, camera, doc, a, comment})
		return err
	})
	return rec, err
}

// loadLiveRule returns the live rule id, checking ifVersion (0: any).
func loadLiveRule(ctx context.Context, q querier, id string, ifVersion int) (*ruleRow, error) {
	cur, err := loadRule(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if cur == nil || cur.deleted {
		return nil, fmt.Errorf("rule %s: %w", id, ErrNotFound)
	}
	if ifVersion != 0 && ifVersion != cur.Version {
		return nil, fmt.Errorf("rule %s: %w: version is %d, not %d", id, ErrConflict, cur.Version, ifVersion)
	}
	return cur, nil
}

// ruleChange is one new version of a rule.
type ruleChange struct {
	id      string
	version int
	op      string
	camera  string
	doc     []byte
	actor   Actor
	comment string
}

// the audit entry (grid: the camera's).
func (db *DB) writeRuleVersion(ctx context.Context, tx querier, c ruleChange) (RuleRecord, error) {
	grid, err := cameraGrid(ctx, tx, c.camera)
	if err != nil {
		return RuleRecord{}, err
	}
	now := db.now()
	at := fmtTime(now)
	_, err = tx.ExecContext(ctx, `INSERT INTO rule_versions (rule_id, version, op, camera, doc, actor, at, comment)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.id, c.version, c.op, c.camera, string(c.doc), c.actor.Name, at, c.comment)
	if err != nil {
		return RuleRecord{}, fmt.Errorf("rule %s version %d: %w", c.id, c.version, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO rules (id, camera, doc, version, deleted, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET camera = excluded.camera, doc = excluded.doc, version = excluded.version,
			deleted = excluded.deleted, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		c.id, c.camera, string(c.doc), c.version, c.op == RuleOpDelete, at, c.actor.Name)
	if err != nil {
		return RuleRecord{}, fmt.Errorf("rule %s version %d: %w", c.id, c.version, err)
	}
	if err := markPopulated(ctx, tx); err != nil {
		return RuleRecord{}, err
	}
	detail := map[string]any{"version": c.version, "camera": c.camera}
	if c.comment != "" {
		detail["comment"] = c.comment
	}
	if err := db.audit(ctx, tx, c.actor, "rule_"+c.op, c.id, grid, detail); err != nil {
		return RuleRecord{}, err
	}
	return RuleRecord{
		ID: c.id, Camera: c.camera, Doc: c.doc, Version: c.version,
		UpdatedAt: now.UTC(), UpdatedBy: c.actor.Name,
	}, nil
}

// cameraGrid returns the grid of camera ("" when unknown or unassigned).
func cameraGrid(ctx context.Context, q querier, camera string) (string, error) {
	var grid string
	err := q.QueryRowContext(ctx, `SELECT grid FROM cameras WHERE id = ?`, camera).Scan(&grid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("camera %s: %w", camera, err)
	}
	return grid, nil
}
