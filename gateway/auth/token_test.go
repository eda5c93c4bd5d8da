package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateTokens(t *testing.T) {
	good := Token{Name: "ci", Token: "0123456789abcdef", Role: "operator"}
	with := func(f func(*Token)) Token { tk := good; f(&tk); return tk }
	cases := []struct {
		name   string
		tokens []Token
		want   []string // exact messages, in order
	}{
		{"none", nil, nil},
		{"good", []Token{good, {Name: "nvr", Token: "fedcba9876543210xyz", Role: "admin", Grid: "110101"}}, nil},
		{"unknown role", []Token{good, with(func(t *Token) { t.Name, t.Token, t.Role = "x", "x123456789abcdef", "boss" })},
			[]string{`auth.tokens[1].role: unknown role "boss" (viewer, operator, rule_author, admin)`}},
		{"missing role", []Token{with(func(t *Token) { t.Role = "" })},
			[]string{`auth.tokens[0].role: required (viewer, operator, rule_author, admin)`}},
		{"missing name", []Token{with(func(t *Token) { t.Name = "" })}, []string{`auth.tokens[0].name: required`}},
		{"missing token", []Token{with(func(t *Token) { t.Token = "" })}, []string{`auth.tokens[0].token: required`}},
		{"short token", []Token{with(func(t *Token) { t.Token = "0123456789abcde" })},
			[]string{`auth.tokens[0].token: too short (15 characters, at least 16)`}},
		{"token with a space", []Token{with(func(t *Token) { t.Token = "0123456789 abcdef" })},
			[]string{`auth.tokens[0].token: must not contain spaces or control characters`}},
		{"duplicate name", []Token{good, with(func(t *Token) { t.Token = "another-token-0000" })},
			[]string{`auth.tokens[1].name: duplicate name "ci" (also auth.tokens[0])`}},
		{"duplicate token", []Token{good, with(func(t *Token) { t.Name = "ci2" })},
			[]string{`auth.tokens[1].token: same token as auth.tokens[0]`}},
		{"everything wrong", []Token{{Token: "short", Role: "boss"}}, []string{
			`auth.tokens[0].name: required`,
			`auth.tokens[0].token: too short (5 characters, at least 16)`,
			`auth.tokens[0].role: unknown role "boss" (viewer, operator, rule_author, admin)`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateTokens(c.tokens)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, strings.Join(c.want, "\n"))
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.True(t, strings.HasPrefix(c.want[0], fe.FieldPath()+": "))
			for _, tk := range c.tokens {
				if len(tk.Token) > 5 {
					require.NotContains(t, err.Error(), tk.Token, "errors never quote a secret")
				}
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	users := &memUsers{users: map[string]User{}}
	_, err := New(Options{})
	require.EqualError(t, err, "auth: Options.Users is required")
	_, err = New(Options{Users: users, Tokens: []Token{{Name: "x", Token: "secret-but-short", Role: "root"}}})
	require.EqualError(t, err, `auth: auth.tokens[0].role: unknown role "root" (viewer, operator, rule_author, admin)`)
	require.NotContains(t, err.Error(), "secret-but-short")
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	_, err = New(Options{Users: users, SessionTTL: -1})
	require.Error(t, err)
}

func TestTokenSetMatch(t *testing.T) {
	set, err := newTokenSet([]Token{
		{Name: "a", Token: "aaaaaaaaaaaaaaaa", Role: "viewer"},
		{Name: "b", Token: "bbbbbbbbbbbbbbbb", Role: "admin", Grid: "110101"},
	})
	require.NoError(t, err)
	cases := []struct {
		candidate string
		want      string // name, "" = no match
	}{
		{"aaaaaaaaaaaaaaaa", "a"},
		{"bbbbbbbbbbbbbbbb", "b"},
		{"aaaaaaaaaaaaaaa", ""},
		{"aaaaaaaaaaaaaaaaa", ""},
		{"AAAAAAAAAAAAAAAA", ""},
		{"", ""},
	}
	for _, c := range cases {
		p, ok := set.match(c.candidate)
		require.Equal(t, c.want != "", ok, c.candidate)
		require.Equal(t, c.want, p.Name)
		if ok {
			require.Equal(t, KindToken, p.Kind)
		}
	}
	p, _ := set.match("bbbbbbbbbbbbbbbb")
	require.Equal(t, Principal{Name: "b", Role: RoleAdmin, Grid: "110101", Kind: KindToken}, p)
}

func TestTokenPrintingHidesSecret(t *testing.T) {
	tk := Token{Name: "ci", Token: "super-secret-token-value", Role: "operator", Grid: "110101"}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("loaded", "token", tk, "tokens", []Token{tk})
	for _, s := range []string{fmt.Sprint(tk), fmt.Sprintf("%v %+v %#v %s", tk, tk, tk, tk), logs.String()} {
		require.NotContains(t, s, tk.Token)
		require.Contains(t, s, "ci")
	}
}
