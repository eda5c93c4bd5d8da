// Package webviewer serves the operators' browser UI (grid map, video wall, alert feed,
// camera health): static HTML, CSS and ES modules embedded in the binary, with an on-disk
// override for front-end development.
package webviewer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"time"
)

//go:embed static
var embedded embed.FS

// maxAssetBytes caps what the handler reads into memory for one asset. The viewer's files
// are a few tens of KiB; anything bigger in a dev directory is refused rather than buffered.
const maxAssetBytes = 8 << 20

// Options configures Handler. The zero value serves the embedded files.
type Options struct {
	// Dir, when not empty, serves the viewer from this directory (normally
	// web-viewer/static of a checkout) instead of the embedded copy, re-reading each file
	// on every request so front-end edits need no rebuild. Responses then carry
	// Cache-Control: no-store.
	Dir string
	// ImageOrigins, when set, returns the origins (scheme://host[:port]) besides the
	// page's own that pictures may come from: the map tile server and the host in
	// alert snapshot URLs. It is called per request, so reloaded settings apply.
	ImageOrigins func() []string
}

// csp is the Content-Security-Policy of every response; %s takes the extra image
// origins. Scripts and connections (API, WHEP, SSE) are same-origin only; WebRTC media
// (a MediaStream) is not governed by CSP. Inline styles are allowed for the
// positions the scripts set.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:%s; media-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// FS returns the embedded viewer files with index.html at the root.
func FS() fs.FS {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		panic("webviewer: embedded static dir missing: " + err.Error()) // broken build invariant
	}
	return sub
}

// Handler returns the HTTP handler for the viewer, meant to be mounted at "/" behind the
// API routes. It serves index.html for "/", each asset with an explicit content type,
// 404 for unknown paths, traversal attempts and directories (never a listing), and 405
// for methods other than GET and HEAD.
func Handler(opts Options) http.Handler {
	if opts.Dir != "" {
		return &assetHandler{files: os.DirFS(opts.Dir), dev: true, origins: opts.ImageOrigins}
	}
	return &assetHandler{files: FS(), etags: etagsOf(FS()), origins: opts.ImageOrigins}
}

// assetHandler serves files from one fs.FS. It holds no goroutines and no mutable state;
// etags is filled once at construction for the embedded files.
type assetHandler struct {
	files   fs.FS
	dev     bool
	etags   map[string]string // embedded mode only: file name → strong ETag
	origins func() []string   // extra image origins for the CSP; may be nil
}

// policy returns the Content-Security-Policy with the current image origins; origins
// that are not plain scheme://host[:port] values are left out.
func (h *assetHandler) policy() string {
	var extra strings.Builder
	if h.origins != nil {
		for _, o := range h.origins() {
			if validOrigin(o) {
				extra.WriteString(" " + o)
			}
		}
	}
	return fmt.Sprintf(csp, extra.String())
}

// validOrigin accepts http(s)://host[:port] with nothing a CSP would misread.
func validOrigin(o string) bool {
	rest, ok := strings.CutPrefix(o, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(o, "http://")
	}
	return ok && rest != "" && !strings.ContainsAny(rest, " ;,'\"/\\\t\n\r")
}

func (h *assetHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := assetName(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, err := h.read(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name, data))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", h.policy())
	if h.dev {
		hdr.Set("Cache-Control", "no-store")
	} else {
		// Asset names carry no content hash, so browsers revalidate every time; the
		// ETag turns that into a cheap 304.
		hdr.Set("Cache-Control", "no-cache")
		if tag := h.etags[name]; tag != "" {
			hdr.Set("ETag", tag)
		}
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// assetName maps a URL path to a file name inside the FS. It rejects any ".." or empty
// segment, backslashes and NUL instead of cleaning them, so traversal attempts are 404s.
func assetName(urlPath string) (string, bool) {
	if urlPath == "" || urlPath == "/" {
		return "index.html", true
	}
	name := strings.TrimPrefix(urlPath, "/")
	if strings.ContainsAny(name, "\\\x00") || !fs.ValidPath(name) {
		return "", false
	}
	return name, true
}

// read returns a regular file's contents; directories and oversized files are errors.
func (h *assetHandler) read(name string) ([]byte, error) {
	f, err := h.files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxAssetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxAssetBytes {
		return nil, errors.New("asset too large")
	}
	return data, nil
}

// contentTypes lists the types of the viewer's own files explicitly, so the answer does
// not depend on the host's mime database (some map .js to text/plain).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
}

func contentType(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return http.DetectContentType(data)
}

// etagsOf hashes every embedded file once; the embedded files never change at run time.
func etagsOf(files fs.FS) map[string]string {
	tags := map[string]string{}
	_ = fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		tags[name] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	return tags
}
