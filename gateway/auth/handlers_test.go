package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var errDatabaseDown = errors.New("database is locked")

func TestLoginSuccess(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			h := newHarness(t, func(o *Options) { o.SecureCookie = secure })
			start := h.clock.Now()
			r := h.login(t, "bob", bobPassword)
			require.Equal(t, http.StatusOK, r.status, r.body)
			require.Equal(t, "no-store", r.header.Get("Cache-Control"))

			var body struct {
				Token     string            `json:"token"`
				ExpiresAt string            `json:"expires_at"`
				User      map[string]string `json:"user"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &body))
			require.Len(t, body.Token, sessionTokenLen)
			require.Equal(t, start.Add(12*time.Hour).Format(time.RFC3339), body.ExpiresAt)
			require.Equal(t, map[string]string{"name": "bob", "role": "operator", "grid": "110101001"}, body.User)

			cookie := r.header.Get("Set-Cookie")
			require.True(t, strings.HasPrefix(cookie, CookieName+"="+body.Token+";"), cookie)
			for _, attr := range []string{"Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"} {
				require.Contains(t, cookie, attr)
			}
			require.Equal(t, secure, strings.Contains(cookie, "Secure"))

			// The store holds the token's SHA-256, never the token.
			user, expires, err := h.sessions.LookupSession(context.Background(), sha256Hex(body.Token))
			require.NoError(t, err)
			require.Equal(t, "bob", user)
			require.True(t, expires.Equal(start.Add(12*time.Hour)))
			_, _, err = h.sessions.LookupSession(context.Background(), body.Token)
			require.ErrorIs(t, err, ErrNoSession)

			require.Equal(t, []Event{{Actor: "bob", Role: "operator", Action: ActionLogin, Remote: "127.0.0.1"}}, h.audit.all())
		})
	}
}

func TestLoginSessionTTL(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.SessionTTL = time.Hour })
	r := h.login(t, "alice", alicePassword)
	require.Equal(t, http.StatusOK, r.status)
	require.Contains(t, r.header.Get("Set-Cookie"), "Max-Age=3600")
	var lr LoginResponse
	require.NoError(t, json.Unmarshal([]byte(r.body), &lr))
	require.True(t, lr.ExpiresAt.Equal(h.clock.Now().Add(time.Hour)))
}

// TestLoginFailuresLookAlike checks that an unknown user and a wrong password get
// byte-identical answers, while the audit log tells them apart.
func TestLoginFailuresLookAlike(t *testing.T) {
	h := newHarness(t)
	wrong := h.loginFrom(t, "127.0.0.1", "bob", "not-bobs-password")
	unknown := h.loginFrom(t, "127.0.0.2", "mallory", "whatever-password")
	require.Equal(t, http.StatusUnauthorized, wrong.status)
	require.Equal(t, wrong.status, unknown.status)
	require.Equal(t, `{"error":"invalid username or password"}`+"\n", wrong.body)
	require.Equal(t, wrong.body, unknown.body)
	for _, hdr := range []string{"Content-Type", "Set-Cookie", "WWW-Authenticate", "Content-Length"} {
		require.Equal(t, wrong.header.Values(hdr), unknown.header.Values(hdr), hdr)
	}
	require.Empty(t, wrong.header.Get("Set-Cookie"))
	require.Equal(t, []Event{
		{Actor: "bob", Action: ActionLoginFailed, Remote: "127.0.0.1", Detail: map[string]any{"reason": "bad_password"}},
		{Actor: "mallory", Action: ActionLoginFailed, Remote: "127.0.0.2", Detail: map[string]any{"reason": "unknown_user"}},
	}, h.audit.all())
	require.Equal(t, 0, h.sessions.Len())
}

func TestLoginBadRequests(t *testing.T) {
	cases := []struct {
		name   string
		method string
		body   string
		status int
		want   string
	}{
		{"not JSON", "POST", `username=bob`, 400, `{"error":"invalid JSON body: want {\"username\":\"…\",\"password\":\"…\"}"}`},
		{"too large", "POST", `{"username":"bob","password":"` + strings.Repeat("x", 5000) + `"}`, 413,
			`{"error":"request body too large (at most 4096 bytes)"}`},
		{"missing both", "POST", `{}`, 422,
			`{"errors":[{"field":"username","message":"required"},{"field":"password","message":"required"}]}`},
		{"missing password", "POST", `{"username":"bob"}`, 422, `{"errors":[{"field":"password","message":"required"}]}`},
		{"GET", "GET", ``, 405, `{"error":"method not allowed"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			// Mount without the method pattern to see the handler's own check.
			rec := httptest.NewRecorder()
			req := h.newRequest(t, c.method, "/api/v1/auth/login", c.body)
			h.a.LoginHandler().ServeHTTP(rec, req)
			require.Equal(t, c.status, rec.Code)
			require.Equal(t, c.want+"\n", rec.Body.String())
			require.Empty(t, h.audit.all())
		})
	}
}

