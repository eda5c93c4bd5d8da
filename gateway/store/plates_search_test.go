package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// searchFixture stores six plates one minute apart (p1 oldest) and returns
// the pass time of p1.
func searchFixture(t *testing.T, db *DB, t0 time.Time) {
	t.Helper()
	recs := []PlateRecord{
		plateRec("p1", "cam1", "粤D12345", t0),
		plateRec("p2", "cam1", "粤D12346", t0.Add(1*time.Minute)),
		plateRec("p3", "cam2", "粤BD12345", t0.Add(2*time.Minute)),
		plateRec("p4", "cam2", "京A88888", t0.Add(3*time.Minute)),
		plateRec("p5", "cam3", "沪A12345", t0.Add(4*time.Minute)),
		plateRec("p6", "cam3", "B123ABC", t0.Add(5*time.Minute)),
	}
	recs[2].Color = plate.ColorGreen
	recs[4].Color = plate.ColorYellow
	recs[5].Color = plate.ColorUnknown
	for _, r := range recs {
		require.NoError(t, db.InsertPlate(context.Background(), r))
	}
}

func TestSearchPlates(t *testing.T) {
	db, clk := openTest(t)
	t0 := clk.Now().Add(-time.Hour)
	searchFixture(t, db, t0)
	at := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	cases := []struct {
		name string
		q    PlateQuery
		want []string
	}{
		{"everything", PlateQuery{}, []string{"p6", "p5", "p4", "p3", "p2", "p1"}},
		{"prefix", PlateQuery{Text: "粤D123"}, []string{"p2", "p1"}},
		{"prefix lower case and separator", PlateQuery{Text: "粤d·123"}, []string{"p2", "p1"}},
		{"prefix spaces and full width", PlateQuery{Text: " 粤 Ｄ 1 2 "}, []string{"p2", "p1"}},
		{"prefix province", PlateQuery{Text: "粤"}, []string{"p3", "p2", "p1"}},
		{"prefix whole plate is exact", PlateQuery{Text: "粤D12345", Match: PlateMatchPrefix}, []string{"p1"}},
		{"prefix latin", PlateQuery{Text: "b12"}, []string{"p6"}},
		{"prefix none", PlateQuery{Text: "粤X"}, nil},
		{"fuzzy one wrong char", PlateQuery{Text: "粤D12845", Match: PlateMatchFuzzy}, []string{"p1"}},
		{"fuzzy one missing char", PlateQuery{Text: "粤D1245", Match: PlateMatchFuzzy}, []string{"p1"}},
		{"fuzzy one extra char", PlateQuery{Text: "粤D123456", Match: PlateMatchFuzzy}, []string{"p2", "p1"}},
		{"fuzzy wrong province is one edit", PlateQuery{Text: "沪D12345", Match: PlateMatchFuzzy}, []string{"p5", "p1"}},
		{"fuzzy exact and one edit away", PlateQuery{Text: "粤d-12345", Match: PlateMatchFuzzy}, []string{"p3", "p2", "p1"}},
		{"fuzzy two edits not at 1", PlateQuery{Text: "粤D12399", Match: PlateMatchFuzzy}, nil},
		{"fuzzy two edits at 2", PlateQuery{Text: "粤D12399", Match: PlateMatchFuzzy, MaxDist: 2}, []string{"p2", "p1"}},
		{"fuzzy is over the whole text", PlateQuery{Text: "粤D", Match: PlateMatchFuzzy}, nil},
		{"contains last digits", PlateQuery{Text: "12345", Match: PlateMatchContains}, []string{"p5", "p3", "p1"}},
		{"contains middle", PlateQuery{Text: "888", Match: PlateMatchContains}, []string{"p4"}},
		{"contains none", PlateQuery{Text: "999", Match: PlateMatchContains}, nil},
		{"time range", PlateQuery{From: at(1), To: at(3)}, []string{"p3", "p2"}},
		{"from only", PlateQuery{From: at(4)}, []string{"p6", "p5"}},
		{"to only, exclusive", PlateQuery{To: at(1)}, []string{"p1"}},
		{"empty range", PlateQuery{From: at(2), To: at(2)}, nil},
		{"time range and prefix", PlateQuery{Text: "粤", From: at(1)}, []string{"p3", "p2"}},
		{"time range and fuzzy", PlateQuery{Text: "粤D12345", Match: PlateMatchFuzzy, To: at(1)}, []string{"p1"}},
		{"cameras nil is all", PlateQuery{Text: "粤", Cameras: nil}, []string{"p3", "p2", "p1"}},
		{"cameras empty is none", PlateQuery{Cameras: []string{}}, nil},
		{"cameras empty is none, fuzzy", PlateQuery{Text: "粤D12345", Match: PlateMatchFuzzy, Cameras: []string{}}, nil},
		{"cameras scope", PlateQuery{Cameras: []string{"cam2", "cam3"}}, []string{"p6", "p5", "p4", "p3"}},
		{"cameras scope and prefix", PlateQuery{Text: "粤", Cameras: []string{"cam2"}}, []string{"p3"}},
		{"cameras scope and contains", PlateQuery{Text: "12345", Match: PlateMatchContains, Cameras: []string{"cam1"}},
			[]string{"p1"}},
		{"colour", PlateQuery{Colors: []plate.Color{plate.ColorGreen, plate.ColorYellow}}, []string{"p5", "p3"}},
		{"colour unknown", PlateQuery{Colors: []plate.Color{plate.ColorUnknown}}, []string{"p6"}},
		{"colours empty is none", PlateQuery{Colors: []plate.Color{}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := db.SearchPlates(context.Background(), c.q)
			require.NoError(t, err)
			require.Equal(t, c.want, nilIfEmpty(plateIDs(page.Plates)))
			require.Empty(t, page.Next)
			require.False(t, page.Truncated)
			if c.q.Match == PlateMatchFuzzy || c.q.Match == PlateMatchContains {
				require.GreaterOrEqual(t, page.Scanned, len(page.Plates), "a scan search reports what it read")
			} else {
				require.Zero(t, page.Scanned)
			}
		})
	}
}

