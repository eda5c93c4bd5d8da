package auth

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do about it
}

// writeError answers {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// fieldError is one entry of a 422 answer.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writeFieldErrors answers 422 {"errors":[...]}.
func writeFieldErrors(w http.ResponseWriter, errs []fieldError) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string][]fieldError{"errors": errs})
}

// remoteIP is the client's IP as the connection shows it. Proxy headers are not
// trusted: behind a reverse proxy every client shares the proxy's address.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// redact returns err's text with every non-empty secret replaced, for logs: stores
// may quote the hash or token they were given.
func redact(err error, secrets ...string) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[REDACTED]")
		}
	}
	return msg
}