func TestLoginRateLimitByUser(t *testing.T) {
	h := newHarness(t)
	for i := range maxFailures {
		r := h.loginFrom(t, fmt.Sprintf("127.0.0.%d", i+1), "bob", "wrong-password")
		require.Equal(t, http.StatusUnauthorized, r.status, "attempt %d", i+1)
		h.clock.Advance(time.Second)
	}
	// Blocked for every IP and every spelling, even with the right password.
	for _, who := range []struct{ ip, name string }{{"127.0.0.9", "bob"}, {"127.0.0.1", "BOB"}} {
		r := h.loginFrom(t, who.ip, who.name, bobPassword)
		require.Equal(t, http.StatusTooManyRequests, r.status)
		require.Equal(t, `{"error":"too many failed logins; try again later"}`+"\n", r.body)
		require.Equal(t, "295", r.header.Get("Retry-After")) // first failure at +0s, now +5s
	}
	// Another user from a fresh IP is unaffected.
	require.Equal(t, http.StatusOK, h.loginFrom(t, "127.0.0.10", "alice", alicePassword).status)

	// The window passes once the oldest failure is 5 minutes old.
	h.clock.Advance(failureWindow - 5*time.Second - time.Millisecond)
	r := h.loginFrom(t, "127.0.0.9", "bob", bobPassword)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.Equal(t, "1", r.header.Get("Retry-After"))
	h.clock.Advance(time.Millisecond)
	require.Equal(t, http.StatusOK, h.loginFrom(t, "127.0.0.9", "bob", bobPassword).status)
}

func TestLoginRateLimitByIP(t *testing.T) {
	h := newHarness(t)
	for i := range maxFailures {
		name := fmt.Sprintf("user%d", i)
		h.users.put(t, name, RoleViewer, "", "right-password")
		require.Equal(t, http.StatusUnauthorized, h.loginFrom(t, "127.0.0.1", name, "wrong-password").status)
	}
	r := h.loginFrom(t, "127.0.0.1", "alice", alicePassword)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	require.Equal(t, "300", r.header.Get("Retry-After"))
	// The same users from another address are fine: each failed only once.
	require.Equal(t, http.StatusOK, h.loginFrom(t, "127.0.0.2", "user0", "right-password").status)
	h.clock.Advance(failureWindow)
	require.Equal(t, http.StatusOK, h.loginFrom(t, "127.0.0.1", "alice", alicePassword).status)
}

func TestLoginStoreFailure(t *testing.T) {
	h := newHarness(t)
	h.users.setErr(errDatabaseDown)
	for range maxFailures + 1 {
		r := h.login(t, "bob", bobPassword)
		require.Equal(t, http.StatusInternalServerError, r.status)
		require.Equal(t, `{"error":"internal error"}`+"\n", r.body)
	}
	// Store failures are not counted as failed logins.
	h.users.setErr(nil)
	require.Equal(t, http.StatusOK, h.login(t, "bob", bobPassword).status)
	require.Equal(t, []string{ActionLogin}, actions(h.audit.all()))
}

func TestLoginRefusesUnusableAccounts(t *testing.T) {
	h := newHarness(t)
	h.users.update("bob", func(u *User) { u.Role = "boss" })
	h.users.update("alice", func(u *User) { u.PasswordHash = alicePassword }) // a plain password in the store
	require.Equal(t, http.StatusUnauthorized, h.login(t, "bob", bobPassword).status)
	require.Equal(t, http.StatusUnauthorized, h.login(t, "alice", alicePassword).status)
	ev := h.audit.all()
	require.Len(t, ev, 2)
	require.Equal(t, "invalid_role", ev[0].Detail["reason"])
	require.Equal(t, "no_password", ev[1].Detail["reason"])
}

func TestLogout(t *testing.T) {
	h := newHarness(t)
	token := h.session(t, "alice", alicePassword)
	other := h.session(t, "alice", alicePassword)
	require.Equal(t, 2, h.sessions.Len())

	req := h.newRequest(t, "POST", "/api/v1/auth/logout", "")
	req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
	req.Header.Set("Origin", h.srv.URL)
	r := do(t, h.srv.Client(), req)
	require.Equal(t, http.StatusNoContent, r.status, r.body)
	require.Contains(t, r.header.Get("Set-Cookie"), CookieName+"=;")
	require.Contains(t, r.header.Get("Set-Cookie"), "Max-Age=0")
	require.Equal(t, 1, h.sessions.Len(), "only the caller's session ends")

	me := h.newRequest(t, "GET", "/api/v1/auth/me", "")
	me.AddCookie(&http.Cookie{Name: CookieName, Value: token})
	require.Equal(t, http.StatusUnauthorized, do(t, h.srv.Client(), me).status)
	me = h.newRequest(t, "GET", "/api/v1/auth/me", "")
	me.Header.Set("Authorization", "Bearer "+other)
	require.Equal(t, http.StatusOK, do(t, h.srv.Client(), me).status)

	require.Equal(t, []string{ActionLogin, ActionLogin, ActionLogout}, actions(h.audit.all()))
	last := h.audit.all()[2]
	require.Equal(t, Event{Actor: "alice", Role: "admin", Action: ActionLogout, Remote: "127.0.0.1",
		Detail: map[string]any{"kind": KindUser}}, last)
}

