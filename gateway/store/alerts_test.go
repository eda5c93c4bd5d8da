package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// alertMsg builds a message of event id raised at t.
func alertMsg(id string, t time.Time, action string) AlertMessage {
	return AlertMessage{
		EventID: id, Camera: "cam1", Grid: "north", RuleID: "r1", Type: "intrusion", Priority: 2,
		Action: action, FrameTime: t, Deadline: t.Add(time.Hour),
		Doc: []byte(fmt.Sprintf(`{"event_id":%q,"action":%q}`, id, action)),
	}
}

func TestAlertLifecycle(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	raised := clk.Now().Add(-time.Minute)

	start := alertMsg("e1", raised, "start")
	require.NoError(t, db.RecordAlert(ctx, start))
	row, trs, err := db.GetAlert(ctx, "e1")
	require.NoError(t, err)
	require.Empty(t, trs)
	want := AlertRow{EventID: "e1", Camera: "cam1", Grid: "north", RuleID: "r1", Type: "intrusion", Priority: 2,
		State: AlertStateNew, RaisedAt: raised, UpdatedAt: raised, Deadline: raised.Add(time.Hour),
		LastAction: "start", Doc: start.Doc}
	require.Equal(t, want, row)

	// Accept, then a later message must not touch the workflow state.
	clk.Add(time.Second)
	row, tr, err := db.TransitionAlert(ctx, "e1", TransitionWrite{From: "new", To: "accepted", Actor: alice, Comment: "on it"})
	require.NoError(t, err)
	require.Equal(t, Transition{Seq: 1, From: "new", To: "accepted", Actor: "alice", At: clk.Now(), Comment: "on it"}, tr)
	require.Equal(t, "accepted", row.State)
	require.Equal(t, clk.Now(), row.UpdatedAt)

	update := alertMsg("e1", raised.Add(30*time.Second), "update")
	require.NoError(t, db.RecordAlert(ctx, update))
	require.NoError(t, db.RecordAlert(ctx, start), "replaying an older message is a no-op")
	require.NoError(t, db.RecordAlert(ctx, update), "replaying the same message is a no-op")
	row, _, err = db.GetAlert(ctx, "e1")
	require.NoError(t, err)
	require.Equal(t, "accepted", row.State)
	require.Equal(t, "update", row.LastAction)
	require.Equal(t, update.Doc, row.Doc)
	require.Equal(t, raised, row.RaisedAt)
	require.Equal(t, clk.Now(), row.UpdatedAt, "updated_at never goes back")

	// Someone else dispatched meanwhile: our accepted->handling loses.
	clk.Add(time.Second)
	photo := &Attachment{Name: "site.jpg", ContentType: "image/jpeg", Data: []byte{0xff, 0xd8, 0xff}}
	row, tr, err = db.TransitionAlert(ctx, "e1", TransitionWrite{From: "accepted", To: "dispatched", Actor: alice,
		Grid: "north-1", Attachment: photo})
	require.NoError(t, err)
	require.Equal(t, 2, tr.Seq)
	require.True(t, tr.HasAttachment)
	require.Equal(t, "north-1", row.AssignedGrid)
	_, _, err = db.TransitionAlert(ctx, "e1", TransitionWrite{From: "accepted", To: "handling", Actor: bob})
	require.ErrorIs(t, err, ErrConflict)
	require.EqualError(t, err, "alert e1: conflict: state is dispatched, not accepted")
	_, _, err = db.TransitionAlert(ctx, "nope", TransitionWrite{From: "new", To: "accepted", Actor: bob})
	require.ErrorIs(t, err, ErrNotFound)

	for _, step := range [][2]string{{"dispatched", "handling"}, {"handling", "feedback"}, {"feedback", "closed"}} {
		clk.Add(time.Second)
		row, _, err = db.TransitionAlert(ctx, "e1", TransitionWrite{From: step[0], To: step[1], Actor: bob})
		require.NoError(t, err)
	}
	require.Equal(t, "closed", row.State)
	require.Equal(t, clk.Now(), row.ClosedAt)
	require.Equal(t, "north-1", row.AssignedGrid, "kept when a transition names no grid")

	_, trs, err = db.GetAlert(ctx, "e1")
	require.NoError(t, err)
	require.Len(t, trs, 5)
	for i, tr := range trs {
		require.Equal(t, i+1, tr.Seq)
		require.Equal(t, i == 1, tr.HasAttachment)
	}
	require.Equal(t, "feedback", trs[4].From)

	a, err := db.Attachment(ctx, "e1", 2)
	require.NoError(t, err)
	require.Equal(t, *photo, a)
	_, err = db.Attachment(ctx, "e1", 1)
	require.ErrorIs(t, err, ErrNotFound)

	es, _, err := db.ListAudit(ctx, AuditFilter{Action: "alert_transition"})
	require.NoError(t, err)
	require.Len(t, es, 5)
	require.Equal(t, "north", es[0].Grid)
	require.JSONEq(t, `{"seq":2,"from":"accepted","to":"dispatched","grid":"north-1","attachment":"site.jpg"}`,
		string(es[3].Detail))
}