// nilIfEmpty makes an empty list nil, for comparisons.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestSearchPlatesInvalid(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		q     PlateQuery
		field string
	}{
		{"unknown match", PlateQuery{Text: "粤", Match: "regex"}, "match"},
		{"text without plate characters", PlateQuery{Text: "··"}, "text"},
		{"fuzzy without text", PlateQuery{Match: PlateMatchFuzzy}, "text"},
		{"contains without text", PlateQuery{Match: PlateMatchContains}, "text"},
		{"max dist negative", PlateQuery{Text: "粤", Match: PlateMatchFuzzy, MaxDist: -1}, "max_dist"},
		{"max dist too large", PlateQuery{Text: "粤", Match: PlateMatchFuzzy, MaxDist: 4}, "max_dist"},
		{"to before from", PlateQuery{From: t0, To: t0.Add(-time.Second)}, "to"},
		{"colour out of range", PlateQuery{Colors: []plate.Color{plate.ColorBlue, plate.Color(42)}}, "colors[1]"},
		{"malformed cursor", PlateQuery{Before: "!!"}, "before"},
		{"cursor without time", PlateQuery{Before: encodeCursor("yesterday", "p1")}, "before"},
	}
	db, _ := openTest(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.SearchPlates(context.Background(), c.q)
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.True(t, errors.As(err, &fe))
			require.Equal(t, c.field, fe.Field)
			require.ErrorContains(t, err, "search plates: "+c.field)
		})
	}
}

// insertPlates stores n plates of cam1 named prefix000.., two per pass time
// from t0 on, the text of plate i being text(i).
func insertPlates(t *testing.T, db *DB, prefix string, text func(i int) string, n int, t0 time.Time) {
	t.Helper()
	for i := range n {
		at := t0.Add(time.Duration(i/2) * time.Second)
		require.NoError(t, db.InsertPlate(context.Background(),
			plateRec(fmt.Sprintf("%s%03d", prefix, i), "cam1", text(i), at)))
	}
}