func TestLogoutCrossSiteRefused(t *testing.T) {
	h := newHarness(t)
	token := h.session(t, "alice", alicePassword)
	req := h.newRequest(t, "POST", "/api/v1/auth/logout", "")
	req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, do(t, h.srv.Client(), req).status)
	require.Equal(t, 1, h.sessions.Len())
}

func TestLogoutConfigToken(t *testing.T) {
	h := newHarness(t)
	h.session(t, "alice", alicePassword)
	req := h.newRequest(t, "POST", "/api/v1/auth/logout", "")
	req.Header.Set("Authorization", "Bearer "+configToken)
	require.Equal(t, http.StatusNoContent, do(t, h.srv.Client(), req).status)
	require.Equal(t, 1, h.sessions.Len(), "a config token has no session; others stay")
	// The token keeps working.
	req = h.newRequest(t, "GET", "/api/v1/auth/me", "")
	req.Header.Set("Authorization", "Bearer "+configToken)
	require.Equal(t, http.StatusOK, do(t, h.srv.Client(), req).status)
}

func TestMe(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name  string
		token string
		want  string
	}{
		{"user", h.session(t, "bob", bobPassword), `{"name":"bob","role":"operator","grid":"110101001","kind":"user"}`},
		{"token", configToken, `{"name":"ci","role":"operator","grid":"110101","kind":"token"}`},
		{"unscoped user", h.session(t, "alice", alicePassword), `{"name":"alice","role":"admin","grid":"","kind":"user"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := h.newRequest(t, "GET", "/api/v1/auth/me", "")
			req.Header.Set("Authorization", "Bearer "+c.token)
			r := do(t, h.srv.Client(), req)
			require.Equal(t, http.StatusOK, r.status)
			require.Equal(t, c.want+"\n", r.body)
		})
	}
}

// leakySessions is a SessionStore whose errors quote the hash they were given, as
// a careless database layer might.
type leakySessions struct{ *MemorySessions }

func (l leakySessions) LookupSession(_ context.Context, hash string) (string, time.Time, error) {
	return "", time.Time{}, fmt.Errorf("select session %s: %w", hash, errDatabaseDown)
}

func (l leakySessions) DeleteSession(_ context.Context, hash string) error {
	return fmt.Errorf("delete session %s: %w", hash, errDatabaseDown)
}

// TestNoSecretsInLogs drives every path that logs and checks that no password,
// token or hash reaches the log or the audit events.
func TestNoSecretsInLogs(t *testing.T) {
	h := newHarness(t)
	token := h.session(t, "bob", bobPassword)
	for _, pw := range []string{"wrong-password-1", "wrong-password-2"} {
		h.login(t, "bob", pw)
	}
	h.login(t, "nobody", "unknown-user-password")
	for _, bearer := range []string{configToken, token, "junk-bearer-token-value"} {
		req := h.newRequest(t, "GET", "/api/v1/thing", "")
		req.Header.Set("Authorization", "Bearer "+bearer)
		do(t, h.srv.Client(), req)
	}
	cross := h.newRequest(t, "POST", "/api/v1/thing", "")
	cross.AddCookie(&http.Cookie{Name: CookieName, Value: token})
	cross.Header.Set("Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, do(t, h.srv.Client(), cross).status)
	logout := h.newRequest(t, "POST", "/api/v1/auth/logout", "")
	logout.Header.Set("Authorization", "Bearer "+token)
	require.Equal(t, http.StatusNoContent, do(t, h.srv.Client(), logout).status)

	// A store whose errors quote the hash; the password store fails too.
	leaky := newHarness(t, func(o *Options) { o.Sessions = leakySessions{NewMemorySessions()} })
	leakyToken := leaky.session(t, "alice", alicePassword)
	req := leaky.newRequest(t, "GET", "/api/v1/thing", "")
	req.Header.Set("Authorization", "Bearer "+leakyToken)
	require.Equal(t, http.StatusInternalServerError, do(t, leaky.srv.Client(), req).status)
	leaky.users.setErr(fmt.Errorf("lookup failed for password %s", alicePassword))
	require.Equal(t, http.StatusInternalServerError, leaky.login(t, "alice", alicePassword).status)

	logs := h.logs.String() + leaky.logs.String()
	require.Contains(t, logs, "login failed", "the capture works")
	require.Contains(t, logs, "[REDACTED]", "the leaky store's errors were logged, redacted")
	bobHash := func() string { u, _ := h.users.LookupUser(context.Background(), "bob"); return u.PasswordHash }()
	secrets := []string{bobPassword, alicePassword, "wrong-password-1", "wrong-password-2", "unknown-user-password",
		configToken, token, sha256Hex(token), leakyToken, sha256Hex(leakyToken), bobHash, "junk-bearer-token-value"}
	audit := fmt.Sprintf("%#v %#v", h.audit.all(), leaky.audit.all())
	for _, s := range secrets {
		require.NotContains(t, logs, s)
		require.NotContains(t, audit, s)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func actions(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}
