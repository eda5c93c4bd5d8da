package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testCost keeps test users' hashes cheap under -race; the dummy hash for unknown
// users stays at the production cost.
const testCost = bcrypt.MinCost

// configToken is the secret of the "ci" config token used by the harness.
const configToken = "ci-token-0123456789abcdef"

// clock is an injectable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// memUsers is the test's UserStore seam; the gateway tests cover the real store.
type memUsers struct {
	mu    sync.Mutex
	users map[string]User
	err   error // when set, every lookup fails with it
}

func (m *memUsers) LookupUser(_ context.Context, name string) (User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return User{}, m.err
	}
	u, ok := m.users[name]
	if !ok {
		return User{}, fmt.Errorf("user %q: %w", name, ErrNoUser)
	}
	return u, nil
}

func (m *memUsers) put(t *testing.T, name string, role Role, grid, password string) {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), testCost)
	require.NoError(t, err)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[name] = User{Name: name, Role: role, Grid: grid, PasswordHash: string(h)}
}

func (m *memUsers) update(name string, f func(*User)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.users[name]
	f(&u)
	m.users[name] = u
}

func (m *memUsers) remove(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.users, name)
}

func (m *memUsers) setErr(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err = err
}

// auditLog collects audit events.
type auditLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *auditLog) Audit(_ context.Context, e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *auditLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is an Authenticator behind a real HTTP server on 127.0.0.1.
type harness struct {
	a        *Authenticator
	users    *memUsers
	sessions *MemorySessions
	clock    *clock
	audit    *auditLog
	logs     *syncBuffer
	srv      *httptest.Server
}

// Passwords of the harness users.
const (
	alicePassword = "alice-password-1"
	bobPassword   = "bob-password-22"
)

func newHarness(t *testing.T, opts ...func(*Options)) *harness {
	t.Helper()
	h := &harness{
		users:    &memUsers{users: map[string]User{}},
		sessions: NewMemorySessions(),
		clock:    newClock(),
		audit:    &auditLog{},
		logs:     &syncBuffer{},
	}
	h.users.put(t, "alice", RoleAdmin, "", alicePassword)
	h.users.put(t, "bob", RoleOperator, "110101001", bobPassword)
	o := Options{
		Users:    h.users,
		Sessions: h.sessions,
		Tokens:   []Token{{Name: "ci", Token: configToken, Role: "operator", Grid: "110101"}},
		Auditor:  h.audit,
		Now:      h.clock.Now,
		Logger:   slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range opts {
		f(&o)
	}
	a, err := New(o)
	require.NoError(t, err)
	h.a = a

	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/auth/login", a.LoginHandler())
	mux.Handle("/api/v1/auth/logout", a.Middleware(a.LogoutHandler()))
	mux.Handle("GET /api/v1/auth/me", a.Middleware(a.MeHandler()))
	mux.Handle("/api/v1/thing", a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := FromContext(r.Context())
		if !ok {
			http.Error(w, "no principal", http.StatusTeapot)
			return
		}
		writeJSON(w, http.StatusOK, p)
	})))
	mux.Handle("/api/v1/admin", a.Middleware(Require(RoleAdmin, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))))
	h.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.srv.CloseClientConnections()
		h.srv.Close()
	})
	return h
}

// url is the server address of path.
func (h *harness) url(path string) string { return h.srv.URL + path }

// client returns an HTTP client whose connections come from the given loopback IP.
func (h *harness) client(t *testing.T, ip string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends req and reads the whole answer.
func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// newRequest builds a request to the harness.
func (h *harness) newRequest(t *testing.T, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, h.url(path), strings.NewReader(body))
	require.NoError(t, err)
	return req
}

// loginFrom posts credentials from the given loopback IP.
func (h *harness) loginFrom(t *testing.T, ip, user, password string) response {
	t.Helper()
	body, err := json.Marshal(map[string]string{"username": user, "password": password})
	require.NoError(t, err)
	req := h.newRequest(t, http.MethodPost, "/api/v1/auth/login", string(body))
	req.Header.Set("Content-Type", "application/json")
	return do(t, h.client(t, ip), req)
}

// login posts credentials from 127.0.0.1.
func (h *harness) login(t *testing.T, user, password string) response {
	t.Helper()
	return h.loginFrom(t, "127.0.0.1", user, password)
}

// session logs in and returns the session token.
func (h *harness) session(t *testing.T, user, password string) string {
	t.Helper()
	r := h.login(t, user, password)
	require.Equal(t, http.StatusOK, r.status, r.body)
	var lr LoginResponse
	require.NoError(t, json.Unmarshal([]byte(r.body), &lr))
	require.NotEmpty(t, lr.Token)
	return lr.Token
}
