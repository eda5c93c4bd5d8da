package auth

import (
	"context"
	"errors"
	"time"
)

// ErrNoUser is returned (possibly wrapped) by UserStore.LookupUser for an unknown
// user name.
var ErrNoUser = errors.New("no such user")

// ErrNoSession is returned (possibly wrapped) by SessionStore.LookupSession for an
// unknown session. Any other error is treated as the store failing (500).
var ErrNoSession = errors.New("no such session")

// User is a person who logs in, as the user store holds them.
type User struct {
	Name         string
	Role         Role
	Grid         string // "" = whole district
	PasswordHash string // bcrypt
}

// UserStore looks users up by name. The authenticator calls it at login and on
// every session-authenticated request, so role and grid changes and deletions take
// effect at once.
type UserStore interface {
	// LookupUser returns the user, or an error wrapping ErrNoUser.
	LookupUser(ctx context.Context, name string) (User, error)
}

// SessionStore keeps login sessions. It only ever sees the hex SHA-256 of a session
// token, never the token itself.
type SessionStore interface {
	// CreateSession stores a session; created is the authenticator's clock, which an
	// implementation may use to purge sessions that expired before it.
	CreateSession(ctx context.Context, hash, user string, created, expires time.Time) error
	// LookupSession returns the session's user and expiry (expired sessions may still
	// be returned; the authenticator checks), or an error wrapping ErrNoSession.
	LookupSession(ctx context.Context, hash string) (user string, expires time.Time, err error)
	// DeleteSession removes a session; deleting an unknown one is not an error.
	DeleteSession(ctx context.Context, hash string) error
}

// Audit actions recorded by this package.
const (
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
)

// Event is one audit record. Detail never holds a password, token or hash.
type Event struct {
	Actor  string // user or token name; for a failed login, the name that was tried
	Role   string
	Action string // ActionLogin, ActionLoginFailed, ActionLogout
	Remote string // client IP
	Detail map[string]any
}

// Auditor records security events. Audit must not block for long; it runs on the
// request's goroutine.
type Auditor interface {
	Audit(ctx context.Context, e Event)
}

// AuditorFunc adapts a function to Auditor.
type AuditorFunc func(ctx context.Context, e Event)

// Audit calls f.
func (f AuditorFunc) Audit(ctx context.Context, e Event) { f(ctx, e) }
