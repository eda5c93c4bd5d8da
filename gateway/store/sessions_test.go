package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db, clk := openTest(t)
	for _, name := range []string{"dave", "erin"} {
		_, err := db.PutUser(ctx, User{Name: name, Role: "operator"}, alice)
		require.NoError(t, err)
	}
	now := clk.Now()
	s1 := Session{Hash: "h1", User: "dave", Created: now, Expires: now.Add(time.Hour)}
	require.NoError(t, db.CreateSession(ctx, s1))
	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h2", User: "dave", Expires: now.Add(2 * time.Hour)}))
	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h3", User: "erin", Expires: now.Add(3 * time.Hour)}))
	require.ErrorIs(t, db.CreateSession(ctx, Session{Hash: "h1", User: "erin", Expires: now.Add(time.Hour)}), ErrExists)
	require.ErrorIs(t, db.CreateSession(ctx, Session{Hash: "h9", User: "nobody", Expires: now.Add(time.Hour)}), ErrNotFound)
	require.ErrorIs(t, db.CreateSession(ctx, Session{Hash: "h9", User: "dave"}), ErrInvalid)

	got, err := db.LookupSession(ctx, "h1")
	require.NoError(t, err)
	require.Equal(t, s1, got)
	got, err = db.LookupSession(ctx, "h2")
	require.NoError(t, err)
	require.Equal(t, now, got.Created, "created defaults to the store clock")

	// Expiry follows the injected clock: at exactly Expires it is over.
	clk.Add(time.Hour)
	_, err = db.LookupSession(ctx, "h1")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = db.LookupSession(ctx, "h2")
	require.NoError(t, err)
	n, err := db.PurgeExpiredSessions(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	require.NoError(t, db.DeleteSession(ctx, "h2"))
	require.NoError(t, db.DeleteSession(ctx, "h2"), "deleting twice is fine")
	_, err = db.LookupSession(ctx, "h2")
	require.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h4", User: "erin", Expires: clk.Now().Add(time.Hour)}))
	n, err = db.DeleteUserSessions(ctx, "erin")
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, err = db.LookupSession(ctx, "h3")
	require.ErrorIs(t, err, ErrNotFound)

	// Deleting a user ends its sessions.
	require.NoError(t, db.CreateSession(ctx, Session{Hash: "h5", User: "dave", Expires: clk.Now().Add(time.Hour)}))
	require.NoError(t, db.DeleteUser(ctx, "dave", alice))
	_, err = db.LookupSession(ctx, "h5")
	require.ErrorIs(t, err, ErrNotFound)
	n, err = db.PurgeExpiredSessions(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}
