package rtspsource

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// State is the connection state of a camera.
type State int

// States. A camera is online from its session's first access unit until the session ends.
const (
	StateConnecting State = iota + 1
	StateOnline
	StateOffline
)

// String returns the state's lowercase name, as published.
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateOnline:
		return "online"
	case StateOffline:
		return "offline"
	}
	return "unknown"
}

// Status is a snapshot of a camera's connection.
type Status struct {
	CameraID string
	State    State
	// Since is when State was entered.
	Since time.Time
	// LastError is why the last session ended, already redacted; kept across reconnects.
	LastError string
	// Reconnects counts attempts after the first.
	Reconnects uint64
	// FramesReceived counts access units over all sessions.
	FramesReceived uint64
}

// Supervisor keeps one camera connected: it runs a Source, and when the session fails or
// the camera closes it, waits (Backoff) and runs a new one. The Writer, usually the
// camera's streams.Stream, stays the same across sessions, so readers survive reconnects.
//
// It owns one goroutine, started by Start and stopped by Close or by cancelling Start's ctx.
type Supervisor struct {
	CameraID string
	Settings Settings
	Writer   unitWriter
	Backoff  Backoff
	// Logger defaults to slog.Default(); the supervisor adds component and camera.
	Logger *slog.Logger
	// Metrics may be nil.
	Metrics *Metrics
	// OnStateChange, when set, gets every state change, in order. It runs on the
	// supervisor's goroutine or on the camera's packet goroutine, so it must not block.
	OnStateChange func(Status)

	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}

	frames     atomic.Uint64
	reconnects atomic.Uint64

	notifyMu sync.Mutex // held across a state change and its callback, to keep them in order
	mu       sync.Mutex // guards the fields below
	state    State
	since    time.Time
	lastErr  string
	session  uint64 // attempt number; a late "online" from an older session is ignored
	onlineAt time.Time
}

// Start enters connecting (telling OnStateChange on the caller's goroutine) and launches
// the reconnect loop. Writer must be set.
func (s *Supervisor) Start(ctx context.Context) {
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	s.log = log.With("component", "rtspsource", "camera", s.CameraID)
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	s.Metrics.add(s)
	id := s.beginSession()
	go s.run(ctx, id)
}

// Close stops the loop, waits for it and its session to end, and removes the camera's metrics.
func (s *Supervisor) Close() {
	if s.done == nil {
		return
	}
	s.cancel()
	<-s.done
	s.Metrics.remove(s)
}

// Status returns the current state and counters.
func (s *Supervisor) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked()
}

func (s *Supervisor) statusLocked() Status {
	return Status{
		CameraID:       s.CameraID,
		State:          s.state,
		Since:          s.since,
		LastError:      s.lastErr,
		Reconnects:     s.reconnects.Load(),
		FramesReceived: s.frames.Load(),
	}
}

// run loops over sessions; the first one, id, was begun by Start.
func (s *Supervisor) run(ctx context.Context, id uint64) {
	defer close(s.done)

	bo := backoff{cfg: s.Backoff.withDefaults()}

	for {
		src := &Source{Settings: s.Settings, Writer: &sessionWriter{s: s, id: id}, Logger: s.log}
		err := src.Run(ctx)
		if ctx.Err() != nil {
			return
		}

		onlineFor := s.endSession(err)
		if onlineFor >= bo.cfg.StableAfter {
			bo.reset()
		}
		delay := bo.next()
		s.log.Warn("camera offline", "error", err, "online_for", onlineFor, "retry_in", delay)

		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		s.reconnects.Add(1)
		id = s.beginSession()
	}
}

// beginSession enters connecting and returns the new session's id.
func (s *Supervisor) beginSession() uint64 {
	var id uint64
	s.change(func() bool {
		s.session++
		id = s.session
		s.onlineAt = time.Time{}
		return s.setLocked(StateConnecting)
	})
	return id
}

// markOnline enters online on the first unit of session id.
func (s *Supervisor) markOnline(id uint64) {
	changed := s.change(func() bool {
		if s.session != id || s.state != StateConnecting {
			return false
		}
		s.onlineAt = time.Now()
		return s.setLocked(StateOnline)
	})
	if changed {
		s.log.Info("camera online", "session", id)
	}
}

// endSession enters offline with err and returns how long the session was online.
func (s *Supervisor) endSession(err error) time.Duration {
	var onlineFor time.Duration
	s.change(func() bool {
		if !s.onlineAt.IsZero() {
			onlineFor = time.Since(s.onlineAt)
		}
		if err != nil {
			s.lastErr = err.Error() // Source.Run errors are redacted
		}
		return s.setLocked(StateOffline)
	})
	return onlineFor
}

func (s *Supervisor) setLocked(st State) bool {
	if s.state == st {
		return false
	}
	s.state, s.since = st, time.Now()
	return true
}

// change applies fn under the locks and, if it changed the state, tells OnStateChange.
func (s *Supervisor) change(fn func() (changed bool)) bool {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()

	s.mu.Lock()
	changed := fn()
	st := s.statusLocked()
	s.mu.Unlock()

	if changed && s.OnStateChange != nil {
		s.OnStateChange(st)
	}
	return changed
}

// sessionWriter counts units for one session and flips the camera online on the first.
type sessionWriter struct {
	s      *Supervisor
	id     uint64
	online atomic.Bool
}

func (w *sessionWriter) Write(u *unit.AccessUnit) {
	w.s.frames.Add(1)
	if !w.online.Load() && w.online.CompareAndSwap(false, true) {
		w.s.markOnline(w.id)
	}
	w.s.Writer.Write(u)
}
