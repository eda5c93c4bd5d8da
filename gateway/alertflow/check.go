package alertflow

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxComment is the longest comment a transition may carry, in characters.
const MaxComment = 2000

// ErrNotAllowed is wrapped by every error that refuses a move because of the alert's
// current state (the API answers it with 409).
var ErrNotAllowed = errors.New("transition not allowed")

// Request is one requested transition, as received from an operator.
type Request struct {
	To      State
	Comment string
	// Grid is the grid code the alert is dispatched to; required for dispatched.
	// Other moves may carry it; the policy ignores it there.
	Grid string
	// HasAttachment tells whether a file comes with the move. No move requires one
	// today; it is here so the policy, not the handler, decides if that changes.
	HasAttachment bool
}

// MoveError refuses a move that the current state does not allow. It wraps
// ErrNotAllowed.
type MoveError struct {
	From, To State
	Allowed  []State
}

// Error reads like "cannot move from closed to handling; allowed: none".
func (e *MoveError) Error() string {
	return fmt.Sprintf("cannot move from %s to %s; allowed: %s", e.From, e.To, joinStates(e.Allowed))
}

// Unwrap returns ErrNotAllowed.
func (e *MoveError) Unwrap() error { return ErrNotAllowed }

// FieldError is a problem with one field of a Request (the API answers it with 422).
type FieldError struct {
	Field   string // request field: "to", "grid", "comment"
	Message string
}

// Error reads like "grid: required when dispatching".
func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// FieldPath returns the field (for the API's error list).
func (e *FieldError) FieldPath() string { return e.Field }

// FieldMessage returns the problem without the field.
func (e *FieldError) FieldMessage() string { return e.Message }

// Check decides whether an alert in state from may make the move t. It returns nil,
// a *FieldError for a missing or unknown target state, a *MoveError (wrapping
// ErrNotAllowed) when the move is not in the table, or one or more *FieldError
// joined with errors.Join when the move lacks what it needs.
func Check(from State, t Request) error {
	if t.To == "" {
		return &FieldError{Field: "to", Message: "required"}
	}
	if !t.To.Valid() {
		return &FieldError{Field: "to", Message: fmt.Sprintf("unknown state %q (%s)", t.To, joinStates(states))}
	}
	if !Allowed(from, t.To) {
		return &MoveError{From: from, To: t.To, Allowed: Next(from)}
	}
	var errs []error
	if t.To == StateDispatched && strings.TrimSpace(t.Grid) == "" {
		errs = append(errs, &FieldError{Field: "grid", Message: "required when dispatching"})
	}
	comment := strings.TrimSpace(t.Comment)
	if (t.To == StateVoid || t.To == StateReturned) && comment == "" {
		errs = append(errs, &FieldError{Field: "comment", Message: fmt.Sprintf("required when moving to %s", t.To)})
	}
	if n := utf8.RuneCountInString(t.Comment); n > MaxComment {
		errs = append(errs, &FieldError{Field: "comment", Message: fmt.Sprintf("too long (%d characters, at most %d)", n, MaxComment)})
	}
	return errors.Join(errs...)
}