func TestAlertTransitionValidation(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	require.NoError(t, db.RecordAlert(ctx, alertMsg("e1", clk.Now(), "start")))
	cases := []struct {
		name  string
		w     TransitionWrite
		field string
	}{
		{"no from", TransitionWrite{To: "accepted", Actor: bob}, "from"},
		{"no to", TransitionWrite{From: "new", Actor: bob}, "to"},
		{"no actor", TransitionWrite{From: "new", To: "accepted"}, "actor"},
		{"attachment name", TransitionWrite{From: "new", To: "accepted", Actor: bob,
			Attachment: &Attachment{Data: []byte("x")}}, "attachment.name"},
		{"attachment empty", TransitionWrite{From: "new", To: "accepted", Actor: bob,
			Attachment: &Attachment{Name: "a"}}, "attachment.data"},
		{"attachment too big", TransitionWrite{From: "new", To: "accepted", Actor: bob,
			Attachment: &Attachment{Name: "a", Data: bytes.Repeat([]byte("x"), MaxAttachmentSize+1)}}, "attachment.data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := db.TransitionAlert(ctx, "e1", c.w)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, c.field, fe.Field)
		})
	}
	row, trs, err := db.GetAlert(ctx, "e1")
	require.NoError(t, err)
	require.Equal(t, AlertStateNew, row.State)
	require.Empty(t, trs)

	// Exactly the limit is fine; a missing content type gets a default.
	_, _, err = db.TransitionAlert(ctx, "e1", TransitionWrite{From: "new", To: "void", Actor: bob,
		Attachment: &Attachment{Name: "a.bin", Data: bytes.Repeat([]byte("x"), MaxAttachmentSize)}})
	require.NoError(t, err)
	a, err := db.Attachment(ctx, "e1", 1)
	require.NoError(t, err)
	require.Equal(t, "application/octet-stream", a.ContentType)
	require.Len(t, a.Data, MaxAttachmentSize)

	for _, m := range []AlertMessage{
		{Camera: "c", FrameTime: clk.Now(), Doc: []byte(`{}`)},
		{EventID: "e", FrameTime: clk.Now(), Doc: []byte(`{}`)},
		{EventID: "e", Camera: "c", Doc: []byte(`{}`)},
		{EventID: "e", Camera: "c", FrameTime: clk.Now()},
	} {
		require.ErrorIs(t, db.RecordAlert(ctx, m), ErrInvalid)
	}
}

// seedAlerts records n alerts, one per second back from base, on two
// cameras, with two of them sharing a raised_at to exercise the tie-break.
func seedAlerts(t *testing.T, db *DB, base time.Time, n int) {
	t.Helper()
	for i := range n {
		m := alertMsg(fmt.Sprintf("e%03d", i), base.Add(-time.Duration(i)*time.Second), "start")
		if i%2 == 1 {
			m.Camera, m.Grid, m.Priority, m.Type = "cam2", "south", 1, "tripwire"
		}
		if i == 7 {
			m.FrameTime = base.Add(-6 * time.Second) // same raised_at as e006
		}
		require.NoError(t, db.RecordAlert(context.Background(), m))
	}
}

func TestListAlertsPagination(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	seedAlerts(t, db, clk.Now(), 120)

	var (
		all    []AlertRow
		cursor string
		pages  int
	)
	for {
		rows, next, err := db.ListAlerts(ctx, AlertFilter{Limit: 25, Before: cursor})
		require.NoError(t, err)
		all = append(all, rows...)
		pages++
		if next == "" {
			require.Len(t, rows, 20)
			break
		}
		require.Len(t, rows, 25)
		// A new alert arriving between pages does not shift the next page.
		require.NoError(t, db.RecordAlert(ctx, alertMsg(fmt.Sprintf("late%d", pages), clk.Now().Add(time.Hour), "start")))
		cursor = next
	}
	require.Equal(t, 5, pages)
	require.Len(t, all, 120)
	seen := map[string]bool{}
	for i, r := range all {
		require.False(t, seen[r.EventID], "duplicate %s", r.EventID)
		seen[r.EventID] = true
		if i > 0 {
			prev := all[i-1]
			require.True(t, !r.RaisedAt.After(prev.RaisedAt), "newest first")
			if r.RaisedAt.Equal(prev.RaisedAt) {
				require.Less(t, r.EventID, prev.EventID, "ties by event id, descending")
			}
		}
	}
	require.Equal(t, "e007", all[6].EventID)
	require.Equal(t, "e006", all[7].EventID)

	rows, next, err := db.ListAlerts(ctx, AlertFilter{})
	require.NoError(t, err)
	require.Len(t, rows, 50, "default limit")
	require.NotEmpty(t, next)
	rows, _, err = db.ListAlerts(ctx, AlertFilter{Limit: 10000})
	require.NoError(t, err)
	require.Len(t, rows, 124, "all fit under the maximum of 500")

	_, _, err = db.ListAlerts(ctx, AlertFilter{Before: "!!"})
	require.ErrorIs(t, err, ErrInvalid)
	_, _, err = db.ListAlerts(ctx, AlertFilter{Before: encodeCursor("yesterday", "e1")})
	require.ErrorIs(t, err, ErrInvalid)
}

