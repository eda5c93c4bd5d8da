package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestConcurrentWriters runs 8 goroutines × 50 writes of every kind, with
// readers alongside; none may fail (no SQLITE_BUSY) and none may be lost.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	const workers, writes = 8, 50

	var (
		wg   sync.WaitGroup
		errs = make(chan error, workers*writes*2)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range writes {
				errs <- concurrentWrite(ctx, db, clk, w, i)
			}
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range writes {
				_, _, err := db.ListAlerts(ctx, AlertFilter{Limit: 10})
				if err == nil {
					_, err = db.ListRules(ctx, "")
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	rows, _, err := db.ListAlerts(ctx, AlertFilter{Limit: 500})
	require.NoError(t, err)
	require.Len(t, rows, workers*writes/5)
	rules, err := db.ListRules(ctx, "")
	require.NoError(t, err)
	require.Len(t, rules, workers)
	for _, r := range rules {
		require.Equal(t, writes/5, r.Version)
	}
	es, _, err := db.ListAudit(ctx, AuditFilter{Action: "login", Limit: 1000})
	require.NoError(t, err)
	require.Len(t, es, workers*writes/5)
	gs, err := db.ListGrids(ctx)
	require.NoError(t, err)
	require.Len(t, gs, workers*writes/5)
}

// concurrentWrite is write i of worker w: one of five kinds in turn.
func concurrentWrite(ctx context.Context, db *DB, clk *testClock, w, i int) error {
	rule := fmt.Sprintf("r%d", w)
	switch i % 5 {
	case 0:
		d := []byte(fmt.Sprintf(`{"i":%d}`, i))
		if i == 0 {
			_, err := db.CreateRule(ctx, RuleWrite{ID: rule, Camera: "cam1", Doc: d, Actor: bob})
			return err
		}
		_, err := db.UpdateRule(ctx, RuleWrite{ID: rule, Camera: "cam1", Doc: d, Actor: bob, IfVersion: i / 5})
		return err
	case 1:
		return db.RecordAlert(ctx, alertMsg(fmt.Sprintf("w%d-%d", w, i), clk.Now(), "start"))
	case 2:
		return db.AppendAudit(ctx, AuditEntry{Actor: "x", Action: "login"})
	case 3:
		_, err := db.PutGrid(ctx, Grid{Code: fmt.Sprintf("g%d-%d", w, i), Doc: []byte(`{}`)}, alice)
		return err
	default:
		_, _, err := db.TransitionAlert(ctx, fmt.Sprintf("w%d-%d", w, i-3), TransitionWrite{
			From: "new", To: "accepted", Actor: bob})
		return err
	}
}

// TestConcurrentCompareAndSet: of 8 concurrent identical moves, exactly one
// wins and the others see ErrConflict.
func TestConcurrentCompareAndSet(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	require.NoError(t, db.RecordAlert(ctx, alertMsg("e1", clk.Now(), "start")))
	_, err := db.CreateRule(ctx, RuleWrite{ID: "r1", Camera: "cam1", Doc: []byte(`{}`), Actor: bob})
	require.NoError(t, err)

	const n = 8
	var wg sync.WaitGroup
	alertErrs := make([]error, n)
	ruleErrs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, alertErrs[i] = db.TransitionAlert(ctx, "e1", TransitionWrite{From: "new", To: "accepted",
				Actor: Actor{Name: fmt.Sprintf("op%d", i)}})
			_, ruleErrs[i] = db.UpdateRule(ctx, RuleWrite{ID: "r1", Camera: "cam1", Doc: []byte(`{}`), Actor: bob, IfVersion: 1})
		}()
	}
	wg.Wait()
	for _, errs := range [][]error{alertErrs, ruleErrs} {
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, ErrConflict)
		}
		require.Equal(t, 1, wins)
	}
	_, trs, err := db.GetAlert(ctx, "e1")
	require.NoError(t, err)
	require.Len(t, trs, 1)
	r, err := db.GetRule(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, 2, r.Version)
}

// TestTwoHandlesOneFile: a second DB on the same file (as a second process
// would) waits for the lock instead of failing.
func TestTwoHandlesOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(ctx, path, Options{})
		require.NoError(t, err)
		defer db.Close()
		dbs[i] = db
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*50)
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				errs <- db.AppendAudit(ctx, AuditEntry{Action: "login", Target: fmt.Sprintf("%d-%d", i, j)})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	es, _, err := dbs[0].ListAudit(ctx, AuditFilter{Limit: 1000})
	require.NoError(t, err)
	require.Len(t, es, 100)
}

// TestContextCancelled: a cancelled context fails fast and changes nothing.
func TestContextCancelled(t *testing.T) {
	db, _ := openTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	err := db.CreateGrid(ctx, Grid{Code: "g", Doc: []byte(`{}`)}, alice)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	_, err = db.GetGrid(context.Background(), "g")
	require.ErrorIs(t, err, ErrNotFound)
}
