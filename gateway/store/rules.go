package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Operations recorded in a rule's history.
const (
	RuleOpCreate   = "create"
	RuleOpUpdate   = "update"
	RuleOpDelete   = "delete"
	RuleOpRollback = "rollback"
)

// RuleRecord is the live (newest, not deleted) version of a rule.
type RuleRecord struct {
	// ID is the rule's unique key.
	ID string
	// Camera is the id of the camera the rule watches.
	Camera string
	// Doc is the rule as JSON, as the gateway produced it.
	Doc []byte
	// Version counts every change of this id, deletions included, from 1.
	Version int
	// UpdatedAt and UpdatedBy tell who made the current version, and when.
	UpdatedAt time.Time
	UpdatedBy string
}

// RuleWrite is the input of CreateRule and UpdateRule.
type RuleWrite struct {
	ID      string
	Camera  string
	Doc     []byte
	Actor   Actor
	Comment string
	// IfVersion, for UpdateRule, is the version the caller edited; a
	// different current version fails with ErrConflict. 0 accepts any.
	IfVersion int
}

// RuleVersion is one entry of a rule's history.
type RuleVersion struct {
	Version int
	// Op is RuleOpCreate, RuleOpUpdate, RuleOpDelete or RuleOpRollback.
	Op string
	// Doc and Camera are the rule's content at this version; for a deletion,
	// the content that was deleted.
	Doc     []byte
	Camera  string
	Actor   string
	At      time.Time
	Comment string
}

// ruleRow is the rules row of an id, live or deleted.
type ruleRow struct {
	RuleRecord
	deleted bool
}

// check validates the fields of a create or update.
func (w RuleWrite) check() error {
	if err := checkKey("id", w.ID); err != nil {
		return err
	}
	if err := checkKey("camera", w.Camera); err != nil {
		return err
	}
	if err := checkDoc("doc", w.Doc); err != nil {
		return err
	}
	return w.Actor.check()
}

// ListRules returns the live rules of camera ("" for all), ordered by id.
func (db *DB) ListRules(ctx context.Context, camera string) ([]RuleRecord, error) {
	return listLiveRules(ctx, db.r, camera)
}

// listLiveRules is ListRules on q.
func listLiveRules(ctx context.Context, q querier, camera string) ([]RuleRecord, error) {
	query := `SELECT id, camera, doc, version, deleted, updated_at, updated_by FROM rules WHERE deleted = 0`
	var args []any
	if camera != "" {
		query += ` AND camera = ?`
		args = append(args, camera)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	defer rows.Close()
	var out []RuleRecord
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("list rules: %w", err)
		}
		out = append(out, r.RuleRecord)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return out, nil
}

// GetRule returns a live rule; ErrNotFound when absent or deleted.
func (db *DB) GetRule(ctx context.Context, id string) (RuleRecord, error) {
	r, err := loadRule(ctx, db.r, id)
	if err != nil {
		return RuleRecord{}, err
	}
	if r == nil || r.deleted {
		return RuleRecord{}, fmt.Errorf("rule %s: %w", id, ErrNotFound)
	}
	return r.RuleRecord, nil
}

// UpdateRule stores the next version of a live rule: ErrNotFound when absent

// DeleteRule deletes a live rule by storing a tombstone version: ErrNotFound

// RollbackRule stores a new version (op rollback) with the content of an

// earlier version; this undeletes a deleted rule. ErrNotFound when the rule

// RuleVersions returns the history of a rule id, newest first, deleted

// rules included; ErrNotFound when the id never existed.
func (db *DB) RuleVersions(ctx context.Context, id string) ([]RuleVersion, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT version, op, doc, camera, actor, at, comment
		FROM rule_versions WHERE rule_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("rule %s versions: %w", id, err)
	}
	defer rows.Close()
	var out []RuleVersion
	for rows.Next() {
		var v RuleVersion
		var at string
		if err := rows.Scan(&v.Version, &v.Op, &v.Doc, &v.Camera, &v.Actor, &at, &v.Comment); err != nil {
			return nil, fmt.Errorf("rule %s versions: %w", id, err)
		}
		if v.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("rule %s versions: %w", id, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rule %s versions: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rule %s: %w", id, ErrNotFound)
	}
	return out, nil
}

// loadRule returns the rules row of id, live or deleted; nil when none.
func loadRule(ctx context.Context, q querier, id string) (*ruleRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, camera, doc, version, deleted, updated_at, updated_by
		FROM rules WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("rule %s: %w", id, err)
		}
		return nil, nil
	}
	r, err := scanRule(rows)
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", id, err)
	}
	return &r, nil
}

// scanRule reads one rules row.
func scanRule(rows *sql.Rows) (ruleRow, error) {
	var r ruleRow
	var at string
	if err := rows.Scan(&r.ID, &r.Camera, &r.Doc, &r.Version, &r.deleted, &at, &r.UpdatedBy); err != nil {
		return ruleRow{}, err
	}
	t, err := parseTime(at)
	if err != nil {
		return ruleRow{}, err
	}
	r.UpdatedAt = t
	return r, nil
}

// writeRuleVersion stores c inside tx: the history entry, the rules row and
