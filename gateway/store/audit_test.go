package store

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAuditAppendAndList(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	base := clk.Now()
	for i := range 30 {
		e := AuditEntry{
			At: base.Add(time.Duration(i) * time.Second), Actor: []string{"alice", "bob"}[i%2], Role: "admin",
			Action: []string{"login", "live_view", "logout"}[i%3], Target: fmt.Sprintf("t%02d", i),
			Grid: []string{"north", "south"}[i%2], Remote: "10.0.0.1",
		}
		if i == 3 {
			e.Detail = json.RawMessage(`{"camera":"cam1"}`)
		}
		require.NoError(t, db.AppendAudit(ctx, e))
	}
	// Two entries at the same instant keep their insertion order.
	require.NoError(t, db.AppendAudit(ctx, AuditEntry{At: base, Actor: "carol", Action: "login", Target: "same"}))
	// A zero At takes the store clock.
	clk.Add(time.Hour)
	require.NoError(t, db.AppendAudit(ctx, AuditEntry{Actor: "carol", Action: "config_reload"}))

	es, next, err := db.ListAudit(ctx, AuditFilter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, next)
	require.Equal(t, "config_reload", es[0].Action)
	require.Equal(t, clk.Now(), es[0].At)

	cases := []struct {
		name    string
		f       AuditFilter
		count   int
		first   string
		checkFn func(*testing.T, AuditEntry)
	}{
		{"all", AuditFilter{}, 32, "", nil},
		{"actor", AuditFilter{Actor: "bob"}, 15, "t29", func(t *testing.T, e AuditEntry) { require.Equal(t, "bob", e.Actor) }},
		{"action", AuditFilter{Action: "live_view"}, 10, "t28", func(t *testing.T, e AuditEntry) { require.Equal(t, "live_view", e.Action) }},
		{"grids", AuditFilter{Grids: []string{"north"}}, 15, "t28", func(t *testing.T, e AuditEntry) { require.Equal(t, "north", e.Grid) }},
		{"no grids", AuditFilter{Grids: []string{}}, 0, "", nil},
		{"window", AuditFilter{From: base.Add(10 * time.Second), To: base.Add(20 * time.Second)}, 10, "t19", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var (
				all    []AuditEntry
				cursor string
			)
			for {
				c.f.Limit, c.f.Before = 7, cursor
				page, next, err := db.ListAudit(ctx, c.f)
				require.NoError(t, err)
				all = append(all, page...)
				if next == "" {
					break
				}
				cursor = next
			}
			require.Len(t, all, c.count)
			for i, e := range all {
				if i > 0 {
					prev := all[i-1]
					require.True(t, e.At.Before(prev.At) || (e.At.Equal(prev.At) && e.ID < prev.ID), "newest first")
				}
				if c.checkFn != nil {
					c.checkFn(t, e)
				}
			}
			if c.first != "" {
				require.Equal(t, c.first, all[0].Target)
			}
		})
	}

	es, _, err = db.ListAudit(ctx, AuditFilter{Actor: "carol", Action: "login"})
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Equal(t, base, es[0].At)
	es, _, err = db.ListAudit(ctx, AuditFilter{From: base.Add(3 * time.Second), To: base.Add(4 * time.Second)})
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.JSONEq(t, `{"camera":"cam1"}`, string(es[0].Detail))

	require.ErrorIs(t, db.AppendAudit(ctx, AuditEntry{Actor: "x"}), ErrInvalid, "action is required")
	require.ErrorIs(t, db.AppendAudit(ctx, AuditEntry{Action: "x", Detail: json.RawMessage(`{`)}), ErrInvalid)
	_, _, err = db.ListAudit(ctx, AuditFilter{Before: encodeCursor(fmtTime(base), "not-a-number")})
	require.ErrorIs(t, err, ErrInvalid)
}
