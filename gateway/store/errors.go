package store

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Sentinel errors, wrapped with the object they concern ("rule r1: not found").
// Test them with errors.Is.
var (
	// ErrNotFound means the object does not exist (or is deleted, or expired).
	ErrNotFound = errors.New("not found")
	// ErrExists means an object with that key already exists.
	ErrExists = errors.New("already exists")
	// ErrConflict means the object is not in the state the caller expected
	// (version or alert state compare-and-set failed, or it is still in use).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means bad input; the error is a *FieldError naming the field.
	ErrInvalid = errors.New("invalid")
)

// FieldError is bad input to a store call. It matches ErrInvalid.
type FieldError struct {
	// Field names the offending field, e.g. "doc" or "attachment.data".
	Field string
	// Message says what is wrong with it.
	Message string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// invalid builds a *FieldError.
func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// SchemaTooNewError is returned by Open for a database written by a newer
// Sharp Eyes; nothing is changed.
type SchemaTooNewError struct {
	// Database is the schema version found in the file.
	Database int
	// Known is the newest version this binary knows.
	Known int
}

// Error implements error.
func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this sharpeyes (%d): upgrade sharpeyes",
		e.Database, e.Known)
}

// Actor is who makes a change; it goes into the audit entry of the change.
type Actor struct {
	// Name is the user or token name (required), e.g. "alice" or "config".
	Name string
	// Role is the actor's role, recorded as is.
	Role string
	// Remote is the client address, recorded as is.
	Remote string
}

// check reports a missing actor name.
func (a Actor) check() error {
	if a.Name == "" {
		return invalid("actor", "name is required")
	}
	return nil
}

// checkKey reports an empty key field.
func checkKey(field, v string) error {
	if v == "" {
		return invalid(field, "must not be empty")
	}
	return nil
}

// checkDoc reports a document that is not JSON.
func checkDoc(field string, doc []byte) error {
	if len(doc) == 0 {
		return invalid(field, "must not be empty")
	}
	if !json.Valid(doc) {
		return invalid(field, "is not valid JSON")
	}
	return nil
}
