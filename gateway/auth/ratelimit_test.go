package auth

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoginLimiterRefunds(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	l := newLoginLimiter(100)
	// Four failures, then a success: the user's count is forgotten, the IP keeps its four.
	for i := range 4 {
		require.Zero(t, l.begin("bob", "10.0.0.1", t0.Add(time.Duration(i)*time.Second)))
	}
	ok := t0.Add(10 * time.Second)
	require.Zero(t, l.begin("bob", "10.0.0.1", ok))
	l.succeeded("bob", "10.0.0.1", ok)
	require.Zero(t, l.users.blockedFor("bob", ok))
	require.Nil(t, l.users.entries["bob"])
	require.Len(t, l.ips.entries["10.0.0.1"].Value.(*failures).times, 4)

	// One more failure from that IP blocks it.
	require.Zero(t, l.begin("alice", "10.0.0.1", ok))
	require.Equal(t, failureWindow-10*time.Second, l.begin("carol", "10.0.0.1", ok))

	// An aborted attempt (store down) costs nothing.
	require.Zero(t, l.begin("dave", "10.0.0.2", ok))
	l.aborted("dave", "10.0.0.2", ok)
	require.Nil(t, l.users.entries["dave"])
	require.Nil(t, l.ips.entries["10.0.0.2"])
}

func TestFailureLimiterBounded(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	l := newFailureLimiter(3)
	for i := range 10 {
		l.fail(fmt.Sprintf("k%d", i), t0.Add(time.Duration(i)*time.Second))
		require.LessOrEqual(t, l.lru.Len(), 3)
		require.Equal(t, l.lru.Len(), len(l.entries))
	}
	// The least recently failed keys went first.
	for _, k := range []string{"k7", "k8", "k9"} {
		require.Contains(t, l.entries, k)
	}

	// Keys whose last failure left the window are evicted before live ones.
	l = newFailureLimiter(3)
	l.fail("old", t0)
	l.fail("live1", t0.Add(4*time.Minute))
	l.fail("live2", t0.Add(4*time.Minute))
	l.fail("new", t0.Add(failureWindow))
	require.NotContains(t, l.entries, "old")
	require.Len(t, l.entries, 3)

	// A key keeps at most maxFailures times, the newest.
	for i := range 8 {
		l.fail("live1", t0.Add(5*time.Minute+time.Duration(i)*time.Second))
	}
	times := l.entries["live1"].Value.(*failures).times
	require.Len(t, times, maxFailures)
	require.True(t, times[0].Equal(t0.Add(5*time.Minute+3*time.Second)))
}
