package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is one login session. Only a hash of the token is stored.
type Session struct {
	// Hash is the SHA-256 of the session token, as the gateway encodes it.
	Hash string
	// User is the name of the user; the session ends with the user.
	User    string
	Created time.Time
	Expires time.Time
}

// CreateSession stores a session: ErrNotFound when the user does not exist,
// ErrExists when the hash is taken.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	if err := checkKey("hash", s.Hash); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if err := checkKey("user", s.User); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if s.Expires.IsZero() {
		return fmt.Errorf("session: %w", invalid("expires", "must be set"))
	}
	if s.Created.IsZero() {
		s.Created = db.now()
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := getUser(ctx, tx, s.User); err != nil {
			return fmt.Errorf("session: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE hash = ?`, s.Hash).Scan(&n); err != nil {
			return fmt.Errorf("session: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("session: %w", ErrExists)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, username, created, expires) VALUES (?, ?, ?, ?)`,
			s.Hash, s.User, fmtTime(s.Created), fmtTime(s.Expires))
		if err != nil {
			return fmt.Errorf("session: %w", err)
		}
		return nil
	})
}

// LookupSession returns the session of hash; ErrNotFound when absent or
// expired (by the store clock).
func (db *DB) LookupSession(ctx context.Context, hash string) (Session, error) {
	var (
		s                Session
		created, expires string
	)
	err := db.r.QueryRowContext(ctx, `SELECT hash, username, created, expires FROM sessions
		WHERE hash = ? AND expires > ?`, hash, db.nowText()).Scan(&s.Hash, &s.User, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	if s.Created, err = parseTime(created); err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	if s.Expires, err = parseTime(expires); err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	return s, nil
}

// DeleteSession ends one session (logout); deleting an absent one is not an
// error.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.deleteSessions(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
	return err
}

// DeleteUserSessions ends every session of user and returns how many.
func (db *DB) DeleteUserSessions(ctx context.Context, user string) (int, error) {
	return db.deleteSessions(ctx, `DELETE FROM sessions WHERE username = ?`, user)
}

// PurgeExpiredSessions deletes the expired sessions and returns how many.
func (db *DB) PurgeExpiredSessions(ctx context.Context) (int, error) {
	return db.deleteSessions(ctx, `DELETE FROM sessions WHERE expires <= ?`, db.nowText())
}

// deleteSessions runs one DELETE and counts the rows.
func (db *DB) deleteSessions(ctx context.Context, query string, arg any) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, arg)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	return int(n), nil
}
