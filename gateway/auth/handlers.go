package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxLoginBody caps the login request body.
const maxLoginBody = 4 << 10

// badCredentials is the one answer for an unknown user and a wrong password.
const badCredentials = "invalid username or password"

// loginRequest is the body of POST /api/v1/auth/login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// UserInfo describes a logged-in user in API answers.
type UserInfo struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	Grid string `json:"grid"`
}

// LoginResponse is the body of a successful login.
type LoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      UserInfo  `json:"user"`
}

// MeResponse is the body of GET /api/v1/auth/me.
type MeResponse struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	Grid string `json:"grid"`
	Kind string `json:"kind"`
}

// LoginHandler serves POST /api/v1/auth/login (mount it outside Middleware). Body
// {"username","password"} (at most 4 KiB) → 200 LoginResponse and the session
// cookie; 401 for bad credentials (the same for an unknown user and a wrong
// password); 429 with Retry-After after 5 failures for the user name or the client
// IP within 5 minutes.
func (a *Authenticator) LoginHandler() http.Handler { return http.HandlerFunc(a.login) }

func (a *Authenticator) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	req, ok := decodeLogin(w, r)
	if !ok {
		return
	}
	ctx, ip, now := r.Context(), remoteIP(r), a.now()
	key := strings.ToLower(req.Username) // throttle every spelling of a name together
	if wait := a.limiter.begin(key, ip, now); wait > 0 {
		a.log.Debug("login throttled", "user", req.Username, "remote", ip)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeError(w, http.StatusTooManyRequests, "too many failed logins; try again later")
		return
	}
	u, err := a.users.LookupUser(ctx, req.Username)
	if err != nil && !errors.Is(err, ErrNoUser) {
		a.limiter.aborted(key, ip, now)
		a.log.Error("look up user for login failed", "user", req.Username, "err", redact(err, req.Password))
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	if reason := a.verify(u, err, req.Password); reason != "" {
		a.log.Info("login failed", "user", req.Username, "remote", ip, "reason", reason)
		a.auditor.Audit(ctx, Event{Actor: req.Username, Action: ActionLoginFailed, Remote: ip,
			Detail: map[string]any{"reason": reason}})
		writeError(w, http.StatusUnauthorized, badCredentials)
		return
	}
	resp, token, err := a.startSession(r, u, now)
	if err != nil {
		a.limiter.aborted(key, ip, now)
		a.log.Error("create session failed", "user", u.Name, "err", redact(err, token, hashToken(token), req.Password))
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	a.limiter.succeeded(key, ip, now)
	a.log.Info("login", "user", u.Name, "role", string(u.Role), "remote", ip)
	a.auditor.Audit(ctx, Event{Actor: u.Name, Role: string(u.Role), Action: ActionLogin, Remote: ip})
	http.SetCookie(w, a.sessionCookie(token))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

// decodeLogin reads the login body, answering the client itself when it is bad.
func decodeLogin(w http.ResponseWriter, r *http.Request) (loginRequest, bool) {
	var req loginRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxLoginBody)).Decode(&req); err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large (at most 4096 bytes)")
		} else {
			// The decoder's message may quote the body, password included.
			writeError(w, http.StatusBadRequest, `invalid JSON body: want {"username":"…","password":"…"}`)
		}
		return req, false
	}
	var errs []fieldError
	if req.Username == "" {
		errs = append(errs, fieldError{Field: "username", Message: "required"})
	}
	if req.Password == "" {
		errs = append(errs, fieldError{Field: "password", Message: "required"})
	}
	if len(errs) > 0 {
		writeFieldErrors(w, errs)
		return req, false
	}
	return req, true
}

// verify checks a password against the looked-up user (lookupErr wraps ErrNoUser
// for an unknown one) and returns "" on success or the reason for the audit log.
// Unknown users and unusable hashes cost a bcrypt check too, so timing does not
// tell them apart from a wrong password.
func (a *Authenticator) verify(u User, lookupErr error, password string) string {
	switch {
	case lookupErr != nil:
		CheckPassword(dummyHash, password)
		return "unknown_user"
	case ValidatePasswordHash(u.PasswordHash) != nil:
		CheckPassword(dummyHash, password)
		return "no_password"
	case !CheckPassword(u.PasswordHash, password):
		return "bad_password"
	case !u.Role.Valid():
		a.log.Error("user has an invalid role; login refused", "user", u.Name, "role", string(u.Role))
		return "invalid_role"
	}
	return ""
}

// startSession creates a session for u and returns the login answer and token.
func (a *Authenticator) startSession(r *http.Request, u User, now time.Time) (LoginResponse, string, error) {
	token, hash, err := a.newSessionToken()
	if err != nil {
		return LoginResponse{}, "", err
	}
	expires := now.Add(a.ttl).Truncate(time.Second) // whole seconds in the API
	if err := a.sessions.CreateSession(r.Context(), hash, u.Name, now, expires); err != nil {
		return LoginResponse{}, token, fmt.Errorf("store session of %q: %w", u.Name, err)
	}
	return LoginResponse{
		Token:     token,
		ExpiresAt: expires.UTC(),
		User:      UserInfo{Name: u.Name, Role: u.Role, Grid: u.Grid},
	}, token, nil
}

// LogoutHandler serves POST /api/v1/auth/logout (mount it inside Middleware): it
// ends the session the request was authenticated with, clears the cookie and
// answers 204. For a config token there is no session to end; it still answers 204.
func (a *Authenticator) LogoutHandler() http.Handler { return http.HandlerFunc(a.logout) }

func (a *Authenticator) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	ctx := r.Context()
	p, ok := FromContext(ctx)
	if !ok {
		unauthorized(w)
		return
	}
	if hash, ok := sessionFrom(ctx); ok {
		if err := a.sessions.DeleteSession(ctx, hash); err != nil {
			a.log.Error("delete session failed", "user", p.Name, "err", redact(err, hash))
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
	}
	ip := remoteIP(r)
	a.log.Info("logout", "user", p.Name, "kind", p.Kind, "remote", ip)
	a.auditor.Audit(ctx, Event{Actor: p.Name, Role: string(p.Role), Action: ActionLogout, Remote: ip,
		Detail: map[string]any{"kind": p.Kind}})
	http.SetCookie(w, a.clearCookie())
	w.WriteHeader(http.StatusNoContent)
}

// MeHandler serves GET /api/v1/auth/me (mount it inside Middleware): the caller's
// MeResponse.
func (a *Authenticator) MeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := FromContext(r.Context())
		if !ok {
			unauthorized(w)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, MeResponse{Name: p.Name, Role: p.Role, Grid: p.Grid, Kind: p.Kind})
	})
}

// sessionCookie carries a new session token.
func (a *Authenticator) sessionCookie(token string) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		MaxAge:   int(a.ttl / time.Second),
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: http.SameSiteStrictMode,
	}
}

// clearCookie tells the browser to drop the session cookie.
func (a *Authenticator) clearCookie() *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: http.SameSiteStrictMode,
	}
}
