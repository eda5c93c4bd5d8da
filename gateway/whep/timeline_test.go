package whep

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

func TestTimeline(t *testing.T) {
	type step struct {
		pts   time.Duration
		wall  time.Duration // since the first unit
		burst bool
		delta uint32 // expected RTP step from the previous unit
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"live spacing from PTS", []step{{0, 0, false, 0}, {100 * time.Millisecond, 90 * time.Millisecond, false, 9000}, {133 * time.Millisecond, 0, false, 2970}}},
		{"burst is 1 ms apart, then real spacing", []step{{0, 0, false, 0}, {100 * time.Millisecond, 0, true, 90}, {200 * time.Millisecond, 0, true, 90}, {300 * time.Millisecond, 5 * time.Millisecond, false, 9000}}},
		{"PTS restart uses wall clock", []step{{0, 0, false, 0}, {5 * time.Second, 5 * time.Second, false, 450000}, {0, 7 * time.Second, false, 180000}, {40 * time.Millisecond, 7 * time.Second, false, 3600}}},
		{"equal PTS still advances", []step{{0, 0, false, 0}, {0, 0, false, 90}}},
		{"leap forward uses wall clock", []step{{0, 0, false, 0}, {time.Hour, 2 * time.Second, false, 180000}}},
		{"long outage is capped", []step{{time.Second, 0, false, 0}, {0, time.Hour, false, 60 * 90000}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var tl timeline
			base := time.Unix(1000, 0)
			var prev uint32
			for i, s := range tc.steps {
				got := tl.stamp(&unit.AccessUnit{PTS: s.pts}, base.Add(s.wall), s.burst)
				if i > 0 {
					require.Equal(t, s.delta, got-prev, "step %d", i)
				}
				prev = got
			}
		})
	}
}
