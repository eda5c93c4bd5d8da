package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/testvideos/internal/benchenv"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// scene is the clip every simulated camera loops.
const scene = "tripwire-basic"

// env is what runs through every phase: the simulated cameras and the broker.
type env struct {
	clip   synth.Clip
	cams   *simcam.Server
	paths  []string
	broker *kfake.Cluster
	topics []string // one alert topic per full phase
	// sent counts the pictures the simulated cameras sent (a loaded machine sends
	// fewer than the clip's rate: the simulator skips timestamps when it is late).
	sent atomic.Int64
	// aheadMax is the most a picture's capture stamp (which the receiver recovers from
	// RTCP) was later than the moment the simulator handed it over, in nanoseconds;
	// aheadN counts pictures stamped more than a millisecond late. Either makes
	// capture-to-publish latency read low.
	aheadMax, aheadN atomic.Int64
}

// startEnv generates (or reuses) the synthetic clip and starts n camera paths and a
// broker seeded with nTopics alert topics, all on 127.0.0.1 port 0.
func startEnv(ctx context.Context, n, nTopics int) (*env, error) {
	sc, err := synth.Builtin(scene)
	if err != nil {
		return nil, err
	}
	clip, err := synth.GenerateContext(ctx, sc, "")
	if err != nil {
		return nil, fmt.Errorf("generate the %s clip: %w", scene, err)
	}
	e := &env{clip: clip}
	e.cams = simcam.New(simcam.Config{
		Listen: "127.0.0.1:0", Logger: benchenv.QuietLogger(),
		OnFrame: e.onFrame,
	})
	for i := range n {
		p := fmt.Sprintf("cam%d", i+1)
		if err := e.cams.AddClip(p, clip.Path, float64(clip.FPS)); err != nil {
			return nil, fmt.Errorf("simulated camera %s: %w", p, err)
		}
		e.paths = append(e.paths, p)
	}
	if err := e.cams.Start(); err != nil {
		return nil, fmt.Errorf("start simulated cameras: %w", err)
	}
	for i := range nTopics {
		e.topics = append(e.topics, fmt.Sprintf("sharpeyes.alerts.bench%d", i+1))
	}
	e.broker, err = kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(1, e.topics...))
	if err != nil {
		e.cams.Close()
		return nil, fmt.Errorf("start kfake broker: %w", err)
	}
	return e, nil
}

func (e *env) close() {
	e.broker.Close()
	e.cams.Close()
}

func (e *env) onFrame(_ string, _ int, capture time.Time) {
	e.sent.Add(1)
	ahead := int64(time.Until(capture))
	if ahead > int64(time.Millisecond) {
		e.aheadN.Add(1)
	}
	for {
		m := e.aheadMax.Load()
		if ahead <= m || e.aheadMax.CompareAndSwap(m, ahead) {
			return
		}
	}
}

// counters reads what the simulated cameras have sent so far.
func (e *env) counters() counters { return counters{Sent: float64(e.sent.Load())} }

func (e *env) clipDesc() string {
	return fmt.Sprintf("synth %s %dx%d %d fps (%s)", scene, e.clip.Width, e.clip.Height, e.clip.FPS, e.clip.Path)
}