// collectPlates pages through q, calling between after each page, and
// returns every event id and the number of pages.
func collectPlates(t *testing.T, db *DB, q PlateQuery, between func()) ([]string, int) {
	t.Helper()
	var (
		ids   []string
		pages int
	)
	for {
		page, err := db.SearchPlates(context.Background(), q)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Plates), max(q.Limit, 1))
		ids = append(ids, plateIDs(page.Plates)...)
		pages++
		require.Less(t, pages, 100, "paging must end")
		if page.Next == "" {
			return ids, pages
		}
		q.Before = page.Next
		between()
	}
}

func TestSearchPlatesPagingStable(t *testing.T) {
	db, clk := openTest(t)
	t0 := clk.Now().Add(-time.Hour)
	insertPlates(t, db, "a", func(i int) string { return fmt.Sprintf("粤D%05d", i) }, 120, t0)

	newer := 0
	between := func() {
		// Newer plates arrive between pages; they must not shift the pages.
		newer++
		require.NoError(t, db.InsertPlate(context.Background(),
			plateRec(fmt.Sprintf("new%d", newer), "cam1", "粤D00000", clk.Now().Add(time.Duration(newer)*time.Second))))
	}
	cases := []struct {
		name string
		q    PlateQuery
	}{
		{"prefix", PlateQuery{Text: "粤D", Limit: 50}},
		{"fuzzy", PlateQuery{Text: "粤D00000", Match: PlateMatchFuzzy, MaxDist: 3, Limit: 50}},
		{"contains", PlateQuery{Text: "D", Match: PlateMatchContains, Limit: 50}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// What matches now, in one page: the fixture (fuzzy: every 粤D00000..粤D00119
			// is within 3 edits of 粤D00000) and the plates of the earlier subtests.
			all := c.q
			all.Limit = 500
			page, err := db.SearchPlates(context.Background(), all)
			require.NoError(t, err)
			want := plateIDs(page.Plates)
			require.Len(t, want, 120+newer)
			require.Equal(t, "a000", want[len(want)-1])

			ids, pages := collectPlates(t, db, c.q, between)
			require.Equal(t, want, ids, "no row twice, none missing, none of the newer ones")
			require.Equal(t, (len(want)+49)/50, pages)
		})
	}
	t.Run("ties on pass time are split by event id", func(t *testing.T) {
		page, err := db.SearchPlates(context.Background(), PlateQuery{Text: "粤D", Limit: 3, To: clk.Now()})
		require.NoError(t, err)
		require.Equal(t, []string{"a119", "a118", "a117"}, plateIDs(page.Plates))
		page, err = db.SearchPlates(context.Background(), PlateQuery{Text: "粤D", Limit: 3, To: clk.Now(),
			Before: page.Next})
		require.NoError(t, err)
		require.Equal(t, []string{"a116", "a115", "a114"}, plateIDs(page.Plates), "a117 and a116 share a pass time")
	})
}

