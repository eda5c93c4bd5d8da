package store

import (
	"encoding/base64"
	"strings"
)

// A cursor is the opaque position after the last row of a page: the row's
// stored time and its key, base64url encoded. Rows are ordered by
// (time, key) descending, so the next page is everything strictly below.

// encodeCursor builds the cursor of a row.
func encodeCursor(at, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at + "|" + key))
}

// decodeCursor splits a cursor made by encodeCursor.
func decodeCursor(c string) (at, key string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", invalid("before", "malformed cursor")
	}
	at, key, ok := strings.Cut(string(raw), "|")
	if !ok || len(at) != len(timeLayout) {
		return "", "", invalid("before", "malformed cursor")
	}
	if _, err := parseTime(at); err != nil {
		return "", "", invalid("before", "malformed cursor")
	}
	return at, key, nil
}

// pageLimit applies the default and the maximum to a requested page size.
func pageLimit(limit, def, maxLimit int) int {
	switch {
	case limit <= 0:
		return def
	case limit > maxLimit:
		return maxLimit
	}
	return limit
}

// where collects the conditions and arguments of a filtered query.
type where struct {
	conds []string
	args  []any
}

// add appends one condition with its arguments.
func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// whereIn appends "col IN (?, ...)" when vals is non-nil. An empty non-nil
// slice matches nothing.
func whereIn[T any](w *where, col string, vals []T) {
	if vals == nil {
		return
	}
	if len(vals) == 0 {
		w.add("0")
		return
	}
	marks := strings.Repeat("?, ", len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+marks[:len(marks)-2]+")", args...)
}

// sql renders the WHERE clause ("" when there is no condition).
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
