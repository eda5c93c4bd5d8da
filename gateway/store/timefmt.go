package store

import (
	"database/sql"
	"fmt"
	"time"
)

// timeLayout is how every timestamp is stored: UTC, fixed width, so that
// text order is time order (RFC 3339 with nanoseconds, which trims zeros,
// is not). time.RFC3339Nano parses it.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// fmtTime formats t for storage.
func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// fmtOptTime formats t for a nullable column: NULL for the zero time.
func fmtOptTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

// parseTime reads a stored timestamp.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseOptTime reads a nullable timestamp: the zero time for NULL.
func parseOptTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// nowText is the store clock, formatted.
func (db *DB) nowText() string { return fmtTime(db.now()) }
