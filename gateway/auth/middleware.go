package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// errUnauthenticated means the request carries no valid credential (401).
var errUnauthenticated = errors.New("authentication required")

// credential is the secret a request presented.
type credential struct {
	token    string
	inCookie bool // from the session cookie rather than the Authorization header
}

// Middleware authenticates every request before next sees it. Credentials come from
// "Authorization: Bearer <token>" (a config token or a session token) or, when that
// header is absent, the session cookie. Without a valid one it answers 401
// {"error":"authentication required"}; a cookie-authenticated unsafe request
// (anything but GET, HEAD, OPTIONS) from another origin gets 403. Otherwise next
// runs with the Principal in the request context (FromContext). Session users are
// looked up on every request, so deletions and role or grid changes apply at once.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cred, ok := credentialOf(r)
		if !ok {
			unauthorized(w)
			return
		}
		p, hash, err := a.authenticate(r.Context(), cred)
		if errors.Is(err, errUnauthenticated) {
			if cred.inCookie {
				http.SetCookie(w, a.clearCookie())
			}
			unauthorized(w)
			return
		}
		if err != nil {
			a.log.Error("authentication failed", "err", redact(err, cred.token, hash), "remote", remoteIP(r))
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		if cred.inCookie && !safeMethod(r.Method) && !sameOrigin(r) {
			a.log.Warn("cross-site request refused", "user", p.Name, "method", r.Method, "path", r.URL.Path,
				"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "remote", remoteIP(r))
			writeError(w, http.StatusForbidden, "forbidden: cross-site request")
			return
		}
		ctx := NewContext(r.Context(), p)
		if hash != "" {
			ctx = withSession(ctx, hash)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// credentialOf extracts the request's credential. A malformed Authorization header
// counts as no credential; the cookie is not consulted then.
func credentialOf(r *http.Request) (credential, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return credential{}, false
		}
		return credential{token: token}, true
	}
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return credential{}, false
	}
	return credential{token: c.Value, inCookie: true}, true
}

// authenticate resolves a credential to a principal, and for sessions also returns
// the session hash. It returns an error wrapping errUnauthenticated for a bad
// credential, any other error when a store failed.
func (a *Authenticator) authenticate(ctx context.Context, cred credential) (Principal, string, error) {
	if !cred.inCookie {
		if p, ok := a.tokens.match(cred.token); ok {
			return p, "", nil
		}
	}
	if !looksLikeSession(cred.token) {
		return Principal{}, "", errUnauthenticated
	}
	hash := hashToken(cred.token)
	name, expires, err := a.sessions.LookupSession(ctx, hash)
	switch {
	case errors.Is(err, ErrNoSession):
		return Principal{}, hash, errUnauthenticated
	case err != nil:
		return Principal{}, hash, fmt.Errorf("look up session: %w", err)
	case !a.now().Before(expires):
		a.dropSession(ctx, hash, "expired")
		return Principal{}, hash, errUnauthenticated
	}
	u, err := a.users.LookupUser(ctx, name)
	switch {
	case errors.Is(err, ErrNoUser):
		a.dropSession(ctx, hash, "user deleted")
		return Principal{}, hash, errUnauthenticated
	case err != nil:
		return Principal{}, hash, fmt.Errorf("look up user %q of a session: %w", name, err)
	case !u.Role.Valid():
		return Principal{}, hash, fmt.Errorf("user %q has an invalid role %q", name, u.Role)
	}
	return Principal{Name: name, Role: u.Role, Grid: u.Grid, Kind: KindUser}, hash, nil
}

// dropSession deletes a session that can no longer be used; failure is only logged
// since the session is refused anyway.
func (a *Authenticator) dropSession(ctx context.Context, hash, why string) {
	if err := a.sessions.DeleteSession(ctx, hash); err != nil {
		a.log.Warn("delete stale session failed", "reason", why, "err", redact(err, hash))
	}
}

// unauthorized answers 401 with the Bearer challenge.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="sharpeyes"`)
	writeError(w, http.StatusUnauthorized, errUnauthenticated.Error())
}

// safeMethod reports whether a method must not change state.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin reports whether a browser request comes from our own pages:
// Sec-Fetch-Site absent or same-origin, and Origin, when present, equal to
// http(s)://<Host>.
func sameOrigin(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	return r.Host != "" && (strings.EqualFold(o, "http://"+r.Host) || strings.EqualFold(o, "https://"+r.Host))
}

// Require lets h run only for a principal (put in the context by Middleware) whose
// role includes need: 401 without a principal, 403
// {"error":"forbidden: needs role <need>"} when the role is too low.
func Require(need Role, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := FromContext(r.Context())
		if !ok {
			unauthorized(w)
			return
		}
		if !p.Can(need) {
			writeError(w, http.StatusForbidden, "forbidden: needs role "+string(need))
			return
		}
		h.ServeHTTP(w, r)
	})
}
