package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse")
	require.NoError(t, err)
	require.NoError(t, ValidatePasswordHash(h))
	cost, err := bcrypt.Cost([]byte(h))
	require.NoError(t, err)
	require.Equal(t, 10, cost)
	require.True(t, CheckPassword(h, "correct horse"))
	require.False(t, CheckPassword(h, "correct horsf"))
	require.False(t, CheckPassword("not-a-hash", "correct horse"))

	for _, c := range []struct{ pw, want string }{
		{"", "password too short (at least 8 characters)"},
		{"1234567", "password too short (at least 8 characters)"},
		{strings.Repeat("x", 73), "password too long (at most 72 bytes)"},
	} {
		_, err := HashPassword(c.pw)
		require.EqualError(t, err, c.want)
	}
}

func TestValidatePasswordHash(t *testing.T) {
	cases := []struct {
		name string
		hash string
		want string // "" = valid
	}{
		{"dummy hash", dummyHash, ""},
		{"2b", "$2b$10$jOKC4qSbDx9zMaaVEbpIfeePcp6f5oeRKY0jwgJ2kVBLP8Fg9LrBG", ""},
		{"empty", "", "required: a bcrypt hash (from `sharpeyes hash-password`)"},
		{"plain password", "hunter2hunter2", "not a bcrypt hash ($2a$…, from `sharpeyes hash-password`); never give a plain password"},
		{"truncated", dummyHash[:59], "not a bcrypt hash ($2a$…, from `sharpeyes hash-password`); never give a plain password"},
		{"md5 crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "not a bcrypt hash ($2a$…, from `sharpeyes hash-password`); never give a plain password"},
		{"cost too high", "$2a$99$jOKC4qSbDx9zMaaVEbpIfeePcp6f5oeRKY0jwgJ2kVBLP8Fg9LrBG", "not a valid bcrypt hash (cost must be 4–31)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidatePasswordHash(c.hash)
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, c.want)
			if c.hash != "" {
				require.NotContains(t, err.Error(), c.hash)
			}
		})
	}
}
