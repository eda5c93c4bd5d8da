package rtspsource

import (
	"math/rand/v2"
	"time"
)

// Backoff configures the delay between reconnect attempts: exponential, capped, jittered.
// Zero fields take the defaults noted.
type Backoff struct {
	// Min is the first delay; default 1 s.
	Min time.Duration
	// Max caps the delay; default 30 s.
	Max time.Duration
	// StableAfter: a session that stayed online this long resets the delay to Min;
	// default 30 s.
	StableAfter time.Duration
}

func (b Backoff) withDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = time.Second
	}
	if b.Max < b.Min {
		b.Max = max(30*time.Second, b.Min)
	}
	if b.StableAfter <= 0 {
		b.StableAfter = 30 * time.Second
	}
	return b
}

// backoff is the running state; only the supervisor goroutine uses it.
type backoff struct {
	cfg Backoff
	cur time.Duration
}

// next returns the delay before the next attempt: the ceiling doubles from Min up to Max,
// and the delay is drawn in [ceiling/2, ceiling] so cameras that fail together spread out.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.cfg.Min
	} else {
		b.cur = min(b.cur*2, b.cfg.Max)
	}
	half := b.cur / 2
	return half + rand.N(b.cur-half+1)
}

func (b *backoff) reset() { b.cur = 0 }
