package track

import (
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
)

const (
	// forbidden is the cost of a pair outside the gates; it is large enough that
	// the solver only uses such a pair when nothing else is left, and those
	// pairs are then discarded.
	forbidden = 1e6
	// maxSizeRatio bounds how much a box may grow or shrink between frames, per side.
	maxSizeRatio = 3.0
	// distWeight weighs the centre distance against the overlap in the cost.
	distWeight = 0.5
	// jumpBase and jumpRate bound how far, in box widths and heights, a detection
	// may lie from a track's predicted centre: jumpBase plus jumpRate per second
	// since the track was last seen. A fast walker at 5 fps moves about two body
	// widths between frames; a person never moves five within half a second. The
	// gate stops a coasting track from jumping onto another person, which would
	// draw a false path (and a false tripwire crossing) between the two.
	jumpBase = 2.0
	jumpRate = 4.0
	// classPenalty makes a detection of another class a worse match, but still a
	// possible one: detectors often flicker between car and truck.
	classPenalty = 0.3
)

// scratch holds per-Update buffers so a steady-state Update allocates only its result.
type scratch struct {
	matchedDet   []bool
	matchedTrack []int
	rows, cols   []int
	cost         []float64
	solver       hungarian
}

func (s *scratch) resetDets(n int) []bool {
	s.matchedDet = resize(s.matchedDet, n)
	clear(s.matchedDet)
	return s.matchedDet
}

func (s *scratch) resetTracks(n int) []int {
	s.matchedTrack = resize(s.matchedTrack, n)
	for i := range s.matchedTrack {
		s.matchedTrack[i] = -1
	}
	return s.matchedTrack
}

// stage is one step of the matching cascade.
type stage int

const (
	stageSeen      stage = iota // confirmed, matched in the previous Update
	stageCoasting               // confirmed, coasting
	stageTentative              // not confirmed yet
)

func (tk *track) stage() stage {
	switch {
	case !tk.confirmed:
		return stageTentative
	case tk.lost:
		return stageCoasting
	default:
		return stageSeen
	}
}

// associate matches the still unmatched tracks of one cascade stage to the
// still unmatched detections, writing the results into matchedTrack (track
// index → detection index) and matchedDet.
func (tr *Tracker) associate(t time.Time, dets []analytics.Detection, st stage, matchedTrack []int, matchedDet []bool) {
	s := &tr.scr
	s.rows, s.cols = s.rows[:0], s.cols[:0]
	for i, tk := range tr.tracks {
		if tk.stage() == st && matchedTrack[i] < 0 {
			s.rows = append(s.rows, i)
		}
	}
	for j := range dets {
		if !matchedDet[j] {
			s.cols = append(s.cols, j)
		}
	}
	n, m := len(s.rows), len(s.cols)
	if n == 0 || m == 0 {
		return
	}
	s.cost = resize(s.cost, n*m)
	for r, i := range s.rows {
		tk := tr.tracks[i]
		x, y := tk.predicted(t)
		pb := tk.predictedBox(x, y)
		for c, j := range s.cols {
			s.cost[r*m+c] = tr.pairCost(t, tk, x, y, pb, dets[j])
		}
	}
	for r, c := range s.solver.solve(s.cost, n, m) {
		if c < 0 || s.cost[r*m+c] >= forbidden {
			continue
		}
		matchedTrack[s.rows[r]] = s.cols[c]
		matchedDet[s.cols[c]] = true
	}
}

// pairCost scores how well detection d continues track tk, whose state
// predicted to the frame time is (x, y) with box pb; forbidden when d is
// outside the track's gates. The cost is low for a large overlap and a centre
// close to the prediction.
func (tr *Tracker) pairCost(t time.Time, tk *track, x, y axis, pb analytics.Box, d analytics.Detection) float64 {
	if !similarSize(tk.w, d.Box.W()) || !similarSize(tk.h, d.Box.H()) {
		return forbidden
	}
	iou := pb.IoU(d.Box)
	cx, cy := centre(d.Box)
	if tooFar(tk, x.p, y.p, cx, cy, t) {
		return forbidden
	}
	r := measStd * tk.scale()
	d2 := x.innovation(cx, r*r) + y.innovation(cy, r*r)
	g2 := tr.cfg.Gate * tr.cfg.Gate
	if iou < tr.cfg.MinIoU && d2 > g2 {
		return forbidden
	}
	cost := (1 - iou) + distWeight*min(d2/g2, 1)
	if d.Class != tk.votes.best() {
		cost += classPenalty
	}
	if !(cost < forbidden) { // NaN from a degenerate state
		return forbidden
	}
	return cost
}

// tooFar reports whether a detection centred at (cx, cy) lies beyond the jump gate
// of track tk predicted at (px, py) for time t. Distances are measured per axis in
// the track's box widths and heights, so the gate does not depend on the frame's
// aspect ratio.
func tooFar(tk *track, px, py, cx, cy float64, t time.Time) bool {
	dt := max(t.Sub(tk.lastSeen).Seconds(), 0)
	dx := (cx - px) / max(tk.w, 1e-3)
	dy := (cy - py) / max(tk.h, 1e-3)
	limit := jumpBase + jumpRate*dt
	return dx*dx+dy*dy > limit*limit
}

func similarSize(a, b float64) bool {
	return b <= a*maxSizeRatio && a <= b*maxSizeRatio
}
