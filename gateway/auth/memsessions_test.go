package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMemorySessions(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	m := NewMemorySessions()
	require.NoError(t, m.CreateSession(ctx, "h1", "bob", now, now.Add(time.Hour)))
	user, exp, err := m.LookupSession(ctx, "h1")
	require.NoError(t, err)
	require.Equal(t, "bob", user)
	require.True(t, exp.Equal(now.Add(time.Hour)))
	_, _, err = m.LookupSession(ctx, "h2")
	require.ErrorIs(t, err, ErrNoSession)
	require.NoError(t, m.DeleteSession(ctx, "h1"))
	require.NoError(t, m.DeleteSession(ctx, "h1"), "deleting twice is fine")
	_, _, err = m.LookupSession(ctx, "h1")
	require.ErrorIs(t, err, ErrNoSession)
	require.Error(t, m.CreateSession(ctx, "", "bob", now, now.Add(time.Hour)))
}

func TestMemorySessionsBound(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	m := NewMemorySessionsMax(3)
	// Three sessions expiring at +1h, +2h, +3h.
	for i := 1; i <= 3; i++ {
		require.NoError(t, m.CreateSession(ctx, fmt.Sprintf("h%d", i), "u", now, now.Add(time.Duration(i)*time.Hour)))
	}
	require.Equal(t, 3, m.Len())

	// Full and nothing expired: the one expiring first (h1) makes room.
	require.NoError(t, m.CreateSession(ctx, "h4", "u", now, now.Add(4*time.Hour)))
	require.Equal(t, 3, m.Len())
	_, _, err := m.LookupSession(ctx, "h1")
	require.ErrorIs(t, err, ErrNoSession)

	// At +3h, h2 and h3 have expired: both are purged, h4 stays.
	later := now.Add(3 * time.Hour)
	require.NoError(t, m.CreateSession(ctx, "h5", "u", later, later.Add(time.Hour)))
	require.Equal(t, 2, m.Len())
	for _, h := range []string{"h4", "h5"} {
		_, _, err := m.LookupSession(ctx, h)
		require.NoError(t, err, h)
	}
}

func TestMemorySessionsConcurrent(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	m := NewMemorySessionsMax(50)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				h := fmt.Sprintf("g%d-%d", g, i)
				_ = m.CreateSession(ctx, h, "u", now, now.Add(time.Duration(i)*time.Minute+time.Second))
				_, _, _ = m.LookupSession(ctx, h)
				if i%3 == 0 {
					_ = m.DeleteSession(ctx, h)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	require.LessOrEqual(t, m.Len(), 50)
}
