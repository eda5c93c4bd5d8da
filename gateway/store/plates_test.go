package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// plateRec builds a minimal blue-plate record of camera cam passing at t.
func plateRec(id, cam, text string, t time.Time) PlateRecord {
	return PlateRecord{EventID: id, Camera: cam, Grid: "north", RuleID: "r-" + cam, Text: text,
		Color: plate.ColorBlue, Conf: 0.9, PassTime: t}
}

// countPlates counts the stored plate rows.
func countPlates(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.r.QueryRow(`SELECT COUNT(*) FROM plates`).Scan(&n))
	return n
}

func TestInsertPlateRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	pass := clk.Now().Add(-time.Minute).Add(123456789 * time.Nanosecond)
	in := PlateRecord{
		EventID: "e1", Camera: "cam1", Grid: "north", RuleID: "gate", Text: "粤d·12345",
		Color: plate.ColorBlue, Conf: 0.87, CharConf: []float64{0.99, 0.9, 0.8, 0.85, 0.9, 0.95, 0.7},
		PassTime: pass.In(time.FixedZone("CST", 8*3600)),
		PlateBox: json.RawMessage(`[410,300,520,336]`), VehicleBox: json.RawMessage(`{"x":0.3,"y":0.2,"w":0.4,"h":0.5}`),
		CropURL: "http://gw/snapshots/crop.jpg", SnapshotURL: "http://gw/snapshots/scene.jpg",
		Hit: &plate.Hit{List: plate.ListBlock, Entry: plate.Entry{Text: "粤D12346", Note: "stolen"}, Distance: 1},
	}
	require.NoError(t, db.InsertPlate(ctx, in))
	got, err := db.GetPlate(ctx, "e1")
	require.NoError(t, err)

	want := in
	want.Text, want.Display = "粤D12345", "粤D·12345"
	want.Kind, want.Type = plate.KindOrdinary, plate.TypeSmallCar
	want.PassTime = pass
	want.CreatedAt = clk.Now()
	require.Equal(t, want, got)

	// Given values win over derived ones; nil optional fields stay nil.
	bare := plateRec("e2", "cam1", "VA12345", pass)
	bare.Display, bare.Kind, bare.Type, bare.Color = "VA-12345", plate.KindMilitary, plate.TypeOther, plate.ColorWhite
	require.NoError(t, db.InsertPlate(ctx, bare))
	got, err = db.GetPlate(ctx, "e2")
	require.NoError(t, err)
	require.Equal(t, "VA-12345", got.Display)
	require.Equal(t, plate.TypeOther, got.Type)
	require.Nil(t, got.Hit)
	require.Nil(t, got.CharConf)
	require.Nil(t, got.PlateBox)
	require.Nil(t, got.VehicleBox)

	_, err = db.GetPlate(ctx, "nope")
	require.ErrorIs(t, err, ErrNotFound)
	require.EqualError(t, err, "plate nope: not found")
}

func TestInsertPlateIdempotent(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	first := plateRec("e1", "cam1", "粤D12345", clk.Now())
	require.NoError(t, db.InsertPlate(ctx, first))
	clk.Add(time.Minute)
	again := first
	again.Text, again.Camera = "京A88888", "cam2"
	require.NoError(t, db.InsertPlate(ctx, again), "a duplicate event id is no error")
	require.NoError(t, db.InsertPlate(ctx, first), "a replay is no error")

	require.Equal(t, 1, countPlates(t, db))
	got, err := db.GetPlate(ctx, "e1")
	require.NoError(t, err)
	require.Equal(t, "粤D12345", got.Text, "the first record stays")
	require.Equal(t, "cam1", got.Camera)
	require.Equal(t, clk.Now().Add(-time.Minute), got.CreatedAt)
}

