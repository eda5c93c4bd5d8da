package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
)

// maxTransitionBody allows a 2 MiB attachment in base64 and its JSON.
const maxTransitionBody = 3 << 20

// handlingRoutes are alerts, users and the audit log.
func (s *Server) handlingRoutes(api routeFunc, need needFunc) {
	c := s.Core
	api("GET /api/v1/alerts", need(auth.RoleOperator, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.AlertList(p, r.URL.Query()))
	})))
	api("GET /api/v1/plates", need(auth.RoleOperator, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.PlateSearch(p, r.URL.Query()))
	})))
	api("GET /api/v1/alerts/{id}", need(auth.RoleOperator, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.AlertDoc(p, r.PathValue("id")))
	})))
	api("POST /api/v1/alerts/{id}/transitions", need(auth.RoleOperator, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		body, ok := readBodyMax(w, r, maxTransitionBody)
		if !ok {
			return
		}
		ifState := strings.Trim(strings.TrimSpace(r.Header.Get("If-Match")), `"`)
		if ifState == "*" {
			ifState = ""
		}
		answer(w, http.StatusOK)(c.Transition(p, r.PathValue("id"), body, ifState))
	})))
	api("GET /api/v1/alerts/{id}/attachments/{seq}", need(auth.RoleOperator, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		seq, err := strconv.Atoi(r.PathValue("seq"))
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such attachment"})
			return
		}
		f, err := c.Attachment(p, r.PathValue("id"), seq)
		if err != nil {
			WriteError(w, err)
			return
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "sandbox")
		w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Map(safeFileRune, f.Name)+`"`)
		_, _ = w.Write(f.Data)
	})))
	api("GET /api/v1/audit", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.AuditLog(p, r.URL.Query()))
	})))
	api("GET /api/v1/users", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, _ *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.UserList(p))
	})))
	api("POST /api/v1/users", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusCreated, func(b []byte) (any, error) { return c.PutUser(p, "", b, true) })
	})))
	api("PUT /api/v1/users/{name}", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusOK, func(b []byte) (any, error) { return c.PutUser(p, r.PathValue("name"), b, false) })
	})))
	api("DELETE /api/v1/users/{name}", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		noContent(w, c.DeleteUser(p, r.PathValue("name")))
	})))
}

// safeFileRune keeps a file name printable and free of quotes and separators.
func safeFileRune(r rune) rune {
	if r < 0x20 || r == '"' || r == '\\' || r == '/' || r == 0x7f {
		return '_'
	}
	return r
}
