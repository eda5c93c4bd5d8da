package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// PlateMatch is how SearchPlates compares PlateQuery.Text with stored plates.
type PlateMatch string

// Plate match modes. Both sides are normalised (plate.Normalize) first.
const (
	// PlateMatchPrefix keeps plates that start with the text (an index range
	// scan); the whole plate is an exact match. The default.
	PlateMatchPrefix PlateMatch = "prefix"
	// PlateMatchFuzzy keeps plates within MaxDist edits (plate.Distance, in
	// runes) of the text, over the whole plate.
	PlateMatchFuzzy PlateMatch = "fuzzy"
	// PlateMatchContains keeps plates that contain the text anywhere, e.g. the
	// last digits an operator remembers.
	PlateMatchContains PlateMatch = "contains"
)

// Search bounds.
const (
	defaultPlateMaxDist   = 1
	maxPlateMaxDist       = 3
	defaultPlateScanLimit = 20000
	maxPlateScanLimit     = 200000
)

// PlateQuery selects plate records. Nil slices and zero times match
// everything; an empty non-nil slice matches nothing (a camera-scoped caller
// who may see no camera sees no plate).
type PlateQuery struct {
	// Text is the plate or part of it; separators and case do not matter.
	// Empty: no text condition (prefix mode only).
	Text string
	// Match is the mode (default PlateMatchPrefix).
	Match PlateMatch
	// MaxDist is the largest edit distance of a fuzzy match (default 1, at
	// most 3).
	MaxDist int
	// From (inclusive) and To (exclusive) bound PassTime.
	From, To time.Time
	// Cameras keeps plates of these cameras: the cameras the user may see.
	Cameras []string
	// Colors keeps plates of these colours.
	Colors []plate.Color
	// Limit is the page size (default 50, at most 500).
	Limit int
	// Before is the cursor (PlatePage.Next) of the previous page.
	Before string
	// ScanLimit caps the rows a fuzzy or contains search reads in one call
	// (default 20000, at most 200000); see PlatePage.Truncated.
	ScanLimit int
}

// PlatePage is one page of SearchPlates, newest PassTime first (ties by
// event id).
type PlatePage struct {
	Plates []PlateRecord
	// Next is the cursor of the next page, "" when the search is complete.
	Next string
	// Truncated reports that a fuzzy or contains search read ScanLimit rows
	// before it filled the page: Plates holds the matches among those rows
	// (possibly none) and Next continues after the last row read.
	Truncated bool
	// Scanned is how many rows a fuzzy or contains search read (0 for prefix).
	Scanned int
}

// SearchPlates returns one page of plate records matching q. Prefix searches
// run in SQL on the text index. Fuzzy and contains searches read the rows
// that pass the other conditions, newest first through the time and camera
// indexes, and compare the text in Go, reading at most ScanLimit rows per
// call. Paging is stable while plates are added: a cursor is a position.
func (db *DB) SearchPlates(ctx context.Context, q PlateQuery) (PlatePage, error) {
	q, err := q.normalize()
	if err != nil {
		return PlatePage{}, fmt.Errorf("search plates: %w", err)
	}
	w, err := plateWhere(q)
	if err != nil {
		return PlatePage{}, fmt.Errorf("search plates: %w", err)
	}
	limit := pageLimit(q.Limit, 50, 500)
	var page PlatePage
	err = db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if q.Match == PlateMatchPrefix {
			page, err = searchPlatesSQL(ctx, tx, w, limit)
		} else {
			page, err = searchPlatesScan(ctx, tx, w, q, limit)
		}
		return err
	})
	if err != nil {
		return PlatePage{}, fmt.Errorf("search plates: %w", err)
	}
	return page, nil
}

// normalize checks q, normalises its text and applies the defaults.
func (q PlateQuery) normalize() (PlateQuery, error) {
	switch q.Match {
	case "":
		q.Match = PlateMatchPrefix
	case PlateMatchPrefix, PlateMatchFuzzy, PlateMatchContains:
	default:
		return q, invalid("match", "%q is not prefix, fuzzy or contains", string(q.Match))
	}
	text := plate.Normalize(q.Text)
	switch {
	case text == "" && q.Text != "":
		return q, invalid("text", "has no plate characters")
	case text == "" && q.Match != PlateMatchPrefix:
		return q, invalid("text", "is required for a %s match", q.Match)
	}
	q.Text = text
	switch {
	case q.MaxDist < 0 || q.MaxDist > maxPlateMaxDist:
		return q, invalid("max_dist", "%d is not in [0, %d]", q.MaxDist, maxPlateMaxDist)
	case q.MaxDist == 0:
		q.MaxDist = defaultPlateMaxDist
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, invalid("to", "is before from")
	}
	for i, c := range q.Colors {
		if _, err := c.MarshalText(); err != nil {
			return q, invalid(fmt.Sprintf("colors[%d]", i), "%v", err)
		}
	}
	q.ScanLimit = pageLimit(q.ScanLimit, defaultPlateScanLimit, maxPlateScanLimit)
	return q, nil
}

