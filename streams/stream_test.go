package streams

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const gop = 10 // keyframe every gop units in these tests

// mkUnit returns unit number n; PTS carries n so tests can follow the sequence.
func mkUnit(n int) *unit.AccessUnit {
	return &unit.AccessUnit{
		Codec:    unit.CodecH264,
		NALUs:    [][]byte{{0x65, byte(n)}},
		Keyframe: n%gop == 0,
		PTS:      time.Duration(n),
	}
}

func seq(u *unit.AccessUnit) int { return int(u.PTS) }

// drain returns the queued unit numbers without waiting.
func drain(t *testing.T, r *Reader) []int {
	t.Helper()
	var out []int
	for r.Len() > 0 {
		u, err := r.Next(context.Background())
		require.NoError(t, err)
		out = append(out, seq(u))
	}
	return out
}

func nums(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestQueueSizeRoundsUpToPowerOfTwo(t *testing.T) {
	cases := []struct {
		name string
		in   int
		want int
	}{
		{"zero", 0, 1},
		{"negative", -5, 1},
		{"one", 1, 1},
		{"three", 3, 4},
		{"exact", 8, 8},
		{"above", 9, 16},
	}
	s := NewStream("cam", nil)
	defer s.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.AddReader("test", tc.in, false)
			defer r.Close()
			require.Equal(t, tc.want, r.Cap())
		})
	}
}

// step is one action of a scripted reader scenario.
type step struct {
	write    [2]int // write units write[0]..write[1] when write[1] >= write[0]
	wantRead []int  // then drain the slow reader and expect these units (nil: do not drain)
}

func TestSlowReaderDropsAndResyncsOnKeyframe(t *testing.T) {
	cases := []struct {
		name        string
		queue       int
		steps       []step
		wantDropped uint64
	}{
		{
			name:  "overflow then resume at next keyframe",
			queue: 4,
			steps: []step{
				{write: [2]int{0, 5}, wantRead: []int{0, 1, 2, 3}}, // 4, 5 dropped
				{write: [2]int{6, 9}, wantRead: []int{}},           // skipped until a keyframe
				{write: [2]int{10, 12}, wantRead: []int{10, 11, 12}},
			},
			wantDropped: 6,
		},
		{
			name:  "queued units before the drop are still delivered",
			queue: 4,
			steps: []step{
				{write: [2]int{0, 1}, wantRead: []int{0, 1}},
				{write: [2]int{2, 7}, wantRead: nil}, // 2..5 queued, 6, 7 dropped
				{write: [2]int{8, 9}, wantRead: []int{2, 3, 4, 5}},
				{write: [2]int{10, 11}, wantRead: []int{10, 11}},
			},
			wantDropped: 4,
		},
		{
			name:  "keyframe arriving while still full is dropped too",
			queue: 2,
			steps: []step{
				{write: [2]int{0, 10}, wantRead: []int{0, 1}}, // 2..10 dropped, 10 while full
				{write: [2]int{11, 19}, wantRead: []int{}},
				{write: [2]int{20, 21}, wantRead: []int{20, 21}},
			},
			wantDropped: 18,
		},
		{
			name:  "no overflow, no drop",
			queue: 16,
			steps: []step{
				{write: [2]int{0, 15}, wantRead: nums(0, 15)},
				{write: [2]int{16, 25}, wantRead: nums(16, 25)},
			},
			wantDropped: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStream("cam", nil)
			defer s.Close()
			fast := s.AddReader("fast", 64, false)
			defer fast.Close()
			slow := s.AddReader("slow", tc.queue, false)
			defer slow.Close()

			var fastGot []int
			last := -1
			for _, st := range tc.steps {
				for n := st.write[0]; n <= st.write[1]; n++ {
					s.Write(mkUnit(n))
					last = n
				}
				fastGot = append(fastGot, drain(t, fast)...)
				if st.wantRead != nil {
					got := drain(t, slow)
					if len(st.wantRead) == 0 {
						require.Empty(t, got)
					} else {
						require.Equal(t, st.wantRead, got)
					}
				}
			}
			require.Equal(t, nums(0, last), fastGot, "the fast reader gets everything")
			require.Zero(t, fast.Dropped())
			require.Equal(t, tc.wantDropped, slow.Dropped())
		})
	}
}

func TestNewReaderStartsOnKeyframe(t *testing.T) {
	cases := []struct {
		name      string
		written   int // units 0..written-1 before the reader joins
		fromCache bool
		maxUnits  int
		want      []int // first units the reader gets after units written..written+9 follow
	}{
		{"cached GOP replayed", 15, true, defaultGOPMaxUnits, nums(10, 24)},
		{"cache exactly at a keyframe", 11, true, defaultGOPMaxUnits, nums(10, 20)},
		{"live start waits for next keyframe", 15, false, defaultGOPMaxUnits, nums(20, 24)},
		{"nothing written yet", 0, true, defaultGOPMaxUnits, nums(0, 9)},
		{"GOP over the count bound is not cached", 15, true, 3, nums(20, 24)},
		{"cache dropped (pull stopped)", 15, true, defaultGOPMaxUnits, nums(20, 24)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStream("cam", nil)
			defer s.Close()
			s.gopMaxUnits = tc.maxUnits
			for n := 0; n < tc.written; n++ {
				s.Write(mkUnit(n))
			}
			if strings.HasPrefix(tc.name, "cache dropped") {
				s.DropCache()
			}
			r := s.AddReader("late", 64, tc.fromCache)
			defer r.Close()
			for n := tc.written; n < tc.written+10; n++ {
				s.Write(mkUnit(n))
			}
			require.Equal(t, tc.want, drain(t, r))
			require.Zero(t, r.Dropped(), "waiting for the first keyframe is no loss")
		})
	}
}

