package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// DefaultSessionTTL is how long a login lasts when Options.SessionTTL is zero.
const DefaultSessionTTL = 12 * time.Hour

// CookieName is the session cookie.
const CookieName = "sharpeyes_session"

// sessionTokenBytes is the entropy of a session token; encoded it is
// sessionTokenLen base64url characters.
const (
	sessionTokenBytes = 32
	sessionTokenLen   = 43
)

// Options configure an Authenticator.
type Options struct {
	// Users looks up password users (required).
	Users UserStore
	// Sessions stores login sessions; nil means a fresh NewMemorySessions().
	Sessions SessionStore
	// Tokens are the config API tokens; New validates them.
	Tokens []Token
	// SessionTTL is how long a login lasts; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	// Auditor records logins, failed logins and logouts; nil records nothing.
	Auditor Auditor
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the package's logs; nil discards them. Tokens, passwords and
	// hashes are never logged.
	Logger *slog.Logger
	// SecureCookie adds Secure to the session cookie (set it behind HTTPS).
	SecureCookie bool
}

// Authenticator checks the credentials of API requests and serves login, logout
// and "who am I". It has no goroutine and needs no Close; it is safe for
// concurrent use.
type Authenticator struct {
	users    UserStore
	sessions SessionStore
	tokens   tokenSet
	ttl      time.Duration
	auditor  Auditor
	now      func() time.Time
	log      *slog.Logger
	secure   bool
	limiter  *loginLimiter
	random   io.Reader // session token source
}

// New validates the options and returns an Authenticator.
func New(o Options) (*Authenticator, error) {
	if o.Users == nil {
		return nil, errors.New("auth: Options.Users is required")
	}
	if o.SessionTTL < 0 {
		return nil, fmt.Errorf("auth: session TTL must not be negative, got %s", o.SessionTTL)
	}
	tokens, err := newTokenSet(o.Tokens)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	a := &Authenticator{
		users:    o.Users,
		sessions: o.Sessions,
		tokens:   tokens,
		ttl:      o.SessionTTL,
		auditor:  o.Auditor,
		now:      o.Now,
		log:      o.Logger,
		secure:   o.SecureCookie,
		limiter:  newLoginLimiter(maxLimiterKeys),
		random:   rand.Reader,
	}
	if a.sessions == nil {
		a.sessions = NewMemorySessions()
	}
	if a.ttl == 0 {
		a.ttl = DefaultSessionTTL
	}
	if a.auditor == nil {
		a.auditor = AuditorFunc(func(_ context.Context, _ Event) {})
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("component", "auth")
	return a, nil
}

// newSessionToken returns a fresh session token and the hash the store keeps.
func (a *Authenticator) newSessionToken() (token, hash string, err error) {
	b := make([]byte, sessionTokenBytes)
	if _, err := io.ReadFull(a.random, b); err != nil {
		return "", "", fmt.Errorf("read random bytes for a session token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is the hex SHA-256 of a session token: the only form stores see.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// looksLikeSession reports whether s could be a session token, so junk bearer
// tokens never reach the store.
func looksLikeSession(s string) bool {
	if len(s) != sessionTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
