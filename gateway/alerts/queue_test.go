package alerts

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
)

func ids(recs []record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.msg.ID
	}
	return out
}

func seqs(recs []record) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.seq
	}
	return out
}

func recordFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+recordExt))
	require.NoError(t, err)
	sort.Strings(m)
	return m
}

func TestQueueFIFOAndReopen(t *testing.T) {
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	q := openQueue(t, dir, reg)
	for i := range 5 {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	require.Equal(t, 5, q.Len())
	require.Len(t, recordFiles(t, dir), 5)
	select {
	case <-q.wake:
	default:
		t.Fatal("Enqueue did not signal the wake-up channel")
	}

	head := q.peek(2, 1<<20)
	require.Equal(t, []string{"evt-cam:enter0", "evt-cam:enter1"}, ids(head))
	require.False(t, head[0].msg.Time.IsZero(), "Enqueue stamps a zero Time")
	require.Equal(t, 2, q.remove(seqs(head)))
	require.Equal(t, 0, q.remove(seqs(head)), "removing twice is a no-op")
	require.Equal(t, 3, q.Len())
	require.Equal(t, float64(3), gatherValue(t, reg, "sharpeyes_alerts_queue_length", ""))
	require.NoError(t, q.Close())
	require.ErrorIs(t, q.Enqueue(msg("cam", 9)), ErrClosed)

	// Reopen with the same registry: the metrics were unregistered by Close.
	q2 := openQueue(t, dir, reg)
	defer q2.Close()
	require.Equal(t, 3, q2.Len())
	require.Equal(t, q.Bytes(), q2.Bytes())
	require.NoError(t, q2.Enqueue(msg("cam", 5)))
	require.Equal(t, []string{"evt-cam:enter2", "evt-cam:enter3", "evt-cam:enter4", "evt-cam:enter5"}, ids(q2.peek(10, 1<<20)))
	select {
	case <-q2.wake:
	default:
		t.Fatal("a reopened non-empty queue must start with a wake-up")
	}
}

func TestQueueLockedDir(t *testing.T) {
	dir := t.TempDir()
	q := openQueue(t, dir, nil)
	_, err := OpenQueue(QueueConfig{Dir: dir, Logger: quietLogger()})
	require.Error(t, err, "a second queue on the same directory must be refused")
	require.NoError(t, q.Close())
	q2 := openQueue(t, dir, nil)
	require.NoError(t, q2.Close())
}

func TestQueueFullDropsOldest(t *testing.T) {
	sized := msg("cam", 0)
	sized.Time = time.Now()
	size := int64(len(encodeRecord(&sized, time.Now())))
	for _, tc := range []struct {
		name     string
		cfg      QueueConfig
		enqueue  int
		wantKept []int
	}{
		{"by messages", QueueConfig{MaxMessages: 5}, 8, []int{3, 4, 5, 6, 7}},
		{"by bytes", QueueConfig{MaxBytes: 3*size + size/2}, 6, []int{3, 4, 5}},
		{"both, messages bind", QueueConfig{MaxMessages: 2, MaxBytes: 10 * size}, 4, []int{2, 3}},
		{"not full", QueueConfig{MaxMessages: 10}, 4, []int{0, 1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			tc.cfg.Dir, tc.cfg.Logger, tc.cfg.Registerer = t.TempDir(), quietLogger(), reg
			q, err := OpenQueue(tc.cfg)
			require.NoError(t, err)
			defer q.Close()
			for i := range tc.enqueue {
				require.NoError(t, q.Enqueue(msg("cam", i)))
			}
			var want []string
			for _, i := range tc.wantKept {
				want = append(want, msg("cam", i).ID)
			}
			require.Equal(t, want, ids(q.peek(100, 1<<30)))
			require.Len(t, recordFiles(t, tc.cfg.Dir), len(want), "dropped files are deleted")
			drops := float64(tc.enqueue - len(tc.wantKept))
			require.Equal(t, drops, dropped(t, reg, DropQueueFull))
			require.Equal(t, uint64(drops), q.Dropped())
		})
	}
}

func TestQueueShrunkLimitsOnReopen(t *testing.T) {
	dir := t.TempDir()
	q := openQueue(t, dir, nil)
	for i := range 6 {
		require.NoError(t, q.Enqueue(msg("cam", i)))
	}
	require.NoError(t, q.Close())
	reg := prometheus.NewRegistry()
	q, err := OpenQueue(QueueConfig{Dir: dir, MaxMessages: 2, Logger: quietLogger(), Registerer: reg})
	require.NoError(t, err)
	defer q.Close()
	require.Equal(t, []string{msg("cam", 4).ID, msg("cam", 5).ID}, ids(q.peek(10, 1<<20)))
	require.Equal(t, float64(4), dropped(t, reg, DropQueueFull))
}

func TestQueueRejectsBadMessages(t *testing.T) {
	q, err := OpenQueue(QueueConfig{Dir: t.TempDir(), MaxBytes: 1000, Logger: quietLogger()})
	require.NoError(t, err)
	defer q.Close()
	long := make([]byte, 250)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name string
		m    Message
		want error
	}{
		{"empty id", Message{Topic: "t"}, ErrInvalidMessage},
		{"empty topic", Message{ID: "x"}, ErrInvalidMessage},
		{"topic with slash", Message{ID: "x", Topic: "a/b"}, ErrInvalidMessage},
		{"topic dotdot", Message{ID: "x", Topic: ".."}, ErrInvalidMessage},
		{"topic too long", Message{ID: "x", Topic: string(long)}, ErrInvalidMessage},
		{"bigger than the queue", Message{ID: "x", Topic: "t", Value: make([]byte, 2000)}, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, q.Enqueue(tc.m), tc.want)
		})
	}
	require.Equal(t, 0, q.Len())
}

