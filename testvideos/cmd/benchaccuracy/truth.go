package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/geom"
	"github.com/sharpeyes/sharpeyes/testvideos/pets"
	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

// clipFPS is the rate the sequence was shot at; analysis runs on every frame.
const clipFPS = pets.FPS

// The lines scored, named by the rule ids the generated configurations use.
var lines = []pets.Line{
	{Name: "line-a", A: pets.Point{X: 0, Y: 0.6}, B: pets.Point{X: 1, Y: 0.6}},
	{Name: "line-b", A: pets.Point{X: 0.4505, Y: 0}, B: pets.Point{X: 0.4505, Y: 1}},
}

// zone is the intrusion polygon (the right half of the road) and its dwell time.
var (
	zone = []pets.Point{{X: 0.55, Y: 0.3}, {X: 0.9, Y: 0.3}, {X: 0.9, Y: 0.55}, {X: 0.55, Y: 0.55}}
	// zoneDwell is the rule's min_duration, seconds.
	zoneDwell = 2.0
)

// zoneRule is the rule id of the intrusion polygon; truth episodes use it as "line".
const zoneRule = "zone"

// benchData is the clip and its truth.
type benchData struct {
	clip      pets.Clip
	crossings map[string][]score.Crossing // by line name
	episodes  []score.Crossing            // intrusion starts: a track inside for zoneDwell
	crowd     map[string][]episode        // crowd_dwell truth episodes, by rule id
}

// loadData finds the ground truth (failing clearly when ../shared/eval is missing),
// derives the truth crossings, intrusion starts and crowd episodes, and converts the clip if needed.
func loadData(ctx context.Context) (*benchData, error) {
	gt, err := loadGT()
	if err != nil {
		return nil, err
	}
	clip, err := pets.H264(ctx)
	if errors.Is(err, pets.ErrNotFound) {
		return nil, fmt.Errorf("PETS clip missing (make setup fetches vtest.avi): %w", err)
	}
	if err != nil {
		return nil, err
	}
	d := &benchData{clip: clip, crossings: map[string][]score.Crossing{}}
	for _, l := range lines {
		d.crossings[l.Name] = pets.ScoreCrossings(gt.Crossings(l))
	}
	d.episodes = intrusionStarts(gt)
	if d.crowd, err = crowdTruth(gt); err != nil {
		return nil, err
	}
	return d, nil
}

// loadGT reads the PETS ground truth, failing clearly when ../shared/eval is missing.
func loadGT() (*pets.GT, error) {
	root, err := pets.RepoRoot()
	if err != nil {
		return nil, err
	}
	eval := filepath.Clean(filepath.Join(root, "..", "shared", "eval"))
	if _, err := os.Stat(eval); err != nil {
		return nil, fmt.Errorf("evaluation data missing: %s does not exist; this benchmark needs "+
			"../shared/eval/pets09-s2l1/gt.txt (PETS 2009 S2L1 MOT ground truth) next to the repository", eval)
	}
	gtPath, err := pets.GTPath()
	if err != nil {
		return nil, err
	}
	return pets.LoadGT(gtPath)
}

// crowdTruth derives the truth episodes of every crowd rule.
func crowdTruth(gt *pets.GT) (map[string][]episode, error) {
	out := make(map[string][]episode, len(crowdRules))
	for _, c := range crowdRules {
		eps, err := truthEpisodes(gt, c)
		if err != nil {
			return nil, err
		}
		out[c.ID] = eps
	}
	return out, nil
}

func (d *benchData) clipSeconds() float64 { return float64(d.clip.Frames) / float64(clipFPS) }

// clipEnd is the time of the last frame, when episodes still open at the end of
// the clip are cut.
func (d *benchData) clipEnd() float64 { return frameSeconds(d.clip.Frames - 1) }

// truthCounts tallies the truth per line: total, a_to_b, b_to_a.
func (d *benchData) truthCounts() map[string][3]int {
	out := map[string][3]int{}
	for _, l := range lines {
		var c [3]int
		for _, x := range d.crossings[l.Name] {
			c[0]++
			if x.Direction == string(pets.AToB) {
				c[1]++
			} else {
				c[2]++
			}
		}
		out[l.Name] = c
	}
	out[zoneRule] = [3]int{len(d.episodes), 0, 0}
	return out
}

// minGap is the smallest time between two truth crossings of the same line: with a
// tolerance below half of it, one prediction can never be claimed by two crossings.
func (d *benchData) minGap() float64 {
	gap := math.Inf(1)
	for _, cs := range d.crossings {
		for i := 1; i < len(cs); i++ {
			gap = math.Min(gap, cs[i].T-cs[i-1].T)
		}
	}
	if math.IsInf(gap, 1) {
		return 0 // fewer than two crossings on every line; JSON has no infinity
	}
	return gap
}

// intrusionStarts returns, per track, the moments its foot point has been inside the
// zone for zoneDwell seconds without a break: when the rule should fire a start.
func intrusionStarts(gt *pets.GT) []score.Crossing {
	var out []score.Crossing
	for _, bs := range gt.Tracks() {
		entered, inside, fired, prev := 0, false, false, -2
		for _, b := range bs {
			in := geom.InPolygon(zone, b.Foot())
			f := b.VideoFrame()
			if !in || f != prev+1 {
				inside, fired = false, false
			}
			prev = f
			if !in {
				continue
			}
			if !inside {
				inside, entered = true, f
			}
			if !fired && float64(f-entered)/float64(clipFPS) >= zoneDwell-1e-9 {
				fired = true
				out = append(out, score.Crossing{Line: zoneRule, T: float64(f) / float64(clipFPS)})
			}
		}
	}
	return out
}
