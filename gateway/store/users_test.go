package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// userNames lists name/source/role of every user.
func userNames(t *testing.T, db *DB) []string {
	t.Helper()
	us, err := db.ListUsers(context.Background())
	require.NoError(t, err)
	var out []string
	for _, u := range us {
		out = append(out, u.Name+"/"+u.Source+"/"+u.Role)
	}
	return out
}

func TestUsersCRUD(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)

	created, err := db.PutUser(ctx, User{Name: "dave", Role: "operator", Grid: "north", PasswordHash: "$2a$h1"}, alice)
	require.NoError(t, err)
	require.True(t, created)
	clk.Add(time.Minute)
	created, err = db.PutUser(ctx, User{Name: "dave", Role: "rule_author", PasswordHash: "$2a$h2"}, alice)
	require.NoError(t, err)
	require.False(t, created)
	u, err := db.GetUser(ctx, "dave")
	require.NoError(t, err)
	require.Equal(t, User{Name: "dave", Role: "rule_author", PasswordHash: "$2a$h2", Source: UserSourceAPI,
		UpdatedAt: clk.Now()}, u)

	_, err = db.GetUser(ctx, "nobody")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = db.PutUser(ctx, User{Name: "x", Role: "viewer", Source: UserSourceConfig}, alice)
	require.ErrorIs(t, err, ErrInvalid)
	_, err = db.PutUser(ctx, User{Name: "x"}, alice)
	require.ErrorIs(t, err, ErrInvalid)

	require.NoError(t, db.DeleteUser(ctx, "dave", alice))
	require.ErrorIs(t, db.DeleteUser(ctx, "dave", alice), ErrNotFound)
	require.Equal(t, []string{"user_create dave", "user_update dave", "user_delete dave"},
		auditActions(t, db, AuditFilter{}))
	es, _, err := db.ListAudit(ctx, AuditFilter{Action: "user_create"})
	require.NoError(t, err)
	require.NotContains(t, string(es[0].Detail), "$2a$", "no password hash in the audit log")
}

func TestSyncConfigUsers(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	expires := clk.Now().Add(time.Hour)

	_, err := db.PutUser(ctx, User{Name: "api1", Role: "viewer"}, alice)
	require.NoError(t, err)
	_, err = db.PutUser(ctx, User{Name: "shared", Role: "viewer"}, alice)
	require.NoError(t, err)
	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h-shared", User: "shared", Expires: expires}))

	require.NoError(t, db.SyncConfigUsers(ctx, []User{
		{Name: "root", Role: "admin", PasswordHash: "h"},
		{Name: "gone", Role: "operator"},
		{Name: "shared", Role: "admin"},
	}))
	require.Equal(t, []string{"api1/api/viewer", "gone/config/operator", "root/config/admin", "shared/config/admin"},
		userNames(t, db))
	_, err = db.LookupSession(ctx, "h-shared")
	require.ErrorIs(t, err, ErrNotFound, "an API user replaced by a config user loses its sessions")

	// Config users are read-only through PutUser/DeleteUser.
	_, err = db.PutUser(ctx, User{Name: "root", Role: "viewer"}, alice)
	require.ErrorIs(t, err, ErrConflict)
	require.ErrorIs(t, db.DeleteUser(ctx, "root", alice), ErrConflict)

	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h-gone", User: "gone", Expires: expires}))
	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h-root", User: "root", Expires: expires}))
	in := []User{{Name: "root", Role: "rule_author", Source: UserSourceAPI}}
	require.NoError(t, db.SyncConfigUsers(ctx, in))
	require.Equal(t, UserSourceAPI, in[0].Source, "the caller's slice is not modified")
	require.Equal(t, []string{"api1/api/viewer", "root/config/rule_author"}, userNames(t, db),
		"config users no longer listed are deleted; api users stay")
	_, err = db.LookupSession(ctx, "h-gone")
	require.ErrorIs(t, err, ErrNotFound, "a deleted user's sessions end")
	_, err = db.LookupSession(ctx, "h-root")
	require.NoError(t, err)

	cases := []struct {
		name  string
		users []User
		want  string
	}{
		{"duplicate", []User{{Name: "a", Role: "viewer"}, {Name: "a", Role: "admin"}}, "users[1]: name: a is listed twice"},
		{"no role", []User{{Name: "a"}}, "users[0]: role: must not be empty"},
		{"no name", []User{{Role: "viewer"}}, "users[0]: name: must not be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.EqualError(t, db.SyncConfigUsers(ctx, c.users), "sync config users: "+c.want)
			require.Equal(t, []string{"api1/api/viewer", "root/config/rule_author"}, userNames(t, db))
		})
	}

	require.NoError(t, db.SyncConfigUsers(ctx, nil))
	require.Equal(t, []string{"api1/api/viewer"}, userNames(t, db))
}
