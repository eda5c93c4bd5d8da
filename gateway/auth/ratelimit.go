package auth

import (
	"container/list"
	"slices"
	"sync"
	"time"
)

// Login throttling: after maxFailures failed logins for one user name, or from one
// client IP, within failureWindow, further attempts are refused until the oldest of
// those failures is failureWindow old.
const (
	maxFailures    = 5
	failureWindow  = 5 * time.Minute
	maxLimiterKeys = 10000 // per limiter; the least recently failed key is evicted beyond it
)

// failureLimiter counts recent login failures per key (user name or IP). It is
// bounded: keys whose newest failure left the window are evicted lazily, and beyond
// maxKeys the least recently failed key is dropped. Not safe for concurrent use on
// its own; loginLimiter serialises it.
type failureLimiter struct {
	maxKeys int
	entries map[string]*list.Element // of *failures
	lru     *list.List               // front = least recently failed
}

// failures holds one key's most recent failure times, oldest first, at most
// maxFailures.
type failures struct {
	key   string
	times []time.Time
}

func newFailureLimiter(maxKeys int) *failureLimiter {
	return &failureLimiter{maxKeys: max(maxKeys, 1), entries: map[string]*list.Element{}, lru: list.New()}
}

// blockedFor returns how long key stays blocked at now (0 = not blocked).
func (l *failureLimiter) blockedFor(key string, now time.Time) time.Duration {
	el, ok := l.entries[key]
	if !ok {
		return 0
	}
	f := el.Value.(*failures)
	if len(f.times) < maxFailures {
		return 0
	}
	return max(f.times[0].Add(failureWindow).Sub(now), 0)
}

// fail records a failure of key at now.
func (l *failureLimiter) fail(key string, now time.Time) {
	el, ok := l.entries[key]
	if !ok {
		l.evict(now)
		el = l.lru.PushBack(&failures{key: key, times: make([]time.Time, 0, maxFailures)})
		l.entries[key] = el
	}
	f := el.Value.(*failures)
	if len(f.times) == maxFailures {
		f.times = append(f.times[:0], f.times[1:]...)
	}
	f.times = append(f.times, now)
	l.lru.MoveToBack(el)
}

// unfail takes back one failure of key recorded at at (a charged attempt that did
// not fail after all).
func (l *failureLimiter) unfail(key string, at time.Time) {
	el, ok := l.entries[key]
	if !ok {
		return
	}
	f := el.Value.(*failures)
	if i := slices.IndexFunc(f.times, at.Equal); i >= 0 {
		f.times = slices.Delete(f.times, i, i+1)
	}
	if len(f.times) == 0 {
		l.reset(key)
	}
}

// reset forgets key's failures.
func (l *failureLimiter) reset(key string) {
	if el, ok := l.entries[key]; ok {
		l.lru.Remove(el)
		delete(l.entries, key)
	}
}

// evict drops keys whose newest failure left the window, then the least recently
// failed keys until one more fits.
func (l *failureLimiter) evict(now time.Time) {
	for el := l.lru.Front(); el != nil; el = l.lru.Front() {
		f := el.Value.(*failures)
		if now.Sub(f.times[len(f.times)-1]) < failureWindow && l.lru.Len() < l.maxKeys {
			return
		}
		l.reset(f.key)
	}
}

// loginLimiter throttles logins by user name and by client IP. An attempt is
// charged as a failure before the password is checked and refunded when it
// succeeds, so parallel guesses cannot slip past the limit.
type loginLimiter struct {
	mu    sync.Mutex
	users *failureLimiter
	ips   *failureLimiter
}

func newLoginLimiter(maxKeys int) *loginLimiter {
	return &loginLimiter{users: newFailureLimiter(maxKeys), ips: newFailureLimiter(maxKeys)}
}

// begin returns how long a login for user from ip must wait; when it returns 0 the
// attempt has been charged as a failure at now.
func (l *loginLimiter) begin(user, ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait := max(l.users.blockedFor(user, now), l.ips.blockedFor(ip, now)); wait > 0 {
		return wait
	}
	l.users.fail(user, now)
	l.ips.fail(ip, now)
	return 0
}

// succeeded refunds the attempt begun at now and forgets the user's failures. The
// IP keeps its other failures, so one valid account cannot reset the counter while
// guessing others' passwords.
func (l *loginLimiter) succeeded(user, ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.users.reset(user)
	l.ips.unfail(ip, now)
}

// aborted refunds an attempt begun at now that neither failed nor succeeded (the
// store failed).
func (l *loginLimiter) aborted(user, ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.users.unfail(user, now)
	l.ips.unfail(ip, now)
}
