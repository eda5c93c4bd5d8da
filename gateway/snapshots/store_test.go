package snapshots

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
)

// clock is a settable time source for Store.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	store *Store
	clock *clock
	reg   *prometheus.Registry
}

// newStore starts a Store in a fresh directory with a fake clock; edit tunes it first.
func newStore(t *testing.T, edit func(*Store)) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), reg: prometheus.NewRegistry()}
	f.store = &Store{
		Dir:             filepath.Join(t.TempDir(), "snapshots"),
		JanitorInterval: time.Hour,
		Now:             f.clock.Now,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		Registerer:      f.reg,
	}
	if edit != nil {
		edit(f.store)
	}
	require.NoError(t, f.store.Start())
	t.Cleanup(func() { require.NoError(t, f.store.Close()) })
	return f
}

// fakeJPEG is n bytes that pass Save's JPEG signature check.
func fakeJPEG(n int) []byte {
	b := bytes.Repeat([]byte{0x42}, n)
	copy(b, []byte{0xFF, 0xD8, 0xFF})
	return b
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
	require.NoError(t, err)
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	return m
}

func TestSaveOpen(t *testing.T) {
	f := newStore(t, nil)
	pic := testJPEG(t)

	name, err := f.store.Save("evt:42/enter", pic)
	require.NoError(t, err)
	require.Regexp(t, `^20260501T120000\.000000000Z_evt-42-enter_[0-9a-f]{8}\.jpg$`, name)
	other, err := f.store.Save("evt:42/enter", pic)
	require.NoError(t, err)
	require.NotEqual(t, name, other, "names are unique")

	r, err := f.store.Open(name)
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	require.NoError(t, r.Close())
	require.NoError(t, err)
	require.Equal(t, pic, got)
	require.Equal(t, float64(2), testutil.ToFloat64(f.store.metrics.saved))
	require.Equal(t, float64(2*len(pic)), gauge(t, f.reg, "sharpeyes_snapshots_bytes"))
	require.Equal(t, float64(2), gauge(t, f.reg, "sharpeyes_snapshots_files"))
	require.Empty(t, tempFiles(t, f.store.Dir), "no temporary file is left behind")
}

func TestSaveRejects(t *testing.T) {
	f := newStore(t, func(s *Store) { s.MaxBytes = 100 })
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotJPEG},
		{"png", []byte("\x89PNG\r\n\x1a\n"), ErrNotJPEG},
		{"bigger than the store", fakeJPEG(101), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.store.Save("x", tc.data)
			require.ErrorIs(t, err, tc.want)
		})
	}
	var notStarted Store
	_, err := notStarted.Save("x", fakeJPEG(10))
	require.ErrorIs(t, err, ErrNotStarted)
}

func TestSafeID(t *testing.T) {
	long := bytes.Repeat([]byte("a"), 100)
	for _, tc := range []struct{ in, want string }{
		{"cam-1", "cam-1"},
		{"evt_7:enter", "evt-7-enter"},
		{"../../etc/passwd", "------etc-passwd"},
		{"", "snapshot"},
		{"摄像头", "---------"},
		{string(long), string(long[:64])},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := safeID(tc.in)
			require.Equal(t, tc.want, got)
			require.True(t, validName.MatchString(newName(tc.in, time.Now())))
		})
	}
}

func TestRetention(t *testing.T) {
	f := newStore(t, func(s *Store) { s.Retention = time.Hour })
	old, err := f.store.Save("old", fakeJPEG(100))
	require.NoError(t, err)
	f.clock.Advance(30 * time.Minute)
	young, err := f.store.Save("young", fakeJPEG(100))
	require.NoError(t, err)

	f.clock.Advance(31 * time.Minute) // old is 61 min, young 31 min
	_, err = f.store.Open(old)
	require.ErrorIs(t, err, ErrNotFound, "expired snapshots are not served even before a sweep")
	require.ElementsMatch(t, []string{old, young}, files(t, f.store.Dir))

	n, err := f.store.Sweep()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, []string{young}, files(t, f.store.Dir))
	require.Equal(t, float64(1), testutil.ToFloat64(f.store.metrics.deleted.WithLabelValues(reasonExpired)))
	rc, err := f.store.Open(young)
	require.NoError(t, err)
	require.NoError(t, rc.Close())

	f.clock.Advance(30 * time.Minute)
	n, err = f.store.Sweep()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Empty(t, files(t, f.store.Dir))
	require.Equal(t, float64(0), gauge(t, f.reg, "sharpeyes_snapshots_bytes"))
}

func TestMaxBytesDeletesOldestFirst(t *testing.T) {
	// The janitor only ticks hourly here: any deletion comes from the Save wake-up.
	f := newStore(t, func(s *Store) { s.MaxBytes = 250 })
	var names []string
	for _, id := range []string{"a", "b", "c", "d"} {
		n, err := f.store.Save(id, fakeJPEG(100))
		require.NoError(t, err)
		names = append(names, n)
		f.clock.Advance(time.Second)
	}
	deleted := f.store.metrics.deleted.WithLabelValues(reasonOverSize)
	require.Eventually(t, func() bool { return testutil.ToFloat64(deleted) == 2 }, 10*time.Second, 5*time.Millisecond)
	require.ElementsMatch(t, names[2:], files(t, f.store.Dir), "the two newest stay")
	require.Equal(t, float64(200), gauge(t, f.reg, "sharpeyes_snapshots_bytes"))
}

func TestJanitorRunsPeriodically(t *testing.T) {
	f := newStore(t, func(s *Store) {
		s.Retention = time.Minute
		s.JanitorInterval = 10 * time.Millisecond
	})
	_, err := f.store.Save("cam", fakeJPEG(10))
	require.NoError(t, err)
	require.Len(t, files(t, f.store.Dir), 1)
	f.clock.Advance(2 * time.Minute)
	require.Eventually(t, func() bool { return len(files(t, f.store.Dir)) == 0 }, 10*time.Second, 5*time.Millisecond)
}

func TestStartCleansUpAndKeepsForeignFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snaps")
	require.NoError(t, os.MkdirAll(dir, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, tmpPrefix+"half.jpg"), []byte("half"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README"), []byte("mine"), 0o600))
	keep := newName("earlier", time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC))
	require.NoError(t, os.WriteFile(filepath.Join(dir, keep), fakeJPEG(50), 0o600))

	f := newStore(t, func(s *Store) { s.Dir = dir; s.Retention = 24 * time.Hour })
	require.Empty(t, tempFiles(t, dir))
	require.FileExists(t, filepath.Join(dir, "README"))
	require.Equal(t, []string{keep}, files(t, dir))
	require.Equal(t, float64(50), gauge(t, f.reg, "sharpeyes_snapshots_bytes"), "Start counts what is there")
	f.clock.Advance(48 * time.Hour)
	_, err := f.store.Sweep()
	require.NoError(t, err)
	require.Empty(t, files(t, dir))
	require.FileExists(t, filepath.Join(dir, "README"), "files the store did not make are never deleted")
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, tmpPrefix+"*"))
	require.NoError(t, err)
	return m
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

// testJPEG returns a small real JPEG.
func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, nil))
	return buf.Bytes()
}