// plateWhere builds the conditions of a normalised q: the text condition in
// prefix mode only, the other conditions always.
func plateWhere(q PlateQuery) (where, error) {
	var w where
	if q.Match == PlateMatchPrefix && q.Text != "" {
		w.add("text >= ?", q.Text)
		if end, ok := prefixEnd(q.Text); ok {
			w.add("text < ?", end)
		}
	}
	whereIn(&w, "camera", q.Cameras)
	if q.Colors != nil {
		names := make([]string, len(q.Colors))
		for i, c := range q.Colors {
			names[i] = c.String()
		}
		whereIn(&w, "color", names)
	}
	if !q.From.IsZero() {
		w.add("pass_time >= ?", fmtTime(q.From))
	}
	if !q.To.IsZero() {
		w.add("pass_time < ?", fmtTime(q.To))
	}
	if q.Before != "" {
		at, id, err := decodeCursor(q.Before)
		if err != nil {
			return where{}, err
		}
		w.add("(pass_time, event_id) < (?, ?)", at, id)
	}
	return w, nil
}

// prefixEnd is the smallest string greater than every string that starts
// with p, in SQLite's binary (byte) order: p with its last byte incremented.
// ok is false when there is none (every byte is 0xFF; not valid UTF-8).
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// plateOrder is the page order: newest first, ties by event id.
const plateOrder = ` ORDER BY pass_time DESC, event_id DESC`

// searchPlatesSQL runs a search whose conditions are all in w.
func searchPlatesSQL(ctx context.Context, tx *sql.Tx, w where, limit int) (PlatePage, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+plateColumns+` FROM plates`+w.sql()+plateOrder+` LIMIT ?`,
		append(w.args, limit+1)...)
	if err != nil {
		return PlatePage{}, err
	}
	defer rows.Close()
	var page PlatePage
	for rows.Next() {
		if len(page.Plates) == limit {
			// The extra row only tells that a next page exists.
			last := page.Plates[limit-1]
			page.Next = encodeCursor(fmtTime(last.PassTime), last.EventID)
			return page, nil
		}
		r, err := scanPlate(rows)
		if err != nil {
			return PlatePage{}, err
		}
		page.Plates = append(page.Plates, r)
	}
	return page, rows.Err()
}

// plateMatcher returns the text test of a fuzzy or contains query.
func plateMatcher(q PlateQuery) func(text string) bool {
	if q.Match == PlateMatchContains {
		return func(text string) bool { return strings.Contains(text, q.Text) }
	}
	n := utf8.RuneCountInString(q.Text)
	return func(text string) bool {
		// The length difference is a lower bound of the distance.
		if d := utf8.RuneCountInString(text) - n; d > q.MaxDist || -d > q.MaxDist {
			return false
		}
		return plate.Distance(text, q.Text) <= q.MaxDist
	}
}

// searchPlatesScan runs a fuzzy or contains search: it finds the matching
// keys among at most q.ScanLimit rows, then reads those records.
func searchPlatesScan(ctx context.Context, tx *sql.Tx, w where, q PlateQuery, limit int) (PlatePage, error) {
	keys, page, err := scanPlateKeys(ctx, tx, w, plateMatcher(q), limit, q.ScanLimit)
	if err != nil || len(keys) == 0 {
		return page, err
	}
	marks := strings.Repeat("?, ", len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+plateColumns+` FROM plates WHERE event_id IN (`+
		marks[:len(marks)-2]+`)`+plateOrder, args...)
	if err != nil {
		return PlatePage{}, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanPlate(rows)
		if err != nil {
			return PlatePage{}, err
		}
		page.Plates = append(page.Plates, r)
	}
	return page, rows.Err()
}

// scanPlateKeys reads (pass_time, event_id, text) in page order, at most
// scanLimit rows, and returns the event ids of the first limit matches with
// the page's Next, Truncated and Scanned set.
func scanPlateKeys(ctx context.Context, tx *sql.Tx, w where, match func(string) bool,
	limit, scanLimit int,
) ([]string, PlatePage, error) {
	rows, err := tx.QueryContext(ctx, `SELECT pass_time, event_id, text FROM plates`+w.sql()+plateOrder+` LIMIT ?`,
		append(w.args, scanLimit+1)...)
	if err != nil {
		return nil, PlatePage{}, err
	}
	defer rows.Close()
	var (
		page            PlatePage
		keys            []string
		lastAt, lastKey string // the last row read
		hitAt           string // pass time of the last match
	)
	for rows.Next() {
		if page.Scanned == scanLimit {
			// A row beyond the cap exists: stop and resume after the last row read.
			page.Truncated = true
			page.Next = encodeCursor(lastAt, lastKey)
			return keys, page, nil
		}
		var at, key, text string
		if err := rows.Scan(&at, &key, &text); err != nil {
			return nil, PlatePage{}, err
		}
		page.Scanned++
		lastAt, lastKey = at, key
		if !match(text) {
			continue
		}
		if len(keys) == limit {
			// One match more than the page holds: a next page exists.
			page.Next = encodeCursor(hitAt, keys[limit-1])
			return keys, page, nil
		}
		keys = append(keys, key)
		hitAt = at
	}
	return keys, page, rows.Err()
}
