package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// purgeBatch is how many plate rows one PurgePlates transaction deletes, so
// a large purge does not hold the write connection for long.
const purgeBatch = 5000

// PlateRecord is one plate capture: one vehicle pass at a checkpoint camera,
// the record behind a plate alert.
type PlateRecord struct {
	// EventID is the plate alert's event id; it keys the record.
	EventID string
	Camera  string
	Grid    string
	RuleID  string
	// Text is the plate number; InsertPlate stores it normalised (plate.Normalize):
	// 粤D12345.
	Text string
	// Display is the printed form, 粤D·12345 (default: plate.Parse(Text).Display).
	Display string
	Color   plate.Color
	// Kind is the plate format (default when zero: plate.Parse(Text).Kind).
	Kind plate.Kind
	// Type is the GA 24.7 plate type (default when zero: plate.TypeOf for Text and
	// Color).
	Type plate.Type
	// Conf is the whole-plate confidence in [0, 1]; CharConf is nil or one value
	// in [0, 1] per character of the normalised Text.
	Conf     float64
	CharConf []float64
	// PassTime is when the vehicle passed (the scene snapshot's capture time).
	PassTime time.Time
	// PlateBox and VehicleBox are the boxes as the caller encodes them (opaque
	// JSON; nil when unknown).
	PlateBox, VehicleBox json.RawMessage
	// CropURL and SnapshotURL locate the plate crop and the scene snapshot, as
	// put into the alert.
	CropURL, SnapshotURL string
	// Hit is the watch-list hit, nil when the plate hit no list.
	Hit *plate.Hit
	// CreatedAt is when the record was stored (the store clock); InsertPlate
	// ignores it.
	CreatedAt time.Time
}

// plateColumns are the columns scanPlate reads, in order.
const plateColumns = `event_id, camera, grid, rule_id, text, display, color, kind, type_code,
	confidence, char_confidences, pass_time, plate_box, vehicle_box, crop_url, snapshot_url,
	list_kind, list_entry, list_note, list_distance, created_at`

// InsertPlate stores a plate record. Text is normalised, and Display, Kind and
// Type are derived from it when unset. A record whose EventID is already
// stored changes nothing and is no error, so at-least-once delivery is safe.
func (db *DB) InsertPlate(ctx context.Context, r PlateRecord) error {
	r, err := r.normalize()
	if err != nil {
		return fmt.Errorf("plate %s: %w", r.EventID, err)
	}
	args, err := r.args()
	if err != nil {
		return fmt.Errorf("plate %s: %w", r.EventID, err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO plates (`+plateColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (event_id) DO NOTHING`, append(args, db.nowText())...)
		return err
	})
	if err != nil {
		return fmt.Errorf("plate %s: %w", r.EventID, err)
	}
	return nil
}

// normalize checks r and fills in the derived fields.
func (r PlateRecord) normalize() (PlateRecord, error) {
	if err := checkKey("event_id", r.EventID); err != nil {
		return r, err
	}
	if err := checkKey("camera", r.Camera); err != nil {
		return r, err
	}
	if r.PassTime.IsZero() {
		return r, invalid("pass_time", "must be set")
	}
	p := plate.Parse(r.Text)
	if p.Text == "" {
		return r, invalid("text", "has no plate characters")
	}
	r.Text = p.Text
	if r.Display == "" {
		r.Display = p.Display
	}
	if r.Kind == plate.KindUnknown {
		r.Kind = p.Kind
	}
	if r.Type == 0 {
		r.Type = plate.TypeOf(p, r.Color)
	}
	return r, r.checkValues()
}

// checkValues reports the first out-of-range value of a normalised record.
func (r PlateRecord) checkValues() error {
	if _, err := r.Color.MarshalText(); err != nil {
		return invalid("color", "%v", err)
	}
	if _, err := r.Kind.MarshalText(); err != nil {
		return invalid("kind", "%v", err)
	}
	if !r.Type.Known() {
		return invalid("type", "unknown GA 24.7 type %d", uint8(r.Type))
	}
	if !unitInterval(r.Conf) {
		return invalid("confidence", "%v is not in [0, 1]", r.Conf)
	}
	if n := utf8.RuneCountInString(r.Text); r.CharConf != nil && len(r.CharConf) != n {
		return invalid("char_confidences", "%d values for %d characters", len(r.CharConf), n)
	}
	for i, c := range r.CharConf {
		if !unitInterval(c) {
			return invalid(fmt.Sprintf("char_confidences[%d]", i), "%v is not in [0, 1]", c)
		}
	}
	if err := checkOptDoc("plate_box", r.PlateBox); err != nil {
		return err
	}
	if err := checkOptDoc("vehicle_box", r.VehicleBox); err != nil {
		return err
	}
	return checkHit(r.Hit)
}

// unitInterval reports whether v is a number in [0, 1].
func unitInterval(v float64) bool { return !math.IsNaN(v) && v >= 0 && v <= 1 }

// checkOptDoc reports a set document that is not JSON; nil is fine.
func checkOptDoc(field string, doc json.RawMessage) error {
	if doc == nil {
		return nil
	}
	return checkDoc(field, doc)
}

