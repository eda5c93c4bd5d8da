// Package snapshots stores the JPEG pictures attached to alerts, serves them over HTTP,
// and deletes them after a retention time or when the store outgrows its byte budget.
package snapshots

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Errors of Save and Open. The HTTP handler answers 404 to both of Open's.
var (
	ErrNotFound    = errors.New("snapshot not found")
	ErrInvalidName = errors.New("invalid snapshot name")
	ErrNotJPEG     = errors.New("snapshot is not a JPEG")
	ErrTooLarge    = errors.New("snapshot larger than the store")
	ErrNotStarted  = errors.New("snapshot store not started")
)

// DefaultJanitorInterval is how often the janitor sweeps when JanitorInterval is zero.
const DefaultJanitorInterval = time.Minute

// Store keeps snapshots as files in Dir. Fill in the settings, call Start, and Close
// when done; settings must not change after Start. Save, Open and the Handler are safe
// for concurrent use.
//
// The Store owns one goroutine, the janitor, which deletes snapshots older than
// Retention and then, oldest first, those beyond MaxBytes. It runs every
// JanitorInterval, and at once when a Save takes the store over MaxBytes.
type Store struct {
	// Dir holds the snapshots; Start creates it.
	Dir string
	// Retention is how long a snapshot is kept and served; 0 keeps them until MaxBytes
	// pushes them out.
	Retention time.Duration
	// MaxBytes caps the total size of the snapshots; 0 means no cap.
	MaxBytes int64
	// JanitorInterval defaults to DefaultJanitorInterval.
	JanitorInterval time.Duration
	// Now is the clock used to name and age snapshots; nil means time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Registerer receives the store metrics; nil registers nothing.
	Registerer prometheus.Registerer

	root    *os.Root
	log     *slog.Logger
	metrics *metrics
	wake    chan struct{} // capacity 1: "over MaxBytes, sweep now"
	stop    chan struct{}
	done    chan struct{}

	closeOnce sync.Once

	mu    sync.Mutex
	bytes int64 // size of the snapshots on disk, as last swept plus saves since
	files int
}

// Start opens Dir (creating it), removes temporary files left by a crash, sweeps once,
// and starts the janitor.
func (s *Store) Start() error {
	if s.Dir == "" {
		return errors.New("start snapshot store: empty directory")
	}
	if s.root != nil {
		return errors.New("start snapshot store: already started")
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.JanitorInterval <= 0 {
		s.JanitorInterval = DefaultJanitorInterval
	}
	s.log = s.Logger
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "snapshots")
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return fmt.Errorf("start snapshot store %s: %w", s.Dir, err)
	}
	root, err := os.OpenRoot(s.Dir)
	if err != nil {
		return fmt.Errorf("start snapshot store %s: %w", s.Dir, err)
	}
	m, err := newMetrics(s, s.Registerer)
	if err != nil {
		_ = root.Close()
		return fmt.Errorf("start snapshot store %s: %w", s.Dir, err)
	}
	s.root, s.metrics = root, m
	s.wake = make(chan struct{}, 1)
	s.stop = make(chan struct{})
	s.done = make(chan struct{})
	s.removeTemps()
	if _, err := s.Sweep(); err != nil {
		s.log.Warn("first snapshot sweep failed", "error", err)
	}
	go s.janitor()
	return nil
}

// Close stops the janitor and waits for it. Snapshots stay on disk; Save and Open fail
// afterwards.
func (s *Store) Close() error {
	if s.root == nil {
		return nil
	}
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.metrics.unregister()
		err = s.root.Close()
	})
	return err
}

// Save writes jpeg as a new snapshot for id (an event or camera ID; characters outside
// [A-Za-z0-9-] become '-') and returns its file name, the {name} of
// GET /snapshots/{name}. The file appears whole or not at all.
func (s *Store) Save(id string, jpeg []byte) (string, error) {
	if s.root == nil {
		return "", ErrNotStarted
	}
	if len(jpeg) < 3 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF {
		return "", ErrNotJPEG
	}
	if s.MaxBytes > 0 && int64(len(jpeg)) > s.MaxBytes {
		return "", fmt.Errorf("%w: %d bytes, store holds %d", ErrTooLarge, len(jpeg), s.MaxBytes)
	}
	name := newName(id, s.Now())
	if err := s.write(name, jpeg); err != nil {
		s.metrics.saveErrors.Inc()
		return "", fmt.Errorf("save snapshot %s: %w", name, err)
	}
	s.metrics.saved.Inc()
	s.mu.Lock()
	s.bytes += int64(len(jpeg))
	s.files++
	over := s.MaxBytes > 0 && s.bytes > s.MaxBytes
	s.mu.Unlock()
	if over {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return name, nil
}

// write stores b under name through a temporary file, fsynced, then renamed.
func (s *Store) write(name string, b []byte) error {
	tmp := tmpPrefix + name
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, name)
	}
	if err != nil {
		_ = s.root.Remove(tmp)
	}
	return err
}

// Open returns the snapshot called name for reading; the caller closes it. It fails
// with ErrInvalidName for anything Save could not have returned (paths, traversal),
// and ErrNotFound when the snapshot is missing or older than Retention.
func (s *Store) Open(name string) (*os.File, error) {
	if s.root == nil {
		return nil, ErrNotStarted
	}
	saved, ok := parseName(name)
	if !ok {
		return nil, ErrInvalidName
	}
	if s.expired(saved) {
		return nil, ErrNotFound
	}
	// Only regular files: a symlink, even one planted in Dir, is not a snapshot.
	if st, err := s.root.Lstat(name); errors.Is(err, fs.ErrNotExist) || err == nil && !st.Mode().IsRegular() {
		return nil, ErrNotFound
	}
	f, err := s.root.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open snapshot %s: %w", name, err)
	}
	return f, nil
}

func (s *Store) expired(saved time.Time) bool {
	return s.Retention > 0 && s.Now().Sub(saved) > s.Retention
}

// usage returns the bytes and number of snapshots on disk.
func (s *Store) usage() (int64, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes, s.files
}
