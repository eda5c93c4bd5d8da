package auth

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoleOrder(t *testing.T) {
	cases := []struct {
		have, need Role
		want       bool
	}{
		{RoleViewer, RoleViewer, true},
		{RoleViewer, RoleOperator, false},
		{RoleViewer, RoleRuleAuthor, false},
		{RoleViewer, RoleAdmin, false},
		{RoleOperator, RoleViewer, true},
		{RoleOperator, RoleOperator, true},
		{RoleOperator, RoleRuleAuthor, false},
		{RoleOperator, RoleAdmin, false},
		{RoleRuleAuthor, RoleViewer, true},
		{RoleRuleAuthor, RoleOperator, true},
		{RoleRuleAuthor, RoleRuleAuthor, true},
		{RoleRuleAuthor, RoleAdmin, false},
		{RoleAdmin, RoleViewer, true},
		{RoleAdmin, RoleOperator, true},
		{RoleAdmin, RoleRuleAuthor, true},
		{RoleAdmin, RoleAdmin, true},
		{"", RoleViewer, false},
		{"root", RoleViewer, false},
		{RoleAdmin, "", false},
		{RoleAdmin, "Admin", false},
	}
	for _, c := range cases {
		t.Run(string(c.have)+">="+string(c.need), func(t *testing.T) {
			require.Equal(t, c.want, c.have.AtLeast(c.need))
			require.Equal(t, c.want, Principal{Role: c.have}.Can(c.need))
		})
	}
	require.Equal(t, []Role{RoleViewer, RoleOperator, RoleRuleAuthor, RoleAdmin}, Roles())
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		got, err := ParseRole(string(r))
		require.NoError(t, err)
		require.Equal(t, r, got)
		require.True(t, got.Valid())
	}
	for _, bad := range []string{"", "boss", "Admin", "admin "} {
		_, err := ParseRole(bad)
		require.EqualError(t, err, `unknown role "`+bad+`" (viewer, operator, rule_author, admin)`)
		require.False(t, Role(bad).Valid())
	}
}

func TestInScope(t *testing.T) {
	// An object in grid 110101001002, whose ancestors are 110101001 and 110101.
	path := []string{"110101001002", "110101001", "110101"}
	cases := []struct {
		name string
		grid string
		path []string
		want bool
	}{
		{"unscoped sees all", "", path, true},
		{"unscoped sees gridless objects", "", nil, true},
		{"own grid", "110101001002", path, true},
		{"parent grid", "110101001", path, true},
		{"root grid", "110101", path, true},
		{"sibling grid", "110101001003", path, false},
		{"child grid does not see its parent's objects", "110101001002001", path, false},
		{"prefix of a code is not an ancestor", "1101", path, false},
		{"scoped and gridless object", "110101", nil, false},
		{"scoped and empty path", "110101", []string{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Principal{Name: "p", Role: RoleViewer, Grid: c.grid}.InScope(c.path))
		})
	}
}

func TestContext(t *testing.T) {
	_, ok := FromContext(context.Background())
	require.False(t, ok)
	p := Principal{Name: "bob", Role: RoleOperator, Grid: "110101", Kind: KindUser}
	got, ok := FromContext(NewContext(context.Background(), p))
	require.True(t, ok)
	require.Equal(t, p, got)
}
