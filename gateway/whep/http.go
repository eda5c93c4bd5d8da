package whep

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Paths the handler serves. Mount the handler on both patterns of the caller's mux
// without stripping prefixes, e.g. mux.Handle(OfferPattern, h); mux.Handle(SessionPattern, h).
const (
	OfferPattern      = "/api/v1/cameras/{id}/whep"
	SessionPattern    = "/api/v1/whep/sessions/{id}"
	SessionPathPrefix = "/api/v1/whep/sessions/"
)

// maxBodyBytes caps offers and trickle fragments (browser offers are 3-10 KiB).
const maxBodyBytes = 64 << 10

const (
	typeSDP     = "application/sdp"
	typeSDPFrag = "application/trickle-ice-sdpfrag"
)

// NewHandler returns the WHEP HTTP API of s:
//
//	POST    /api/v1/cameras/{id}/whep[?stream=main|sub]  SDP offer → 201 + answer, Location, ETag
//	PATCH   /api/v1/whep/sessions/{id}                   trickle-ICE sdpfrag → 204
//	DELETE  /api/v1/whep/sessions/{id}                   → 200
//	OPTIONS on both                                      → 204 (CORS preflight, ICE servers)
func NewHandler(s *Server) http.Handler {
	h := &handler{srv: s}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+OfferPattern, h.offer)
	mux.HandleFunc("OPTIONS "+OfferPattern, h.options("OPTIONS, POST"))
	mux.HandleFunc("PATCH "+SessionPattern, h.patch)
	mux.HandleFunc("DELETE "+SessionPattern, h.delete)
	mux.HandleFunc("OPTIONS "+SessionPattern, h.options("OPTIONS, PATCH, DELETE"))
	return mux
}

type handler struct {
	srv *Server
}

func (h *handler) offer(w http.ResponseWriter, r *http.Request) {
	body, ok := h.typedBody(w, r, typeSDP)
	if !ok {
		return
	}
	req := Request{CameraID: r.PathValue("id"), Stream: r.URL.Query().Get("stream")}
	ans, err := h.srv.offer(r.Context(), req, body, r.RemoteAddr)
	if err != nil {
		h.fail(w, r, statusOf(err), err.Error())
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", typeSDP)
	hd.Set("Location", SessionPathPrefix+ans.sessionID)
	hd.Set("ETag", ans.etag)
	hd.Set("Accept-Patch", typeSDPFrag)
	h.linkICEServers(w)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, ans.sdp)
}

func (h *handler) patch(w http.ResponseWriter, r *http.Request) {
	body, ok := h.typedBody(w, r, typeSDPFrag)
	if !ok {
		return
	}
	frag, err := parseSDPFrag(body)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, fmt.Sprintf("%v: %v", errBadFrag, err))
		return
	}
	if err := h.srv.trickle(r.PathValue("id"), r.Header.Get("If-Match"), frag); err != nil {
		h.fail(w, r, statusOf(err), err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) delete(w http.ResponseWriter, r *http.Request) {
	h.cors(w)
	if err := h.srv.deleteSession(r.Context(), r.PathValue("id")); err != nil {
		h.fail(w, r, statusOf(err), err.Error())
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *handler) options(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		h.cors(w)
		w.Header().Set("Allow", allow)
		if strings.Contains(allow, "POST") {
			w.Header().Set("Accept-Post", typeSDP)
			h.linkICEServers(w)
		} else {
			w.Header().Set("Accept-Patch", typeSDPFrag)
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// readBody reads a capped body; on failure it has answered (413 or 400).
// typedBody sets the CORS headers, refuses a Content-Type other than typ (415) and
// reads the capped body; on false the answer has been written.
func (h *handler) typedBody(w http.ResponseWriter, r *http.Request, typ string) (string, bool) {
	h.cors(w)
	if !hasContentType(r, typ) {
		h.fail(w, r, http.StatusUnsupportedMediaType, "Content-Type must be "+typ)
		return "", false
	}
	return h.readBody(w, r)
}

func (h *handler) readBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", maxBodyBytes))
		} else {
			h.fail(w, r, http.StatusBadRequest, "reading body: "+err.Error())
		}
		return "", false
	}
	return string(b), true
}

// fail answers with a plain-text error; server-side failures are logged.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if status >= http.StatusInternalServerError && status != http.StatusServiceUnavailable {
		h.srv.log.Warn("WHEP request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", msg)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}

// linkICEServers adds one Link header per ICE server URL (WHIP/WHEP "ice-server").
func (h *handler) linkICEServers(w http.ResponseWriter) {
	for _, s := range h.srv.cfg.ICEServers {
		for _, u := range s.URLs {
			v := "<" + u + `>; rel="ice-server"`
			if s.Username != "" {
				v += `; username="` + quoteEscape(s.Username) + `"; credential="` +
					quoteEscape(s.Credential) + `"; credential-type="password"`
			}
			w.Header().Add("Link", v)
		}
	}
}

func (h *handler) cors(w http.ResponseWriter) {
	origin := h.srv.cfg.CORSAllowOrigin
	if origin == "" {
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Set("Access-Control-Allow-Methods", "OPTIONS, POST, PATCH, DELETE")
	hd.Set("Access-Control-Allow-Headers", "Content-Type, If-Match, Authorization")
	hd.Set("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Patch")
}

// hasContentType reports whether the request's media type (parameters ignored) is want.
func hasContentType(r *http.Request, want string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && strings.EqualFold(mt, want)
}

func quoteEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
