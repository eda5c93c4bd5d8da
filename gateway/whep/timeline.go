package whep

import (
	"time"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

const (
	// burstStep separates the cached GOP's units on the viewer's clock, so the browser
	// decodes through them at once instead of playing them out at the camera's pace.
	burstStep = time.Millisecond
	// maxPTSStep: a forward PTS jump larger than this is treated as a discontinuity.
	maxPTSStep = 10 * time.Second
	// maxWallStep caps the step across a discontinuity (a long camera outage), keeping the
	// clock far from uint32 wrap-around ambiguity.
	maxWallStep = time.Minute
	clockRate   = 90000
)

// timeline maps access units onto one viewer's 90 kHz RTP clock, which only moves forward:
// across camera reconnects (PTS restarts near zero) the step is the wall-clock time between
// the two units instead. Owned by the send loop.
type timeline struct {
	started  bool
	ts       uint32        // last RTP timestamp handed out
	lastPTS  time.Duration // PTS of the last unit
	lastWall time.Time     // when the last unit was stamped
}

// stamp returns the RTP timestamp of u, sent at now. burst marks units of the cached GOP
// replayed at start: they get burstStep spacing.
func (t *timeline) stamp(u *unit.AccessUnit, now time.Time, burst bool) uint32 {
	if !t.started {
		t.started = true
		t.lastPTS, t.lastWall = u.PTS, now
		return t.ts
	}
	var step time.Duration
	switch d := u.PTS - t.lastPTS; {
	case burst:
		step = burstStep
	case d > 0 && d <= maxPTSStep:
		step = d
	default: // PTS went back or leapt: a new camera session
		step = min(max(now.Sub(t.lastWall), burstStep), maxWallStep)
	}
	t.ts += durationToTicks(step)
	t.lastPTS, t.lastWall = u.PTS, now
	return t.ts
}

// durationToTicks converts d to 90 kHz ticks, at least one.
func durationToTicks(d time.Duration) uint32 {
	ticks := d * clockRate / time.Second
	return uint32(max(ticks, 1)) //nolint:gosec // d <= maxWallStep
}
