package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const unauthBody = `{"error":"authentication required"}` + "\n"

func TestMiddleware(t *testing.T) {
	cases := []struct {
		name string
		// prepare builds the request, logging in or changing the stores as needed.
		prepare func(t *testing.T, h *harness) *http.Request
		status  int
		want    Principal // checked when status is 200
		body    string    // checked when not 200
	}{
		{
			name:    "no credentials",
			prepare: func(t *testing.T, h *harness) *http.Request { return h.newRequest(t, "GET", "/api/v1/thing", "") },
			status:  401, body: unauthBody,
		},
		{
			name: "bad bearer",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.Header.Set("Authorization", "Bearer not-a-real-token-at-all")
				return req
			},
			status: 401, body: unauthBody,
		},
		{
			name: "bearer shaped like a session but unknown",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.Header.Set("Authorization", "Bearer "+strings.Repeat("A", sessionTokenLen))
				return req
			},
			status: 401, body: unauthBody,
		},
		{
			name: "basic scheme",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.SetBasicAuth("alice", alicePassword)
				return req
			},
			status: 401, body: unauthBody,
		},
		{
			name: "good config token",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.Header.Set("Authorization", "Bearer "+configToken)
				return req
			},
			status: 200, want: Principal{Name: "ci", Role: RoleOperator, Grid: "110101", Kind: KindToken},
		},
		{
			name: "config token scheme is case-insensitive",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.Header.Set("Authorization", "bearer "+configToken)
				return req
			},
			status: 200, want: Principal{Name: "ci", Role: RoleOperator, Grid: "110101", Kind: KindToken},
		},
		{
			name: "config token in the cookie is not accepted",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: configToken})
				return req
			},
			status: 401, body: unauthBody,
		},
		{
			name: "good session cookie",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "bob", bobPassword)})
				return req
			},
			status: 200, want: Principal{Name: "bob", Role: RoleOperator, Grid: "110101001", Kind: KindUser},
		},
		{
			name: "session token as bearer",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.Header.Set("Authorization", "Bearer "+h.session(t, "alice", alicePassword))
				return req
			},
			status: 200, want: Principal{Name: "alice", Role: RoleAdmin, Kind: KindUser},
		},
		{
			name: "session just before expiry",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "bob", bobPassword)})
				h.clock.Advance(DefaultSessionTTL - time.Second)
				return req
			},
			status: 200, want: Principal{Name: "bob", Role: RoleOperator, Grid: "110101001", Kind: KindUser},
		},
		{
			name: "expired session",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "bob", bobPassword)})
				h.clock.Advance(DefaultSessionTTL)
				return req
			},
			status: 401, body: unauthBody,
		},
		{
			name: "cross-site cookie POST",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "POST", "/api/v1/thing", "{}")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "alice", alicePassword)})
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				return req
			},
			status: 403, body: `{"error":"forbidden: cross-site request"}` + "\n",
		},
		{
			name: "same-site but not same-origin cookie DELETE",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "DELETE", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "alice", alicePassword)})
				req.Header.Set("Sec-Fetch-Site", "same-site")
				return req
			},
			status: 403, body: `{"error":"forbidden: cross-site request"}` + "\n",
		},
		{
			name: "foreign Origin cookie PUT",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "PUT", "/api/v1/thing", "{}")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "alice", alicePassword)})
				req.Header.Set("Origin", "http://evil.example")
				return req
			},
			status: 403, body: `{"error":"forbidden: cross-site request"}` + "\n",
		},
		{
			name: "same-origin cookie POST",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "POST", "/api/v1/thing", "{}")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "alice", alicePassword)})
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				req.Header.Set("Origin", h.srv.URL)
				return req
			},
			status: 200, want: Principal{Name: "alice", Role: RoleAdmin, Kind: KindUser},
		},
		{
			name: "cookie POST without fetch metadata",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "POST", "/api/v1/thing", "{}")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "alice", alicePassword)})
				return req
			},
			status: 200, want: Principal{Name: "alice", Role: RoleAdmin, Kind: KindUser},
		},
		{
			name: "cross-site cookie GET is allowed",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "alice", alicePassword)})
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				return req
			},
			status: 200, want: Principal{Name: "alice", Role: RoleAdmin, Kind: KindUser},
		},
		{
			name: "bearer POST cross-site",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "POST", "/api/v1/thing", "{}")
				req.Header.Set("Authorization", "Bearer "+configToken)
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Origin", "http://evil.example")
				return req
			},
			status: 200, want: Principal{Name: "ci", Role: RoleOperator, Grid: "110101", Kind: KindToken},
		},
		{
			name: "deleted user's session",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "bob", bobPassword)})
				h.users.remove("bob")
				return req
			},
			status: 401, body: unauthBody,
		},
		{
			name: "changed role and grid picked up",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "bob", bobPassword)})
				h.users.update("bob", func(u *User) { u.Role, u.Grid = RoleViewer, "110101002" })
				return req
			},
			status: 200, want: Principal{Name: "bob", Role: RoleViewer, Grid: "110101002", Kind: KindUser},
		},
		{
			name: "user store failing",
			prepare: func(t *testing.T, h *harness) *http.Request {
				req := h.newRequest(t, "GET", "/api/v1/thing", "")
				req.AddCookie(&http.Cookie{Name: CookieName, Value: h.session(t, "bob", bobPassword)})
				h.users.setErr(errDatabaseDown)
				return req
			},
			status: 500, body: `{"error":"internal error"}` + "\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			r := do(t, h.srv.Client(), c.prepare(t, h))
			require.Equal(t, c.status, r.status, r.body)
			switch c.status {
			case http.StatusOK:
				var got Principal
				require.NoError(t, json.Unmarshal([]byte(r.body), &got))
				require.Equal(t, c.want, got)
			case http.StatusUnauthorized:
				require.Equal(t, `Bearer realm="sharpeyes"`, r.header.Get("WWW-Authenticate"))
				fallthrough
			default:
				require.Equal(t, c.body, r.body)
				require.Equal(t, "application/json", r.header.Get("Content-Type"))
			}
		})
	}
}