func TestSearchPlatesScanLimit(t *testing.T) {
	db, clk := openTest(t)
	t0 := clk.Now().Add(-time.Hour)
	// 40 plates, s000 oldest; every tenth (s000, s010, s020, s030) ends in 77.
	insertPlates(t, db, "s", func(i int) string {
		if i%10 == 0 {
			return "粤D12377"
		}
		return fmt.Sprintf("粤D123%02d", i)
	}, 40, t0)
	q := PlateQuery{Text: "77", Match: PlateMatchContains, ScanLimit: 15}

	// Newest first: rows s039..s025 are read, and only s030 matches.
	page, err := db.SearchPlates(context.Background(), q)
	require.NoError(t, err)
	require.Equal(t, []string{"s030"}, plateIDs(page.Plates))
	require.True(t, page.Truncated)
	require.Equal(t, 15, page.Scanned)
	require.NotEmpty(t, page.Next)

	// Continuing covers every row exactly once: s020, s010, s000.
	q.Before = page.Next
	page, err = db.SearchPlates(context.Background(), q)
	require.NoError(t, err)
	require.Equal(t, []string{"s020", "s010"}, plateIDs(page.Plates))
	require.True(t, page.Truncated)
	require.Equal(t, 15, page.Scanned)

	q.Before = page.Next
	page, err = db.SearchPlates(context.Background(), q)
	require.NoError(t, err)
	require.Equal(t, []string{"s000"}, plateIDs(page.Plates))
	require.False(t, page.Truncated, "the last 10 rows fit under the cap")
	require.Equal(t, 10, page.Scanned)
	require.Empty(t, page.Next)

	// A full page before the cap: not truncated, Next after the last match.
	q = PlateQuery{Text: "77", Match: PlateMatchContains, Limit: 2, ScanLimit: 100}
	page, err = db.SearchPlates(context.Background(), q)
	require.NoError(t, err)
	require.Equal(t, []string{"s030", "s020"}, plateIDs(page.Plates))
	require.False(t, page.Truncated)
	require.Equal(t, 30, page.Scanned, "stops at the first match beyond the page (s010)")
	q.Before = page.Next
	page, err = db.SearchPlates(context.Background(), q)
	require.NoError(t, err)
	require.Equal(t, []string{"s010", "s000"}, plateIDs(page.Plates))
	require.Empty(t, page.Next)
}

func TestSearchPlatesUsesIndexes(t *testing.T) {
	db, _ := openTest(t)
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		q     PlateQuery
		index string
	}{
		{"prefix", PlateQuery{Text: "粤D1"}, "plates_text"},
		{"time range", PlateQuery{From: t0, To: t0.Add(time.Hour)}, "plates_pass"},
		{"one camera", PlateQuery{Cameras: []string{"cam1"}, From: t0}, "plates_camera_pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := c.q.normalize()
			require.NoError(t, err)
			w, err := plateWhere(q)
			require.NoError(t, err)
			rows, err := db.r.Query(`EXPLAIN QUERY PLAN SELECT `+plateColumns+` FROM plates`+w.sql()+plateOrder+
				` LIMIT ?`, append(w.args, 51)...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var (
					id, parent, unused int
					detail             string
				)
				require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
				plan = append(plan, detail)
			}
			require.NoError(t, rows.Err())
			require.Contains(t, strings.Join(plan, "; "), "USING INDEX "+c.index)
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"粤D", "粤E", true},
		{"粤", "\xe7\xb2\xa5", true}, // 粤 is e7 b2 a4
		{"A\xff", "B", true},
		{"\xff\xff", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := prefixEnd(c.in)
		require.Equal(t, c.ok, ok, c.in)
		require.Equal(t, c.want, got, c.in)
	}
}

// BenchmarkSearchPlates measures one page of each mode over 20000 plates of
// four cameras; fuzzy and contains read up to the default scan limit.
func BenchmarkSearchPlates(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir()+"/bench.db", Options{})
	require.NoError(b, err)
	defer db.Close()
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	_, err = db.w.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		INSERT INTO plates (event_id, camera, text, display, pass_time, created_at)
		SELECT printf('e%05d', i), 'cam' || (i % 4), printf('粤D%05d', (i * 7919) % 100000), '',
			strftime('%Y-%m-%dT%H:%M:%S.000000000Z', ?, '-' || i || ' seconds'), ? FROM n`,
		t0.Format(time.DateTime), fmtTime(t0))
	require.NoError(b, err)
	cases := []struct {
		name string
		q    PlateQuery
	}{
		{"prefix", PlateQuery{Text: "粤D123"}},
		{"fuzzy", PlateQuery{Text: "粤D12345", Match: PlateMatchFuzzy}},
		{"contains", PlateQuery{Text: "4242", Match: PlateMatchContains}},
		{"fuzzy two cameras", PlateQuery{Text: "粤D12345", Match: PlateMatchFuzzy, Cameras: []string{"cam1", "cam2"}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.SearchPlates(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
