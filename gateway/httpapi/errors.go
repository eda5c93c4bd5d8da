package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// Errors the core wraps to choose the API's status code (see WriteError).
var (
	ErrNotFound     = errors.New("not found")                    // 404
	ErrForbidden    = errors.New("forbidden: outside your grid") // 403
	ErrConflict     = errors.New("conflict")                     // 409
	ErrPrecondition = errors.New("precondition failed")          // 412
	ErrUnavailable  = errors.New("unavailable")                  // 503
	ErrTooLarge     = errors.New("too large")                    // 413
)

// WriteError answers err with the status its kind calls for: 422 with the field
// list for *FieldErrors, 404/403/409/412/503 for the sentinels above, else 500.
func WriteError(w http.ResponseWriter, err error) {
	var fe *FieldErrors
	code := http.StatusInternalServerError
	switch {
	case errors.As(err, &fe):
		writeJSON(w, http.StatusUnprocessableEntity, fe)
		return
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrForbidden):
		code = http.StatusForbidden
	case errors.Is(err, ErrConflict):
		code = http.StatusConflict
	case errors.Is(err, ErrPrecondition):
		code = http.StatusPreconditionFailed
	case errors.Is(err, ErrUnavailable):
		code = http.StatusServiceUnavailable
	case errors.Is(err, ErrTooLarge):
		code = http.StatusRequestEntityTooLarge
	}
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

// readBody reads a request body of at most maxBody bytes, answering 413 or 400
// itself when it cannot.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	return readBodyMax(w, r, maxBody)
}

func readBodyMax(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return nil, false
	}
	if int64(len(body)) > limit {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body over %d bytes", limit)})
		return nil, false
	}
	return body, true
}

// clientIP is the request's remote address without the port.
func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// maxBody caps request bodies the API reads itself.
const maxBody = 64 << 10

// FieldError is one problem with one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors is a 422 answer: every problem found, each naming its field.
type FieldErrors struct {
	Errors []FieldError `json:"errors"`
}

func (e *FieldErrors) Error() string {
	var parts []string
	for _, f := range e.Errors {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return strings.Join(parts, "; ")
}

// fielded is an error that names its field (rules.FieldError, conf.FieldError).
type fielded interface {
	error
	FieldPath() string
	FieldMessage() string
}

// FieldErrorsOf flattens err (possibly joined) into field errors. An error that
// names no field is reported under its text's "field: message" prefix when it has
// one, else under "body".
func FieldErrorsOf(err error) *FieldErrors {
	out := &FieldErrors{}
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var f fielded
		if errors.As(e, &f) {
			out.Errors = append(out.Errors, FieldError{Field: f.FieldPath(), Message: f.FieldMessage()})
			return
		}
		msg := e.Error()
		if field, rest, ok := strings.Cut(msg, ": "); ok && !strings.ContainsAny(field, " \n") {
			out.Errors = append(out.Errors, FieldError{Field: field, Message: rest})
			return
		}
		out.Errors = append(out.Errors, FieldError{Field: "body", Message: msg})
	}
	if err != nil {
		walk(err)
	}
	return out
}

// DryRunResult is what a rule would have raised over a camera's recent tracks.
type DryRunResult struct {
	Camera string `json:"camera"`
	Rule   string `json:"rule"`
	// Window is the configured history length; From and To the times of the first
	// and last frames it held (empty when none).
	Window string `json:"window"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Frames int    `json:"frames"`
	Alerts []any  `json:"alerts"`
}
