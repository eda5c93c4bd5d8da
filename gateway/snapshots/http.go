package snapshots

import (
	"errors"
	"net/http"
)

// Handler serves GET (and HEAD) /snapshots/{name} with Content-Type image/jpeg, Range
// and conditional requests. Invalid names, missing and expired snapshots are all 404,
// so the answer reveals nothing about the filesystem. Mount it as
// mux.Handle("/snapshots/", store.Handler()).
func (s *Store) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /snapshots/{name}", s.serve)
	return mux
}

func (s *Store) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f, err := s.Open(name)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrInvalidName):
		http.NotFound(w, r)
		return
	case err != nil:
		s.log.Warn("cannot serve snapshot", "name", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, name, st.ModTime(), f)
}