// TestMiddlewareDropsDeadSessions checks that expired sessions and sessions of
// deleted users are removed from the store, and the cookie is cleared.
func TestMiddlewareDropsDeadSessions(t *testing.T) {
	for _, kill := range []struct {
		name string
		do   func(h *harness)
	}{
		{"expired", func(h *harness) { h.clock.Advance(DefaultSessionTTL + time.Minute) }},
		{"user deleted", func(h *harness) { h.users.remove("bob") }},
	} {
		t.Run(kill.name, func(t *testing.T) {
			h := newHarness(t)
			token := h.session(t, "bob", bobPassword)
			require.Equal(t, 1, h.sessions.Len())
			kill.do(h)
			req := h.newRequest(t, "GET", "/api/v1/thing", "")
			req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
			r := do(t, h.srv.Client(), req)
			require.Equal(t, http.StatusUnauthorized, r.status)
			require.Contains(t, r.header.Get("Set-Cookie"), CookieName+"=;")
			require.Contains(t, r.header.Get("Set-Cookie"), "Max-Age=0")
			require.Equal(t, 0, h.sessions.Len())
		})
	}
}

func TestRequire(t *testing.T) {
	for _, have := range Roles() {
		for _, need := range Roles() {
			t.Run(string(have)+"/"+string(need), func(t *testing.T) {
				allowed := have.rank() >= need.rank()
				ran := false
				h := Require(need, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					ran = true
					w.WriteHeader(http.StatusNoContent)
				}))
				req := httptest.NewRequest("GET", "/x", nil)
				req = req.WithContext(NewContext(req.Context(), Principal{Name: "p", Role: have, Kind: KindUser}))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				require.Equal(t, allowed, ran)
				if allowed {
					require.Equal(t, http.StatusNoContent, rec.Code)
					return
				}
				require.Equal(t, http.StatusForbidden, rec.Code)
				require.Equal(t, `{"error":"forbidden: needs role `+string(need)+`"}`+"\n", rec.Body.String())
			})
		}
	}
	t.Run("no principal", func(t *testing.T) {
		rec := httptest.NewRecorder()
		Require(RoleViewer, http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
		require.Equal(t, http.StatusUnauthorized, rec.Code)
		require.Equal(t, unauthBody, rec.Body.String())
	})
	t.Run("unknown role", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x", nil)
		req = req.WithContext(NewContext(req.Context(), Principal{Name: "p", Role: "root"}))
		Require(RoleViewer, http.NotFoundHandler()).ServeHTTP(rec, req)
		require.Equal(t, http.StatusForbidden, rec.Code)
	})
}

// TestRequireOverHTTP checks Require behind Middleware on the real server.
func TestRequireOverHTTP(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		token  string
		status int
	}{
		{"admin session", h.session(t, "alice", alicePassword), http.StatusNoContent},
		{"operator session", h.session(t, "bob", bobPassword), http.StatusForbidden},
		{"operator token", configToken, http.StatusForbidden},
		{"nobody", "", http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := h.newRequest(t, "GET", "/api/v1/admin", "")
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			r := do(t, h.srv.Client(), req)
			require.Equal(t, c.status, r.status, r.body)
			if c.status == http.StatusForbidden {
				require.Equal(t, `{"error":"forbidden: needs role admin"}`+"\n", r.body)
			}
		})
	}
}
