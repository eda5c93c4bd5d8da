package httpapi

import (
	"errors"
	"strings"
)

// ErrNotFound is wrapped by core errors that the API answers with 404.
var ErrNotFound = errors.New("not found")

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
