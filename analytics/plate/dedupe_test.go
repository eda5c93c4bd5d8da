package plate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDeduper(t *testing.T) {
	type step struct {
		camera, text string
		at           time.Duration // after t0
		suppress     bool
	}
	cases := []struct {
		name      string
		window    time.Duration
		max       int
		tolerance int
		steps     []step
		len       int
	}{
		{
			name: "same plate inside window suppressed", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "粤B12345", 0, false},
				{"cam1", "粤B12345", 30 * time.Second, true},
				{"cam1", "粤B·12345", 59 * time.Second, true},
			},
			len: 1,
		},
		{
			name: "window runs from the last report", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "粤B12345", 0, false},
				{"cam1", "粤B12345", 50 * time.Second, true},
				{"cam1", "粤B12345", 60 * time.Second, false},
				{"cam1", "粤B12345", 90 * time.Second, true},
				{"cam1", "粤B12345", 120 * time.Second, false},
			},
			len: 1,
		},
		{
			name: "other camera and other plate reported", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "粤B12345", 0, false},
				{"cam2", "粤B12345", time.Second, false},
				{"cam1", "粤B12346", 2 * time.Second, false},
				{"cam2", "粤B12345", 3 * time.Second, true},
			},
			len: 3,
		},
		{
			name: "tolerance 1 treats a one-character misread as the same vehicle", window: time.Minute, max: 10, tolerance: 1,
			steps: []step{
				{"cam1", "粤B12345", 0, false},
				{"cam1", "粤B12346", time.Second, true},
				{"cam1", "粤B1234", 2 * time.Second, true},
				{"cam1", "粤B12366", 3 * time.Second, false},
				{"cam2", "粤B12346", 4 * time.Second, false},
			},
			len: 3,
		},
		{
			name: "tolerance 0 compares exactly", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "粤B12345", 0, false},
				{"cam1", "粤B12346", time.Second, false},
			},
			len: 2,
		},
		{
			name: "tolerance does not reach outside the window", window: time.Minute, max: 10, tolerance: 1,
			steps: []step{
				{"cam1", "粤B12345", 0, false},
				{"cam1", "粤B12346", 61 * time.Second, false},
			},
			len: 1,
		},
		{
			name: "out-of-order time inside the window", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "粤B12345", 30 * time.Second, false},
				{"cam1", "粤B12345", 0, true},
			},
			len: 1,
		},
		{
			name: "bound evicts the oldest", window: time.Hour, max: 2,
			steps: []step{
				{"cam1", "粤B00001", 0, false},
				{"cam1", "粤B00002", time.Second, false},
				{"cam1", "粤B00003", 2 * time.Second, false},
				// 粤B00001 was forgotten, so it is reported again.
				{"cam1", "粤B00001", 3 * time.Second, false},
				{"cam1", "粤B00003", 4 * time.Second, true},
			},
			len: 2,
		},
		{
			name: "expired entries are dropped", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "粤B00001", 0, false},
				{"cam2", "粤B00002", time.Second, false},
				{"cam3", "粤B00003", 2 * time.Minute, false},
			},
			len: 1,
		},
		{
			name: "empty text never suppressed", window: time.Minute, max: 10,
			steps: []step{
				{"cam1", "", 0, false},
				{"cam1", " · ", time.Second, false},
			},
			len: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDeduper(tc.window, tc.max)
			d.Tolerance = tc.tolerance
			for i, s := range tc.steps {
				require.Equal(t, s.suppress, d.Seen(s.camera, s.text, t0.Add(s.at)), "step %d: %+v", i, s)
			}
			require.Equal(t, tc.len, d.Len())
		})
	}
}

func TestDeduperMinimumBound(t *testing.T) {
	d := NewDeduper(time.Minute, 0)
	require.False(t, d.Seen("cam1", "粤B12345", t0))
	require.True(t, d.Seen("cam1", "粤B12345", t0.Add(time.Second)))
	require.False(t, d.Seen("cam1", "粤B54321", t0.Add(2*time.Second)))
	require.Equal(t, 1, d.Len())
}

func TestDeduperConcurrent(t *testing.T) {
	d := NewDeduper(time.Minute, 100)
	done := make(chan int)
	for g := 0; g < 4; g++ {
		go func() {
			reported := 0
			for i := 0; i < 100; i++ {
				if !d.Seen("cam1", "粤B12345", t0.Add(time.Duration(i)*time.Millisecond)) {
					reported++
				}
			}
			done <- reported
		}()
	}
	total := 0
	for g := 0; g < 4; g++ {
		total += <-done
	}
	require.Equal(t, 1, total, "exactly one report across goroutines")
}
