package alertflow

import "time"

// Deadlines maps an alert priority (1 = most urgent … 4) to the time it may stay
// open, counted from the moment it was raised.
type Deadlines map[int]time.Duration

// DefaultDeadlines returns the deadlines used when the configuration gives none:
// 1: 15m, 2: 1h, 3: 4h, 4: 24h.
func DefaultDeadlines() Deadlines {
	return Deadlines{1: 15 * time.Minute, 2: time.Hour, 3: 4 * time.Hour, 4: 24 * time.Hour}
}

// Due returns when an alert of the priority raised at raised must be closed, or the
// zero time when the priority has no (positive) deadline.
func (d Deadlines) Due(priority int, raised time.Time) time.Time {
	dur, ok := d[priority]
	if !ok || dur <= 0 || raised.IsZero() {
		return time.Time{}
	}
	return raised.Add(dur)
}

// Overdue reports whether an alert in state, due at due, is late at now. Terminal
// alerts and alerts without a deadline are never overdue.
func Overdue(state State, due, now time.Time) bool {
	return !Terminal(state) && !due.IsZero() && now.After(due)
}