func TestQueueCorruptRecordsSkipped(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"flipped byte", func(t *testing.T, p string) {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			b[len(b)-2] ^= 0xff
			require.NoError(t, os.WriteFile(p, b, 0o600))
		}},
		{"torn write", func(t *testing.T, p string) {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, b[:len(b)/2], 0o600))
		}},
		{"empty file", func(t *testing.T, p string) { require.NoError(t, os.WriteFile(p, nil, 0o600)) }},
		{"garbage", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte("not a record at all"), 0o600))
		}},
		{"vanished", func(t *testing.T, p string) { require.NoError(t, os.Remove(p)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			q := openQueue(t, dir, nil)
			for i := range 3 {
				require.NoError(t, q.Enqueue(msg("cam", i)))
			}
			require.NoError(t, q.Close())
			// Litter of a crash and a stranger's file: the first is removed, the second kept.
			require.NoError(t, os.WriteFile(filepath.Join(dir, tmpPrefix+"123"), []byte("half"), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "README"), []byte("hi"), 0o600))

			reg := prometheus.NewRegistry()
			q = openQueue(t, dir, reg)
			defer q.Close()
			require.NoFileExists(t, filepath.Join(dir, tmpPrefix+"123"))
			require.FileExists(t, filepath.Join(dir, "README"))
			tc.damage(t, recordFiles(t, dir)[1]) // records are checked when read
			got := q.peek(10, 1<<20)
			require.Equal(t, []string{msg("cam", 0).ID, msg("cam", 2).ID}, ids(got))
			require.Equal(t, float64(1), dropped(t, reg, DropCorrupt))
			require.Equal(t, 2, q.Len(), "the corrupt record left the index")
			require.Len(t, recordFiles(t, dir), 2, "the corrupt record file is deleted")
		})
	}
}

func TestQueueConcurrentEnqueue(t *testing.T) {
	q := openQueue(t, t.TempDir(), nil)
	defer q.Close()
	const writers, each = 4, 25
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			var err error
			for i := range each {
				if e := q.Enqueue(msg(fmt.Sprintf("cam%d", w), i)); e != nil {
					err = e
				}
			}
			errs <- err
		}()
	}
	for range writers {
		require.NoError(t, <-errs)
	}
	recs := q.peek(1000, 1<<30)
	require.Len(t, recs, writers*each)
	// Each writer's messages keep their order.
	next := map[string]int{}
	for _, r := range recs {
		k := string(r.msg.Key)
		require.Equal(t, msg(k, next[k]).ID, r.msg.ID)
		next[k]++
	}
}
