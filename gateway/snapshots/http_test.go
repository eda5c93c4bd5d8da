package snapshots

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHandler(t *testing.T) {
	f := newStore(t, func(s *Store) { s.Retention = time.Hour })
	// A secret next to the store directory, and traps inside it.
	parent := filepath.Dir(f.store.Dir)
	const secret = "TOP SECRET"
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret.jpg"), []byte(secret), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(f.store.Dir, "stray.jpg"), []byte(secret), 0o600))
	link := newName("link", f.clock.Now())
	require.NoError(t, os.Symlink(filepath.Join(parent, "secret.jpg"), filepath.Join(f.store.Dir, link)))

	old, err := f.store.Save("old", fakeJPEG(64))
	require.NoError(t, err)
	f.clock.Advance(2 * time.Hour)
	pic := fakeJPEG(1000)
	name, err := f.store.Save("cam-1", pic)
	require.NoError(t, err)
	missing := newName("gone", f.clock.Now())

	srv := httptest.NewServer(f.store.Handler())
	defer srv.Close()

	for _, tc := range []struct {
		name   string
		method string
		path   string
		want   int
	}{
		{"snapshot", http.MethodGet, "/snapshots/" + name, http.StatusOK},
		{"head", http.MethodHead, "/snapshots/" + name, http.StatusOK},
		{"post", http.MethodPost, "/snapshots/" + name, http.StatusMethodNotAllowed},
		{"missing", http.MethodGet, "/snapshots/" + missing, http.StatusNotFound},
		{"expired", http.MethodGet, "/snapshots/" + old, http.StatusNotFound},
		{"bad name in dir", http.MethodGet, "/snapshots/stray.jpg", http.StatusNotFound},
		{"symlink with a good name", http.MethodGet, "/snapshots/" + link, http.StatusNotFound},
		{"encoded traversal", http.MethodGet, "/snapshots/..%2fsecret.jpg", http.StatusNotFound},
		{"double encoded traversal", http.MethodGet, "/snapshots/%252e%252e%252fsecret.jpg", http.StatusNotFound},
		{"encoded dots", http.MethodGet, "/snapshots/%2e%2e", http.StatusNotFound},
		{"backslash traversal", http.MethodGet, "/snapshots/..%5csecret.jpg", http.StatusNotFound},
		{"absolute path", http.MethodGet, "/snapshots/%2fetc%2fpasswd", http.StatusNotFound},
		{"nul byte", http.MethodGet, "/snapshots/" + strings.TrimSuffix(name, ".jpg") + "%00.jpg", http.StatusNotFound},
		{"good name then traversal", http.MethodGet, "/snapshots/" + name + "%2f..%2f..%2fsecret.jpg", http.StatusNotFound},
		{"no name", http.MethodGet, "/snapshots/", http.StatusNotFound},
		{"deeper path", http.MethodGet, "/snapshots/a/" + name, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			require.NoError(t, err)
			// Do not follow redirects: a 3xx must not lead anywhere either.
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body := new(strings.Builder)
			_, err = io.Copy(body, resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.want, resp.StatusCode, "body %q", body.String())
			require.NotContains(t, body.String(), secret)
			if tc.want == http.StatusOK {
				require.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
				require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
				if tc.method == http.MethodGet {
					require.Equal(t, string(pic), body.String())
				}
			}
		})
	}
}

func TestHandlerRejectsDotDotPaths(t *testing.T) {
	// Unencoded ".." segments are cleaned by net/http before routing: the handler only
	// answers with a redirect to a path outside /snapshots/, never with a file.
	f := newStore(t, nil)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/snapshots/../secret.jpg", nil)
	f.store.Handler().ServeHTTP(rec, req)
	require.NotEqual(t, http.StatusOK, rec.Code)
	require.NotEqual(t, "image/jpeg", rec.Header().Get("Content-Type"))
}

func TestHandlerRange(t *testing.T) {
	f := newStore(t, nil)
	pic := fakeJPEG(100)
	name, err := f.store.Save("cam", pic)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/snapshots/"+name, nil)
	req.Header.Set("Range", "bytes=0-9")
	f.store.Handler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusPartialContent, rec.Code)
	require.Equal(t, pic[:10], rec.Body.Bytes())
}
