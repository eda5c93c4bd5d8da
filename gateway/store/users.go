package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User sources.
const (
	// UserSourceConfig marks users from the configuration file: read-only
	// through the API, kept in step by SyncConfigUsers.
	UserSourceConfig = "config"
	// UserSourceAPI marks users created through the API.
	UserSourceAPI = "api"
)

// User is one login account.
type User struct {
	Name string
	Role string
	// Grid limits the user to a grid subtree ("" for everything).
	Grid string
	// PasswordHash is the bcrypt hash of the password.
	PasswordHash string
	// Source is UserSourceConfig or UserSourceAPI ("" means API in PutUser).
	Source string
	// UpdatedAt is set by the store.
	UpdatedAt time.Time
}

// check validates u.
func (u User) check() error {
	if err := checkKey("name", u.Name); err != nil {
		return err
	}
	if err := checkKey("role", u.Role); err != nil {
		return err
	}
	if u.Source != UserSourceConfig && u.Source != UserSourceAPI {
		return invalid("source", "must be %q or %q", UserSourceConfig, UserSourceAPI)
	}
	return nil
}

// ListUsers returns every user ordered by name.
func (db *DB) ListUsers(ctx context.Context) ([]User, error) {
	return listUsers(ctx, db.r)
}

// listUsers is ListUsers on q.
func listUsers(ctx context.Context, q querier) ([]User, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, role, grid, password_hash, source, updated_at FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// GetUser returns one user, or ErrNotFound.
func (db *DB) GetUser(ctx context.Context, name string) (User, error) {
	return getUser(ctx, db.r, name)
}

// getUser is GetUser on q.
func getUser(ctx context.Context, q querier, name string) (User, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, role, grid, password_hash, source, updated_at
		FROM users WHERE name = ?`, name)
	if err != nil {
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return User{}, fmt.Errorf("user %s: %w", name, err)
		}
		return User{}, fmt.Errorf("user %s: %w", name, ErrNotFound)
	}
	u, err := scanUser(rows)
	if err != nil {
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// scanUser reads one users row.
func scanUser(rows *sql.Rows) (User, error) {
	var (
		u  User
		at string
	)
	if err := rows.Scan(&u.Name, &u.Role, &u.Grid, &u.PasswordHash, &u.Source, &at); err != nil {
		return User{}, err
	}
	t, err := parseTime(at)
	if err != nil {
		return User{}, err
	}
	u.UpdatedAt = t
	return u, nil
}

// PutUser creates or replaces an API user (u.Source "" or "api") and
// reports whether it was created; ErrConflict when a config user has the
// name (config users change only through SyncConfigUsers).
func (db *DB) PutUser(ctx context.Context, u User, a Actor) (bool, error) {
	if u.Source == "" {
		u.Source = UserSourceAPI
	}
	if err := u.check(); err != nil {
		return false, fmt.Errorf("user: %w", err)
	}
	if u.Source != UserSourceAPI {
		return false, fmt.Errorf("user %s: %w", u.Name, invalid("source", "PutUser stores API users only"))
	}
	if err := a.check(); err != nil {
		return false, fmt.Errorf("user %s: %w", u.Name, err)
	}
	var created bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		cur, err := getUser(ctx, tx, u.Name)
		switch {
		case errors.Is(err, ErrNotFound):
			created = true
		case err != nil:
			return err
		case cur.Source == UserSourceConfig:
			return fmt.Errorf("user %s: %w: defined in the configuration file", u.Name, ErrConflict)
		}
		if err := db.upsertUser(ctx, tx, u); err != nil {
			return err
		}
		action := "user_update"
		if created {
			action = "user_create"
		}
		return db.audit(ctx, tx, a, action, u.Name, u.Grid, map[string]string{"role": u.Role, "grid": u.Grid})
	})
	return created, err
}

// upsertUser writes u inside tx.
func (db *DB) upsertUser(ctx context.Context, tx querier, u User) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, grid, password_hash, source, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET role = excluded.role, grid = excluded.grid,
			password_hash = excluded.password_hash, source = excluded.source, updated_at = excluded.updated_at`,
		u.Name, u.Role, u.Grid, u.PasswordHash, u.Source, db.nowText())
	if err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	return nil
}

// DeleteUser removes an API user and its sessions: ErrNotFound when absent,
// ErrConflict for a config user.
func (db *DB) DeleteUser(ctx context.Context, name string, a Actor) error {
	if err := a.check(); err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		cur, err := getUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if cur.Source == UserSourceConfig {
			return fmt.Errorf("user %s: %w: defined in the configuration file", name, ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE name = ?`, name); err != nil {
			return fmt.Errorf("user %s: %w", name, err)
		}
		return db.audit(ctx, tx, a, "user_delete", name, cur.Grid, map[string]string{"role": cur.Role})
	})
}

// SyncConfigUsers makes the config users exactly users (their Source is
// forced to "config"), in one transaction: it adds and updates them,
// replaces API users of the same name (ending their sessions), and deletes
// config users no longer listed (with their sessions). API users are
// otherwise untouched. Sessions of config users that stay are kept.
func (db *DB) SyncConfigUsers(ctx context.Context, users []User) error {
	users = append([]User(nil), users...)
	seen := make(map[string]bool, len(users))
	for i := range users {
		users[i].Source = UserSourceConfig
		if err := users[i].check(); err != nil {
			return fmt.Errorf("sync config users: users[%d]: %w", i, err)
		}
		if seen[users[i].Name] {
			return fmt.Errorf("sync config users: users[%d]: %w", i, invalid("name", "%s is listed twice", users[i].Name))
		}
		seen[users[i].Name] = true
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		cur, err := listUsers(ctx, tx)
		if err != nil {
			return err
		}
		for _, u := range cur {
			var query string
			switch {
			case u.Source == UserSourceConfig && !seen[u.Name]:
				query = `DELETE FROM users WHERE name = ?` // sessions cascade
			case u.Source == UserSourceAPI && seen[u.Name]:
				// Another account takes the name: its sessions end.
				query = `DELETE FROM sessions WHERE username = ?`
			default:
				continue
			}
			if _, err := tx.ExecContext(ctx, query, u.Name); err != nil {
				return fmt.Errorf("user %s: %w", u.Name, err)
			}
		}
		for _, u := range users {
			if err := db.upsertUser(ctx, tx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sync config users: %w", err)
	}
	return nil
}
