package auth

import (
	"errors"
	"fmt"
	"regexp"

	"golang.org/x/crypto/bcrypt"
)

// Password limits. bcrypt reads at most 72 bytes, so longer passwords are refused
// rather than silently truncated.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
	passwordCost   = 10
)

// dummyHash is a cost-10 bcrypt hash of a password nobody uses. Logins for unknown
// users are checked against it so they take as long as a wrong password.
const dummyHash = "$2a$10$jOKC4qSbDx9zMaaVEbpIfeePcp6f5oeRKY0jwgJ2kVBLP8Fg9LrBG"

// bcryptShape matches the modular crypt format of bcrypt: $2a$, $2b$ or $2y$, a
// two-digit cost, then 53 characters of salt and hash.
var bcryptShape = regexp.MustCompile(`^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}$`)

// HashPassword returns the bcrypt hash (cost 10) of a password of 8 to 72 bytes.
// Errors never quote the password.
func HashPassword(pw string) (string, error) {
	if len(pw) < MinPasswordLen {
		return "", fmt.Errorf("password too short (at least %d characters)", MinPasswordLen)
	}
	if len(pw) > MaxPasswordLen {
		return "", fmt.Errorf("password too long (at most %d bytes)", MaxPasswordLen)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches the bcrypt hash. A malformed hash
// matches nothing.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// ValidatePasswordHash checks that a configured password is a bcrypt hash rather
// than a plain password. The error never quotes the value, which may be a password.
func ValidatePasswordHash(hash string) error {
	if hash == "" {
		return errors.New("required: a bcrypt hash (from `sharpeyes hash-password`)")
	}
	if !bcryptShape.MatchString(hash) {
		return errors.New("not a bcrypt hash ($2a$…, from `sharpeyes hash-password`); never give a plain password")
	}
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return fmt.Errorf("not a valid bcrypt hash (cost must be %d–%d)", bcrypt.MinCost, bcrypt.MaxCost)
	}
	return nil
}