func TestInsertPlateInvalid(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		edit  func(r *PlateRecord)
		field string
	}{
		{"no event id", func(r *PlateRecord) { r.EventID = "" }, "event_id"},
		{"no camera", func(r *PlateRecord) { r.Camera = "" }, "camera"},
		{"no pass time", func(r *PlateRecord) { r.PassTime = time.Time{} }, "pass_time"},
		{"empty text", func(r *PlateRecord) { r.Text = "" }, "text"},
		{"only separators", func(r *PlateRecord) { r.Text = " · - " }, "text"},
		{"confidence above 1", func(r *PlateRecord) { r.Conf = 1.5 }, "confidence"},
		{"confidence NaN", func(r *PlateRecord) { r.Conf = math.NaN() }, "confidence"},
		{"char confidences too few", func(r *PlateRecord) { r.CharConf = []float64{0.9, 0.9} }, "char_confidences"},
		{"char confidence negative", func(r *PlateRecord) {
			r.CharConf = []float64{0.9, 0.9, 0.9, -0.1, 0.9, 0.9, 0.9}
		}, "char_confidences[3]"},
		{"plate box not JSON", func(r *PlateRecord) { r.PlateBox = json.RawMessage(`[1,2`) }, "plate_box"},
		{"vehicle box empty", func(r *PlateRecord) { r.VehicleBox = json.RawMessage{} }, "vehicle_box"},
		{"colour out of range", func(r *PlateRecord) { r.Color = plate.Color(99) }, "color"},
		{"kind out of range", func(r *PlateRecord) { r.Kind = plate.Kind(99) }, "kind"},
		{"type unknown", func(r *PlateRecord) { r.Type = plate.Type(77) }, "type"},
		{"hit list kind", func(r *PlateRecord) {
			r.Hit = &plate.Hit{List: "maybe", Entry: plate.Entry{Text: "粤D12345"}}
		}, "hit.list"},
		{"hit entry empty", func(r *PlateRecord) { r.Hit = &plate.Hit{List: plate.ListAllow} }, "hit.entry.text"},
		{"hit distance negative", func(r *PlateRecord) {
			r.Hit = &plate.Hit{List: plate.ListAllow, Entry: plate.Entry{Text: "粤D12345"}, Distance: -1}
		}, "hit.distance"},
	}
	db, _ := openTest(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := plateRec("e1", "cam1", "粤D12345", now)
			c.edit(&r)
			err := db.InsertPlate(context.Background(), r)
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.True(t, errors.As(err, &fe))
			require.Equal(t, c.field, fe.Field)
		})
	}
	require.Zero(t, countPlates(t, db))
}

func TestPurgePlates(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	t0 := clk.Now()
	// old00001.. one second apart before t0, generated by SQLite itself.
	const old = 1000
	_, err := db.w.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO plates (event_id, camera, text, display, pass_time, created_at)
		SELECT printf('old%05d', i), 'cam1', '粤D12345', '粤D·12345',
			strftime('%Y-%m-%dT%H:%M:%S.000000000Z', ?, '-' || i || ' seconds'), ? FROM n`,
		old, t0.Format(time.DateTime), db.nowText())
	require.NoError(t, err)
	oldest, err := db.GetPlate(ctx, fmt.Sprintf("old%05d", old))
	require.NoError(t, err)
	require.Equal(t, t0.Add(-time.Duration(old)*time.Second), oldest.PassTime)
	for i, at := range []time.Time{t0, t0.Add(time.Nanosecond), t0.Add(time.Hour)} {
		require.NoError(t, db.InsertPlate(ctx, plateRec(fmt.Sprintf("keep%d", i), "cam1", "粤D12345", at)))
	}

	// Batches of 300: old00401..old01000 is exactly two full batches, and the
	// third finds nothing; old00400 passed exactly at the cut and stays.
	n, err := db.purgePlates(ctx, t0.Add(-400*time.Second), 300)
	require.NoError(t, err)
	require.Equal(t, int64(600), n)
	_, err = db.GetPlate(ctx, "old00400")
	require.NoError(t, err)
	n, err = db.PurgePlates(ctx, t0)
	require.NoError(t, err)
	require.Equal(t, int64(400), n)
	page, err := db.SearchPlates(ctx, PlateQuery{})
	require.NoError(t, err)
	require.Equal(t, []string{"keep2", "keep1", "keep0"}, plateIDs(page.Plates), "pass_time == before is kept")

	n, err = db.PurgePlates(ctx, t0)
	require.NoError(t, err)
	require.Zero(t, n)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = db.PurgePlates(cancelled, t0.Add(2*time.Hour))
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 3, countPlates(t, db))
}

func TestMigratePlatesFromAccess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	old, err := Open(ctx, path, Options{Migrations: embeddedSubset(t, 3, nil)})
	require.NoError(t, err)
	v, err := old.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, v)
	raised := time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)
	require.NoError(t, old.RecordAlert(ctx, alertMsg("e1", raised, "pulse")))
	require.Error(t, old.InsertPlate(ctx, plateRec("e1", "cam1", "粤D12345", raised)), "no plates table at 0003")
	require.NoError(t, old.Close())

	db, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer db.Close()
	v, err = db.SchemaVersion(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, v, 4)
	require.Contains(t, appliedAtNames(t, db), "0004_plates")

	_, _, err = db.GetAlert(ctx, "e1")
	require.NoError(t, err, "existing alerts survive")
	require.NoError(t, db.InsertPlate(ctx, plateRec("e1", "cam1", "粤D12345", raised)))
	page, err := db.SearchPlates(ctx, PlateQuery{Text: "粤D"})
	require.NoError(t, err)
	require.Equal(t, []string{"e1"}, plateIDs(page.Plates))

	var idx []string
	rows, err := db.r.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'plates'
		AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		idx = append(idx, n)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"plates_camera_pass", "plates_pass", "plates_text"}, idx)
}

// appliedAtNames lists the names of the applied migrations.
func appliedAtNames(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.r.Query(`SELECT name FROM schema_migrations ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}

// plateIDs lists the event ids of rs in order.
func plateIDs(rs []PlateRecord) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.EventID
	}
	return out
}
