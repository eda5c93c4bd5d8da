package webviewer

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve starts a real HTTP server on 127.0.0.1:0 around Handler(opts).
func serve(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(Handler(opts))
	t.Cleanup(srv.Close)
	return srv
}

// get sends method to the server with rawPath written verbatim on the request line.
func get(t *testing.T, srv *httptest.Server, method, rawPath string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/", nil)
	require.NoError(t, err)
	req.URL.Opaque = rawPath // keeps "..", "%2e" etc. exactly as written
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func TestHandlerEmbedded(t *testing.T) {
	srv := serve(t, Options{})
	cases := []struct {
		name, method, path string
		status             int
		ctype, contains    string
	}{
		{name: "root is index.html", method: "GET", path: "/", status: 200, ctype: "text/html", contains: `<script type="module" src="app.js">`},
		{name: "index by name", method: "GET", path: "/index.html", status: 200, ctype: "text/html", contains: "alert-feed"},
		{name: "module", method: "GET", path: "/app.js", status: 200, ctype: "text/javascript", contains: "import"},
		{name: "stylesheet", method: "GET", path: "/style.css", status: 200, ctype: "text/css", contains: ".wall"},
		{name: "i18n module", method: "GET", path: "/i18n.js", status: 200, ctype: "text/javascript", contains: "'zh-CN'"},
		{name: "head", method: "HEAD", path: "/app.js", status: 200, ctype: "text/javascript"},
		{name: "unknown asset", method: "GET", path: "/nope.js", status: 404},
		{name: "unknown route", method: "GET", path: "/grid/440512001002003", status: 404},
		{name: "static prefix is not served", method: "GET", path: "/static/index.html", status: 404},
		{name: "parent traversal", method: "GET", path: "/../embed.go", status: 404},
		{name: "nested traversal", method: "GET", path: "/x/../../embed.go", status: 404},
		{name: "encoded traversal", method: "GET", path: "/%2e%2e/embed.go", status: 404},
		{name: "encoded slash traversal", method: "GET", path: "/..%2fembed.go", status: 404},
		{name: "backslash traversal", method: "GET", path: `/..\embed.go`, status: 404},
		{name: "dot is a directory, no listing", method: "GET", path: "/.", status: 404},
		{name: "dot segment", method: "GET", path: "/./app.js", status: 404},
		{name: "empty segment", method: "GET", path: "/x//app.js", status: 404},
		{name: "trailing slash on a file", method: "GET", path: "/app.js/", status: 404},
		{name: "post refused", method: "POST", path: "/", status: 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := get(t, srv, c.method, c.path, nil)
			require.Equal(t, c.status, res.StatusCode, body)
			if c.ctype != "" {
				require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), c.ctype), res.Header.Get("Content-Type"))
				require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
				require.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
			}
			if c.status == 404 {
				require.NotContains(t, body, "<a href", "a 404 must not look like a listing")
			}
			require.Contains(t, body, c.contains)
		})
	}
}

func TestHandlerEmbeddedRevalidates(t *testing.T) {
	srv := serve(t, Options{})
	res, body := get(t, srv, "GET", "/app.js", nil)
	require.Equal(t, 200, res.StatusCode)
	etag := res.Header.Get("ETag")
	require.Regexp(t, `^"[0-9a-f]{24}"$`, etag)
	want, err := fs.ReadFile(FS(), "app.js")
	require.NoError(t, err)
	require.Equal(t, string(want), body)

	res, body = get(t, srv, "GET", "/app.js", map[string]string{"If-None-Match": etag})
	require.Equal(t, http.StatusNotModified, res.StatusCode)
	require.Empty(t, body)
}

func TestEveryAssetHasItsContentType(t *testing.T) {
	srv := serve(t, Options{})
	want := map[string]string{".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
	n := 0
	require.NoError(t, fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		res, _ := get(t, srv, "GET", "/"+name, nil)
		require.Equal(t, 200, res.StatusCode, name)
		if ct, ok := want[path.Ext(name)]; ok {
			require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), ct), "%s: %s", name, res.Header.Get("Content-Type"))
		}
		return nil
	}))
	require.Greater(t, n, 10)
}

