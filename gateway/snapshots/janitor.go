package snapshots

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// janitor is the Store's goroutine: it sweeps every JanitorInterval, and when woken by
// a Save that went over MaxBytes.
func (s *Store) janitor() {
	defer close(s.done)
	t := time.NewTicker(s.JanitorInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.wake:
		}
		if _, err := s.Sweep(); err != nil {
			s.log.Warn("snapshot sweep failed", "error", err)
		}
	}
}

// snap is one snapshot file found by a sweep.
type snap struct {
	name  string
	saved time.Time
	size  int64
}

// Sweep deletes the snapshots older than Retention, then the oldest ones until the rest
// fit in MaxBytes, and returns how many it deleted. The janitor calls it; tests and
// operators may too. Files whose names Save could not have made are left alone.
func (s *Store) Sweep() (int, error) {
	if s.root == nil {
		return 0, ErrNotStarted
	}
	snaps, err := s.list()
	if err != nil {
		return 0, err
	}
	var keep []snap
	var expired []string
	for _, sn := range snaps {
		if s.expired(sn.saved) {
			expired = append(expired, sn.name)
		} else {
			keep = append(keep, sn)
		}
	}
	var total int64
	for _, sn := range keep {
		total += sn.size
	}
	var over []string
	for len(keep) > 0 && s.MaxBytes > 0 && total > s.MaxBytes {
		over = append(over, keep[0].name)
		total -= keep[0].size
		keep = keep[1:]
	}
	n, err1 := s.remove(expired, reasonExpired)
	m, err2 := s.remove(over, reasonOverSize)
	if n+m > 0 {
		s.log.Debug("snapshots swept", "expired", n, "over_size", m, "kept", len(keep), "bytes", total)
	}
	return n + m, errors.Join(err1, err2)
}

// list returns the snapshots on disk, oldest first, and resets the usage counters to
// what it found. It holds s.mu so that no Save is counted twice or missed.
func (s *Store) list() ([]snap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	des, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return nil, err
	}
	var snaps []snap
	var total int64
	for _, de := range des {
		saved, ok := parseName(de.Name())
		if !ok || !de.Type().IsRegular() {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue // deleted meanwhile
		}
		snaps = append(snaps, snap{name: de.Name(), saved: saved, size: info.Size()})
		total += info.Size()
	}
	slices.SortFunc(snaps, func(a, b snap) int { return a.saved.Compare(b.saved) })
	s.bytes, s.files = total, len(snaps)
	return snaps, nil
}

// remove deletes the named snapshots, counting them under reason.
func (s *Store) remove(names []string, reason string) (int, error) {
	var errs []error
	n := 0
	for _, name := range names {
		info, statErr := s.root.Lstat(name)
		if err := s.root.Remove(name); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		n++
		s.mu.Lock()
		s.files--
		if statErr == nil {
			s.bytes -= info.Size()
		}
		s.mu.Unlock()
	}
	if n > 0 {
		s.metrics.deleted.WithLabelValues(reason).Add(float64(n))
	}
	return n, errors.Join(errs...)
}

// removeTemps deletes temporary files of Saves interrupted by a crash.
func (s *Store) removeTemps() {
	des, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return
	}
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			_ = s.root.Remove(de.Name())
		}
	}
}
