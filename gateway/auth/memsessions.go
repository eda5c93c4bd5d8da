package auth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultMaxSessions bounds a MemorySessions store.
const DefaultMaxSessions = 10000

// MemorySessions is an in-memory SessionStore for single-process deployments and
// tests. It has no goroutine: expired sessions are purged whenever one is created,
// and when MaxSessions live sessions exist, creating another evicts the one that
// expires first (that user must log in again).
type MemorySessions struct {
	limit int

	mu       sync.Mutex
	sessions map[string]memSession
}

// memSession is one stored session.
type memSession struct {
	user    string
	expires time.Time
}

// NewMemorySessions returns an empty store holding at most DefaultMaxSessions.
func NewMemorySessions() *MemorySessions { return NewMemorySessionsMax(DefaultMaxSessions) }

// NewMemorySessionsMax returns an empty store holding at most limit sessions (at
// least 1).
func NewMemorySessionsMax(limit int) *MemorySessions {
	return &MemorySessions{limit: max(limit, 1), sessions: map[string]memSession{}}
}

// CreateSession implements SessionStore.
func (m *MemorySessions) CreateSession(_ context.Context, hash, user string, created, expires time.Time) error {
	if hash == "" || user == "" {
		return fmt.Errorf("create session: empty hash or user")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[hash]; !ok && len(m.sessions) >= m.limit {
		m.purgeLocked(created)
	}
	for len(m.sessions) >= m.limit {
		m.evictFirstExpiringLocked()
	}
	m.sessions[hash] = memSession{user: user, expires: expires}
	return nil
}

// LookupSession implements SessionStore.
func (m *MemorySessions) LookupSession(_ context.Context, hash string) (string, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[hash]
	if !ok {
		return "", time.Time{}, ErrNoSession
	}
	return s.user, s.expires, nil
}

// DeleteSession implements SessionStore.
func (m *MemorySessions) DeleteSession(_ context.Context, hash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, hash)
	return nil
}

// Len returns the number of stored sessions, expired ones included until purged.
func (m *MemorySessions) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

// purgeLocked drops sessions expired at now.
func (m *MemorySessions) purgeLocked(now time.Time) {
	for h, s := range m.sessions {
		if !s.expires.After(now) {
			delete(m.sessions, h)
		}
	}
}

// evictFirstExpiringLocked drops the session that expires first.
func (m *MemorySessions) evictFirstExpiringLocked() {
	var victim string
	var first time.Time
	for h, s := range m.sessions {
		if victim == "" || s.expires.Before(first) {
			victim, first = h, s.expires
		}
	}
	delete(m.sessions, victim)
}
