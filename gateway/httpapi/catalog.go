package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
)

type routeFunc func(pattern string, h http.Handler)
type needFunc func(r auth.Role, h http.Handler) http.Handler

// catalogRoutes are grids, cameras and rules.
func (s *Server) catalogRoutes(api routeFunc, need needFunc) {
	c := s.Core
	api("POST /api/v1/grids", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusCreated, func(b []byte) (any, error) { return c.PutGrid(p, "", b, true) })
	})))
	api("GET /api/v1/grids/{code}", need(auth.RoleViewer, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.GridDoc(p, r.PathValue("code")))
	})))
	api("PUT /api/v1/grids/{code}", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusOK, func(b []byte) (any, error) { return c.PutGrid(p, r.PathValue("code"), b, false) })
	})))
	api("DELETE /api/v1/grids/{code}", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		noContent(w, c.DeleteGrid(p, r.PathValue("code")))
	})))

	api("POST /api/v1/cameras", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusCreated, func(b []byte) (any, error) { return c.PutCamera(p, "", b, true) })
	})))
	api("GET /api/v1/cameras/{id}/config", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.CameraDoc(p, r.PathValue("id")))
	})))
	api("PUT /api/v1/cameras/{id}", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusOK, func(b []byte) (any, error) { return c.PutCamera(p, r.PathValue("id"), b, false) })
	})))
	api("DELETE /api/v1/cameras/{id}", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		noContent(w, c.DeleteCamera(p, r.PathValue("id")))
	})))
	api("GET /api/v1/cameras/{id}/snapshot", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		img, err := c.CameraSnapshot(r.Context(), p, r.PathValue("id"))
		if err != nil {
			WriteError(w, err)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(img)
	})))
	if s.Detections != nil {
		api("GET /api/v1/cameras/{id}/detections/stream", need(auth.RoleRuleAuthor, s.Detections))
	}

	api("GET /api/v1/rules", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.Rules(p, r.URL.Query().Get("camera")))
	})))
	api("POST /api/v1/rules", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusCreated, func(b []byte) (any, error) { return c.CreateRule(p, b) })
	})))
	api("GET /api/v1/rules/{id}", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		doc, err := c.Rule(p, r.PathValue("id"))
		setETag(w, doc)
		answer(w, http.StatusOK)(doc, err)
	})))
	api("PUT /api/v1/rules/{id}", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		v, ok := ifMatchVersion(w, r)
		if !ok {
			return
		}
		s.put(w, r, http.StatusOK, func(b []byte) (any, error) {
			doc, err := c.UpdateRule(p, r.PathValue("id"), b, v)
			setETag(w, doc)
			return doc, err
		})
	})))
	api("DELETE /api/v1/rules/{id}", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		v, ok := ifMatchVersion(w, r)
		if !ok {
			return
		}
		noContent(w, c.DeleteRule(p, r.PathValue("id"), v))
	})))
	api("GET /api/v1/rules/{id}/versions", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		answer(w, http.StatusOK)(c.RuleHistory(p, r.PathValue("id")))
	})))
	api("POST /api/v1/rules/{id}/rollback", need(auth.RoleRuleAuthor, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		s.put(w, r, http.StatusOK, func(b []byte) (any, error) {
			var req struct {
				Version int    `json:"version"`
				Comment string `json:"comment"`
			}
			if err := json.Unmarshal(b, &req); err != nil || req.Version < 1 {
				return nil, &FieldErrors{Errors: []FieldError{{Field: "version", Message: "want the version number to roll back to (≥ 1)"}}}
			}
			return c.RollbackRule(p, r.PathValue("id"), req.Version, req.Comment)
		})
	})))
	api("POST /api/v1/rules/dry-run", need(auth.RoleRuleAuthor, withP(s.dryRun)))
	api("POST /api/v1/rules/{id}/dry-run", need(auth.RoleRuleAuthor, withP(s.dryRun)))
	api("GET /api/v1/config/export", need(auth.RoleAdmin, withP(func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		out, err := c.Export(p, r.URL.Query().Get("secrets") == "true")
		if err != nil {
			WriteError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="sharpeyes-catalog.yaml"`)
		_, _ = w.Write(out)
	})))
}

// put reads the body, calls fn and answers with its result.
func (s *Server) put(w http.ResponseWriter, r *http.Request, code int, fn func([]byte) (any, error)) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	answer(w, code)(fn(body))
}

// answer writes v with code, or the error.
func answer(w http.ResponseWriter, code int) func(any, error) {
	return func(v any, err error) {
		if err != nil {
			WriteError(w, err)
			return
		}
		if raw, ok := v.(json.RawMessage); ok {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(code)
			_, _ = w.Write(raw)
			return
		}
		writeJSON(w, code, v)
	}
}

func noContent(w http.ResponseWriter, err error) {
	if err != nil {
		WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ifMatchVersion reads If-Match: "<version>" (0 when absent).
func ifMatchVersion(w http.ResponseWriter, r *http.Request) (int, bool) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, true
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `If-Match: want the rule's version in quotes, e.g. "3"`})
		return 0, false
	}
	return v, true
}

// setETag puts a rule document's version in ETag.
func setETag(w http.ResponseWriter, doc json.RawMessage) {
	var v struct {
		Version int `json:"version"`
	}
	if len(doc) > 0 && json.Unmarshal(doc, &v) == nil && v.Version > 0 {
		w.Header().Set("ETag", `"`+strconv.Itoa(v.Version)+`"`)
	}
}
