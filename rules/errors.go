package rules

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// FieldError is a decoding or validation error in one field of a rule. Path is
// relative to the rule ("line", "polygon[2]") unless a caller prefixed it
// ("rules[1].line", see ValidateAt and ValidateRules).
type FieldError struct {
	Path string
	// Line is the YAML line of the offending node; 0 for errors found by Validate.
	Line int
	Msg  string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	return b.String()
}

// FieldPath returns the field the error names (for API error lists).
func (e *FieldError) FieldPath() string { return e.Path }

// FieldMessage returns the problem without the field, with the YAML line if known.
func (e *FieldError) FieldMessage() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s (line %d)", e.Msg, e.Line)
	}
	return e.Msg
}

func fieldErr(path, format string, args ...any) *FieldError {
	return &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

func nodeErr(n *yaml.Node, format string, args ...any) *FieldError {
	return &FieldError{Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

// under puts err below prefix: every FieldError in it (also inside an
// errors.Join) gets prefix in front of its path.
func under(prefix string, err error) error {
	if err == nil || prefix == "" {
		return err
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = under(prefix, e)
		}
		return errors.Join(out...)
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		c := *fe
		c.Path = joinPath(prefix, fe.Path)
		return &c
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

func joinPath(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case prefix == "":
		return path
	case strings.HasPrefix(path, "["):
		return prefix + path
	default:
		return prefix + "." + path
	}
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names what a node holds, for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	default:
		return "nothing"
	}
}