func TestListAlertsFilters(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	base := clk.Now()
	seedAlerts(t, db, base, 10) // e000..e009, odd ones on cam2/south
	_, _, err := db.TransitionAlert(ctx, "e000", TransitionWrite{From: "new", To: "accepted", Actor: bob})
	require.NoError(t, err)
	_, _, err = db.TransitionAlert(ctx, "e002", TransitionWrite{From: "new", To: "void", Actor: bob})
	require.NoError(t, err)
	_, _, err = db.TransitionAlert(ctx, "e004", TransitionWrite{From: "new", To: "dispatched", Actor: bob, Grid: "south"})
	require.NoError(t, err)

	cases := []struct {
		name string
		f    AlertFilter
		want []string
	}{
		{"state", AlertFilter{States: []string{"accepted", "void"}}, []string{"e000", "e002"}},
		{"camera", AlertFilter{Cameras: []string{"cam1"}, To: base.Add(-5 * time.Second)}, []string{"e006", "e008"}},
		{"grid or assigned grid", AlertFilter{Grids: []string{"south"}, From: base.Add(-5 * time.Second)},
			[]string{"e001", "e003", "e004", "e005"}},
		{"empty grid set", AlertFilter{Grids: []string{}}, nil},
		{"type and priority", AlertFilter{Types: []string{"tripwire"}, Priorities: []int{1}, From: base.Add(-3 * time.Second)},
			[]string{"e001", "e003"}},
		{"priority none", AlertFilter{Priorities: []int{4}}, nil},
		{"time window", AlertFilter{From: base.Add(-2 * time.Second), To: base}, []string{"e001", "e002"}},
		// Deadlines are raised_at + 1h: at base+1h-5.5s, e006.. are overdue
		// (e006 and e007 share a raised_at); closed/void e002 never is.
		{"overdue", AlertFilter{OverdueAt: base.Add(time.Hour - 5500*time.Millisecond)},
			[]string{"e006", "e007", "e008", "e009"}},
		{"overdue excludes void", AlertFilter{OverdueAt: base.Add(time.Hour + time.Second)},
			[]string{"e000", "e001", "e003", "e004", "e005", "e006", "e007", "e008", "e009"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, next, err := db.ListAlerts(ctx, c.f)
			require.NoError(t, err)
			require.Empty(t, next)
			got := []string{}
			for _, r := range rows {
				got = append(got, r.EventID)
			}
			want := append([]string{}, c.want...)
			sortDesc(want)
			require.Equal(t, want, got)
		})
	}
}

// sortDesc orders event ids e000.. newest first (= ascending number, but
// e007 shares e006's time and sorts before it).
func sortDesc(ids []string) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && less(ids[j], ids[j-1]); j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

func less(a, b string) bool {
	if a == "e007" && b == "e006" {
		return true
	}
	if a == "e006" && b == "e007" {
		return false
	}
	return a < b
}

func TestPurgeAlerts(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	base := clk.Now()
	seedAlerts(t, db, base, 4) // e000 newest .. e003 oldest
	for _, id := range []string{"e000", "e002"} {
		_, _, err := db.TransitionAlert(ctx, id, TransitionWrite{From: "new", To: "void", Actor: bob,
			Attachment: &Attachment{Name: "x", Data: []byte("x")}})
		require.NoError(t, err)
	}
	_, _, err := db.TransitionAlert(ctx, "e003", TransitionWrite{From: "new", To: "accepted", Actor: bob})
	require.NoError(t, err)

	// Only closed/void alerts raised before the cut go: e002, not e000 (too
	// new) and not e003 (still open).
	n, err := db.PurgeAlerts(ctx, base.Add(-time.Second))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, _, err = db.GetAlert(ctx, "e002")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = db.Attachment(ctx, "e002", 1)
	require.ErrorIs(t, err, ErrNotFound)
	for _, id := range []string{"e000", "e001", "e003"} {
		_, _, err = db.GetAlert(ctx, id)
		require.NoError(t, err)
	}
	var left int
	require.NoError(t, db.r.QueryRow(`SELECT COUNT(*) FROM alert_transitions WHERE event_id = 'e002'`).Scan(&left))
	require.Zero(t, left)

	n, err = db.PurgeAlerts(ctx, base.Add(-time.Second))
	require.NoError(t, err)
	require.Zero(t, n)
}