func TestGOPByteBound(t *testing.T) {
	s := NewStream("cam", nil)
	defer s.Close()
	s.gopMaxBytes = 5 // each test unit is 2 bytes: keyframe + one more fit, the third does not
	for n := 0; n < 3; n++ {
		s.Write(mkUnit(n))
	}
	r := s.AddReader("late", 8, true)
	defer r.Close()
	require.Empty(t, drain(t, r))
}

func TestCloseSemantics(t *testing.T) {
	ctx := context.Background()

	t.Run("reader close", func(t *testing.T) {
		s := NewStream("cam", nil)
		defer s.Close()
		r := s.AddReader("k", 4, false)
		s.Write(mkUnit(0))
		r.Close()
		r.Close() // idempotent
		_, err := r.Next(ctx)
		require.ErrorIs(t, err, ErrReaderClosed)
		require.Empty(t, s.snapshot()["k"].readers)
		s.Write(mkUnit(1)) // no reader left, must not panic
	})

	t.Run("stream close wakes a waiting reader", func(t *testing.T) {
		s := NewStream("cam", nil)
		r := s.AddReader("k", 4, false)
		defer r.Close()
		errc := make(chan error, 1)
		go func() {
			_, err := r.Next(ctx)
			errc <- err
		}()
		s.Close()
		select {
		case err := <-errc:
			require.ErrorIs(t, err, ErrStreamClosed)
		case <-time.After(10 * time.Second):
			t.Fatal("Next did not return after Stream.Close")
		}
		late := s.AddReader("k", 4, true)
		_, err := late.Next(ctx)
		require.ErrorIs(t, err, ErrStreamClosed)
	})

	t.Run("run returns nil on ctx cancel", func(t *testing.T) {
		s := NewStream("cam", nil)
		defer s.Close()
		r := s.AddReader("k", 4, false)
		defer r.Close()
		cctx, cancel := context.WithCancel(ctx)
		got := make(chan int, 1)
		errc := make(chan error, 1)
		go func() {
			errc <- r.Run(cctx, func(u *unit.AccessUnit) error {
				got <- seq(u)
				return nil
			})
		}()
		s.Write(mkUnit(0))
		require.Equal(t, 0, <-got)
		cancel()
		require.NoError(t, <-errc)
	})

	t.Run("run returns the callback error", func(t *testing.T) {
		s := NewStream("cam", nil)
		defer s.Close()
		r := s.AddReader("k", 4, false)
		defer r.Close()
		boom := errors.New("boom")
		s.Write(mkUnit(0))
		err := r.Run(ctx, func(*unit.AccessUnit) error { return boom })
		require.ErrorIs(t, err, boom)
	})
}

// TestConcurrentReaders races a writer against a fast and a stalling reader and checks the
// delivery invariants: order is kept, the fast reader loses nothing, and after every gap the
// slow reader resumes on a keyframe.
func TestConcurrentReaders(t *testing.T) {
	const total = 3000
	s := NewStream("cam", NewMetrics(nil))
	defer s.Close()

	fast := s.AddReader("fast", total, false)
	defer fast.Close()
	slow := s.AddReader("slow", 8, false)
	defer slow.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	fastGot := make([]int, 0, total)
	var slowGot []*unit.AccessUnit
	wg.Add(2)
	go func() {
		defer wg.Done()
		for len(fastGot) < total {
			u, err := fast.Next(ctx)
			if err != nil {
				return
			}
			fastGot = append(fastGot, seq(u))
		}
	}()
	slowDone := make(chan struct{})
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		_ = slow.Run(ctx, func(u *unit.AccessUnit) error {
			slowGot = append(slowGot, u)
			if rng.IntN(50) == 0 {
				select { // stall now and then so the ring overflows
				case <-slowDone:
				case <-time.After(time.Millisecond):
				}
			}
			return nil
		})
	}()

	for n := 0; n < total; n++ {
		s.Write(mkUnit(n))
	}
	require.Eventually(t, func() bool { return fast.Len() == 0 && slow.Len() == 0 },
		20*time.Second, time.Millisecond)
	close(slowDone)
	cancel()
	wg.Wait()

	require.Equal(t, nums(0, total-1), fastGot)
	require.NotEmpty(t, slowGot)
	require.True(t, slowGot[0].Keyframe)
	for i := 1; i < len(slowGot); i++ {
		prev, cur := seq(slowGot[i-1]), seq(slowGot[i])
		require.Greater(t, cur, prev)
		if cur != prev+1 {
			require.Truef(t, slowGot[i].Keyframe, "unit %d follows a gap after %d but is no keyframe", cur, prev)
		}
	}
	require.Equal(t, uint64(total), uint64(len(slowGot))+slow.Dropped())
}

// BenchmarkWrite measures the camera-side cost of one unit fanned out to four readers
// that keep up.
func BenchmarkWrite(b *testing.B) {
	s := NewStream("cam", nil)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		r := s.AddReader("bench", 1024, false)
		defer r.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = r.Run(ctx, func(*unit.AccessUnit) error { return nil })
		}()
	}
	units := make([]*unit.AccessUnit, gop*4)
	for i := range units {
		units[i] = mkUnit(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Write(units[i%len(units)])
	}
	b.StopTimer()
	cancel()
	wg.Wait()
}