func TestHandlerDevDir(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "static")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret.txt"), []byte("secret"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "x.js"), []byte("export const x = 1;"), 0o644))
	index := filepath.Join(dir, "index.html")
	require.NoError(t, os.WriteFile(index, []byte("<p>version one</p>"), 0o644))
	srv := serve(t, Options{Dir: dir})

	res, body := get(t, srv, "GET", "/", nil)
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "<p>version one</p>", body)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/html"))

	require.NoError(t, os.WriteFile(index, []byte("<p>version two</p>"), 0o644))
	_, body = get(t, srv, "GET", "/", nil)
	require.Equal(t, "<p>version two</p>", body, "dev mode must serve the file as it is now")

	res, body = get(t, srv, "GET", "/sub/x.js", nil)
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "export const x = 1;", body)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript"))

	for _, p := range []string{"/sub", "/sub/", "/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/missing.css"} {
		res, body = get(t, srv, "GET", p, nil)
		require.Equal(t, 404, res.StatusCode, p)
		require.NotContains(t, body, "secret", p)
		require.NotContains(t, body, "x.js", "%s: directory listing", p)
	}
}

// Every file that index.html references, and every module that a module imports, exists in
// the embedded FS; and every embedded .js file is reachable from index.html.
func TestReferencedAssetsExist(t *testing.T) {
	files := FS()
	html := readAsset(t, files, "index.html")
	attrRe := regexp.MustCompile(`(?:src|href)="([^"]+)"`)
	var queue []string
	for _, m := range attrRe.FindAllStringSubmatch(html, -1) {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			continue
		}
		require.True(t, fs.ValidPath(ref), "index.html references %q", ref)
		_, err := fs.Stat(files, ref)
		require.NoError(t, err, "index.html references %q", ref)
		if strings.HasSuffix(ref, ".js") {
			queue = append(queue, ref)
		}
	}
	require.Contains(t, queue, "app.js")

	importRe := regexp.MustCompile(`(?m)(?:^\s*import\s+(?:[\w*{}\s,]+\s+from\s+)?|^\s*export\s+[\w*{}\s,]+\s+from\s+|\bimport\()\s*['"]([^'"]+)['"]`)
	reached := map[string]bool{}
	for len(queue) > 0 {
		mod := queue[0]
		queue = queue[1:]
		if reached[mod] {
			continue
		}
		reached[mod] = true
		src := readAsset(t, files, mod)
		for _, m := range importRe.FindAllStringSubmatch(src, -1) {
			spec := m[1]
			require.True(t, strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"),
				"%s imports %q: only relative modules (no bare specifiers, no URLs)", mod, spec)
			target := path.Clean(path.Join(path.Dir(mod), spec))
			_, err := fs.Stat(files, target)
			require.NoError(t, err, "%s imports %q", mod, spec)
			queue = append(queue, target)
		}
	}
	require.Greater(t, len(reached), 10, "the import parser found too few modules")
	require.NoError(t, fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(name, ".js") {
			require.True(t, reached[name], "%s is embedded but no module imports it", name)
		}
		return err
	}))
}

// Offline rule: no asset names a URL on another host; the map tile URL arrives from the API.
func TestNoExternalURLs(t *testing.T) {
	urlRe := regexp.MustCompile(`(?i)\b(?:https?|wss?|ftp)://|url\(\s*['"]?//|(?:src|href)=["']//`)
	require.NoError(t, fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for i, line := range strings.Split(readAsset(t, FS(), name), "\n") {
			require.False(t, urlRe.MatchString(line), "%s:%d names an external URL: %s", name, i+1, strings.TrimSpace(line))
		}
		return nil
	}))
}