// checkHit reports a malformed watch-list hit; nil is fine.
func checkHit(h *plate.Hit) error {
	switch {
	case h == nil:
		return nil
	case h.List != plate.ListAllow && h.List != plate.ListBlock:
		return invalid("hit.list", "%q is neither %q nor %q", h.List, plate.ListAllow, plate.ListBlock)
	case h.Entry.Text == "":
		return invalid("hit.entry.text", "must not be empty")
	case h.Distance < 0:
		return invalid("hit.distance", "%d is negative", h.Distance)
	}
	return nil
}

// args are the values of plateColumns but created_at, for a checked record.
func (r PlateRecord) args() ([]any, error) {
	var charConf any
	if r.CharConf != nil {
		b, err := json.Marshal(r.CharConf)
		if err != nil {
			return nil, invalid("char_confidences", "%v", err)
		}
		charConf = string(b)
	}
	var kind, entry, note, dist any
	if r.Hit != nil {
		kind, entry, note, dist = r.Hit.List, r.Hit.Entry.Text, r.Hit.Entry.Note, r.Hit.Distance
	}
	return []any{r.EventID, r.Camera, r.Grid, r.RuleID, r.Text, r.Display,
		r.Color.String(), r.Kind.String(), r.Type.Code(), r.Conf, charConf, fmtTime(r.PassTime),
		optDoc(r.PlateBox), optDoc(r.VehicleBox), r.CropURL, r.SnapshotURL,
		kind, entry, note, dist}, nil
}

// optDoc is a nullable JSON column value: NULL for nil.
func optDoc(doc json.RawMessage) any {
	if doc == nil {
		return nil
	}
	return string(doc)
}

// GetPlate returns the plate record of an event; ErrNotFound when absent.
func (db *DB) GetPlate(ctx context.Context, eventID string) (PlateRecord, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+plateColumns+` FROM plates WHERE event_id = ?`, eventID)
	if err != nil {
		return PlateRecord{}, fmt.Errorf("plate %s: %w", eventID, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return PlateRecord{}, fmt.Errorf("plate %s: %w", eventID, err)
		}
		return PlateRecord{}, fmt.Errorf("plate %s: %w", eventID, ErrNotFound)
	}
	r, err := scanPlate(rows)
	if err != nil {
		return PlateRecord{}, fmt.Errorf("plate %s: %w", eventID, err)
	}
	return r, nil
}

// scanPlate reads one row of plateColumns.
func scanPlate(rows *sql.Rows) (PlateRecord, error) {
	var (
		r                             PlateRecord
		color, kind, typeCode         string
		passTime, created             string
		charConf, plateBox, vehBox    sql.NullString
		listKind, listEntry, listNote sql.NullString
		listDist                      sql.NullInt64
	)
	err := rows.Scan(&r.EventID, &r.Camera, &r.Grid, &r.RuleID, &r.Text, &r.Display, &color, &kind, &typeCode,
		&r.Conf, &charConf, &passTime, &plateBox, &vehBox, &r.CropURL, &r.SnapshotURL,
		&listKind, &listEntry, &listNote, &listDist, &created)
	if err != nil {
		return PlateRecord{}, err
	}
	var errs [6]error
	errs[0] = r.Color.UnmarshalText([]byte(color))
	errs[1] = r.Kind.UnmarshalText([]byte(kind))
	errs[2] = r.Type.UnmarshalText([]byte(typeCode))
	r.PassTime, errs[3] = parseTime(passTime)
	r.CreatedAt, errs[4] = parseTime(created)
	if charConf.Valid {
		errs[5] = json.Unmarshal([]byte(charConf.String), &r.CharConf)
	}
	if err := errors.Join(errs[:]...); err != nil {
		return PlateRecord{}, fmt.Errorf("stored plate %s: %w", r.EventID, err)
	}
	if plateBox.Valid {
		r.PlateBox = json.RawMessage(plateBox.String)
	}
	if vehBox.Valid {
		r.VehicleBox = json.RawMessage(vehBox.String)
	}
	if listKind.Valid {
		r.Hit = &plate.Hit{List: listKind.String, Distance: int(listDist.Int64),
			Entry: plate.Entry{Text: listEntry.String, Note: listNote.String}}
	}
	return r, nil
}

// PurgePlates deletes the plate records that passed before the given time and
// returns how many. It deletes in batches of a few thousand rows, each its own
// transaction, so other writers are not held up by a large purge; a failure
// or a cancelled ctx keeps the batches already deleted.
func (db *DB) PurgePlates(ctx context.Context, before time.Time) (int64, error) {
	return db.purgePlates(ctx, before, purgeBatch)
}

// purgePlates is PurgePlates with the batch size as a parameter.
func (db *DB) purgePlates(ctx context.Context, before time.Time, batch int) (int64, error) {
	cut := fmtTime(before)
	var total int64
	for {
		var n int64
		err := db.write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM plates WHERE rowid IN (
				SELECT rowid FROM plates WHERE pass_time < ? ORDER BY pass_time LIMIT ?)`, cut, batch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, fmt.Errorf("purge plates: %w", err)
		}
		total += n
		if n < int64(batch) {
			break
		}
	}
	if total > 0 {
		db.log.Info("plates purged", "count", total, "before", before)
	}
	return total, nil
}
