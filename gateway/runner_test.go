package gateway

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/rules"
)

// TestFinishEndsOpenGathering: at the end of a clip every open event ends at the
// last frame, a gathering too (it would otherwise wait for clear_duration, which
// no later frame can complete).
func TestFinishEndsOpenGathering(t *testing.T) {
	cfg, err := conf.Parse([]byte(`cameras:
  - {id: cam-1}
rules:
  - {id: gather, camera: cam-1, type: crowd_dwell, min_count: 2, min_duration: 1s, clear_duration: 5s,
     polygon: [[0, 0], [1, 0], [1, 1], [0, 1]]}
  - {id: zone, camera: cam-1, type: intrusion, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]]}
`), conf.ModeAnalyze)
	require.NoError(t, err)
	r := newRuleRunner(cfg, &cfg.Cameras[0], time.Now)
	t0 := time.Unix(1000, 0)
	var got []Alert
	for i := range 10 {
		obs := rules.Observation{Time: t0.Add(time.Duration(i) * 200 * time.Millisecond)}
		for k := range 2 {
			x := 0.3 + 0.2*float64(k)
			obs.Objects = append(obs.Objects, rules.Object{TrackID: uint64(k + 1), Class: "person", Score: 0.9,
				Box: rules.Box{X1: x - 0.05, Y1: 0.3, X2: x + 0.05, Y2: 0.6}, Foot: rules.Point{X: x, Y: 0.6}})
		}
		got = append(got, r.observe(obs)...)
	}
	last := t0.Add(9 * 200 * time.Millisecond)
	ends := r.finish(last)
	count := map[string]int{}
	for _, a := range ends {
		require.Equal(t, "end", a.Action)
		require.Equal(t, last.UTC().Format(timeLayout), a.FrameTime, "ended at the last frame")
		count[a.Rule.ID]++
	}
	require.Equal(t, map[string]int{"gather": 1, "zone": 2}, count, "the gathering and both people's intrusions end once")
	require.Empty(t, r.finish(last.Add(time.Second)), "nothing ends twice")
}
