package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// MinTokenLen is the shortest API token accepted.
const MinTokenLen = 16

// Token is a machine client's API token from the config file (auth.tokens). Its
// String, GoString and LogValue leave the secret out, so printing or logging a Token
// is safe.
type Token struct {
	Name  string `yaml:"name"`
	Token string `yaml:"token"`
	Role  string `yaml:"role"`
	Grid  string `yaml:"grid"` // optional: limits the client to this grid's subtree
}

// String describes the token without its secret.
func (t Token) String() string {
	return fmt.Sprintf("token %q (role %s, grid %q)", t.Name, t.Role, t.Grid)
}

// GoString is String, so %#v does not print the secret either.
func (t Token) GoString() string { return t.String() }

// LogValue implements slog.LogValuer without the secret.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", t.Name), slog.String("role", t.Role), slog.String("grid", t.Grid))
}

// FieldError is a problem with one configuration field, named by its YAML path.
type FieldError struct {
	Field   string // e.g. auth.tokens[1].role
	Message string
}

// Error reads like `auth.tokens[1].role: unknown role "boss" (viewer, …)`.
func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// FieldPath returns the field (for the API's error list).
func (e *FieldError) FieldPath() string { return e.Field }

// FieldMessage returns the problem without the field.
func (e *FieldError) FieldMessage() string { return e.Message }

// ValidateTokens checks config tokens: name and token required and unique, token at
// least MinTokenLen characters without spaces or control characters, role valid. It
// returns every problem (as *FieldError, joined), never quoting a token's secret.
func ValidateTokens(tokens []Token) error {
	var errs []error
	names := map[string]int{}
	secrets := map[[sha256.Size]byte]int{}
	for i, t := range tokens {
		field := func(name, format string, args ...any) {
			errs = append(errs, &FieldError{Field: fmt.Sprintf("auth.tokens[%d].%s", i, name), Message: fmt.Sprintf(format, args...)})
		}
		switch j, dup := names[t.Name]; {
		case t.Name == "":
			field("name", "required")
		case dup:
			field("name", "duplicate name %q (also auth.tokens[%d])", t.Name, j)
		default:
			names[t.Name] = i
		}
		sum := sha256.Sum256([]byte(t.Token))
		switch j, dup := secrets[sum]; {
		case t.Token == "":
			field("token", "required")
		case len(t.Token) < MinTokenLen:
			field("token", "too short (%d characters, at least %d)", len(t.Token), MinTokenLen)
		case strings.ContainsFunc(t.Token, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			field("token", "must not contain spaces or control characters")
		case dup:
			field("token", "same token as auth.tokens[%d]", j)
		default:
			secrets[sum] = i
		}
		if t.Role == "" {
			field("role", "required (%s)", roleList())
		} else if _, err := ParseRole(t.Role); err != nil {
			field("role", "%s", err.Error())
		}
	}
	return errors.Join(errs...)
}

// tokenEntry is a validated config token; only its digest is kept.
type tokenEntry struct {
	sum       [sha256.Size]byte
	principal Principal
}

// tokenSet matches bearer tokens against the config tokens in constant time.
type tokenSet []tokenEntry

// newTokenSet validates tokens and keeps their digests.
func newTokenSet(tokens []Token) (tokenSet, error) {
	if err := ValidateTokens(tokens); err != nil {
		return nil, err
	}
	set := make(tokenSet, len(tokens))
	for i, t := range tokens {
		set[i] = tokenEntry{
			sum:       sha256.Sum256([]byte(t.Token)),
			principal: Principal{Name: t.Name, Role: Role(t.Role), Grid: t.Grid, Kind: KindToken},
		}
	}
	return set, nil
}

// match returns the principal of the config token equal to candidate. It compares
// digests (fixed length) against every entry, so the time taken does not depend on
// which token matched or how much of it.
func (s tokenSet) match(candidate string) (Principal, bool) {
	sum := sha256.Sum256([]byte(candidate))
	found := -1
	for i := range s {
		if subtle.ConstantTimeCompare(sum[:], s[i].sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, false
	}
	return s[found].principal, true
}
