package livefeed

import (
	"sync"
	"time"
)

// Counts are one grid's recent alerts.
type Counts struct {
	LastHour int `json:"alerts_1h"`
	LastDay  int `json:"alerts_24h"`
}

// Counter keeps per-grid alert counts for the last hour (by minute) and the last day
// (by hour: the current hour and the 23 before it). Memory is fixed per grid (84
// counters); grids without alerts for a day are forgotten. Safe for concurrent use.
type Counter struct {
	mu    sync.Mutex
	grids map[string]*gridCount
}

type gridCount struct {
	minutes [60]bucket
	hours   [24]bucket
	last    time.Time
}

// bucket counts the alerts of one minute or hour, identified by its start (Unix
// minutes or hours), so a stale bucket is recognised and restarted.
type bucket struct {
	at int64
	n  int
}

// NewCounter returns an empty counter.
func NewCounter() *Counter { return &Counter{grids: map[string]*gridCount{}} }

// Add counts one alert of grid at t.
func (c *Counter) Add(grid string, t time.Time) {
	if grid == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.grids[grid]
	if g == nil {
		g = &gridCount{}
		c.grids[grid] = g
	}
	m, h := t.Unix()/60, t.Unix()/3600
	add(&g.minutes[m%60], m)
	add(&g.hours[h%24], h)
	if t.After(g.last) {
		g.last = t
	}
}

// add counts one alert in the bucket starting at at. The slot may hold a newer
// period already (an alert arriving late): the alert is then too old for this ring.
func add(b *bucket, at int64) {
	switch {
	case b.at == at:
		b.n++
	case at > b.at:
		*b = bucket{at: at, n: 1}
	}
}

// Get returns the counts of every grid with alerts in the last day, as of now.
func (c *Counter) Get(now time.Time) map[string]Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, h := now.Unix()/60, now.Unix()/3600
	out := make(map[string]Counts, len(c.grids))
	for code, g := range c.grids {
		if now.Sub(g.last) > 25*time.Hour {
			delete(c.grids, code)
			continue
		}
		var cs Counts
		for _, b := range g.minutes {
			if b.at > m-60 && b.at <= m {
				cs.LastHour += b.n
			}
		}
		for _, b := range g.hours {
			if b.at > h-24 && b.at <= h {
				cs.LastDay += b.n
			}
		}
		if cs != (Counts{}) {
			out[code] = cs
		}
	}
	return out
}