// The zh-CN and en dictionaries have the same keys, no empty texts, and every key that
// index.html or a module names literally exists.
func TestI18nDictionaries(t *testing.T) {
	dicts := parseDictionaries(t, readAsset(t, FS(), "i18n.js"))
	require.Len(t, dicts, 2)
	zh, en := dicts["zh-CN"], dicts["en"]
	require.Greater(t, len(zh), 50)
	require.Equal(t, sortedKeys(zh), sortedKeys(en), "zh-CN and en must have the same keys")
	for _, d := range dicts {
		for k, v := range d {
			require.NotEmpty(t, strings.TrimSpace(v), k)
		}
	}
	// Texts the brief fixes for operators.
	for k, v := range map[string]string{
		"type.tripwire": "越线/绊线", "type.intrusion": "区域入侵", "type.crowd_dwell": "人员聚集", "type.plate": "车牌识别",
		"action.start": "开始", "action.end": "结束", "action.pulse": "触发", "action.update": "更新",
	} {
		require.Equal(t, v, zh[k], k)
	}

	used := map[string]string{}
	attrRe := regexp.MustCompile(`data-i18n(?:-aria|-placeholder|-title)?="([^"]+)"`)
	for _, m := range attrRe.FindAllStringSubmatch(readAsset(t, FS(), "index.html"), -1) {
		used[m[1]] = "index.html"
	}
	callRe := regexp.MustCompile(`\bt\(\s*'([\w.-]+)'\s*[,)]`)
	require.NoError(t, fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(name, ".js") {
			for _, m := range callRe.FindAllStringSubmatch(readAsset(t, FS(), name), -1) {
				used[m[1]] = name
			}
		}
		return err
	}))
	require.Greater(t, len(used), 40)
	for k, where := range used {
		_, ok := zh[k]
		require.True(t, ok, "%s uses i18n key %q missing from the dictionaries", where, k)
	}
}

// parseDictionaries reads i18n.js in the line format documented at its top.
func parseDictionaries(t *testing.T, src string) map[string]map[string]string {
	t.Helper()
	openRe := regexp.MustCompile(`^  '([A-Za-z-]+)': \{$`)
	entryRe := regexp.MustCompile(`^    '([\w.-]+)': '((?:[^'\\]|\\.)*)',$`)
	dicts := map[string]map[string]string{}
	var cur map[string]string
	for i, line := range strings.Split(src, "\n") {
		switch {
		case cur == nil:
			if m := openRe.FindStringSubmatch(line); m != nil {
				cur = map[string]string{}
				dicts[m[1]] = cur
			}
		case line == "  },":
			cur = nil
		default:
			m := entryRe.FindStringSubmatch(line)
			require.NotNil(t, m, "i18n.js:%d does not follow the one-entry-per-line format: %q", i+1, line)
			_, dup := cur[m[1]]
			require.False(t, dup, "i18n.js:%d duplicate key %q", i+1, m[1])
			cur[m[1]] = m[2]
		}
	}
	require.Nil(t, cur, "unterminated dictionary in i18n.js")
	return dicts
}

func readAsset(t *testing.T, files fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(files, name)
	require.NoError(t, err, name)
	return string(b)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestContentSecurityPolicy: every asset is served with a same-origin policy that
// admits pictures from the configured origins only, read per request.
func TestContentSecurityPolicy(t *testing.T) {
	origins := []string{"https://tiles.example.cn:8443", "http://10.0.0.9", "javascript:alert(1)", "https://x.cn/path", "https://a b"}
	srv := serve(t, Options{ImageOrigins: func() []string { return origins }})
	res, _ := get(t, srv, "GET", "/", nil)
	p := res.Header.Get("Content-Security-Policy")
	require.Contains(t, p, "default-src 'self'")
	require.Contains(t, p, "script-src 'self';")
	require.Contains(t, p, "connect-src 'self'")
	require.Contains(t, p, "img-src 'self' data: blob: https://tiles.example.cn:8443 http://10.0.0.9;", "valid origins are admitted")
	require.NotContains(t, p, "javascript:", "anything but a plain origin is left out")
	require.NotContains(t, p, "x.cn/path")

	origins = nil
	res, _ = get(t, srv, "GET", "/app.js", nil)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "img-src 'self' data: blob:;", "settings are read per request")

	res, _ = get(t, serve(t, Options{}), "GET", "/", nil)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "img-src 'self' data: blob:;")
}
