package track

import (
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// sizeGain is how much of a measured size change is taken per matched frame.
const sizeGain = 0.6

// track is the internal state of one tracked object.
type track struct {
	id        uint64
	x, y      axis    // box centre
	w, h      float64 // smoothed size
	box       analytics.Box
	score     float64
	votes     classVotes
	firstSeen time.Time
	lastSeen  time.Time
	hits      int
	confirmed bool
	lost      bool
}

func newTrack(id uint64, t time.Time, d analytics.Detection, minHits int) *track {
	cx, cy := centre(d.Box)
	w, h := d.Box.W(), d.Box.H()
	s := meanSide(w, h)
	tk := &track{
		id: id, x: newAxis(cx, s), y: newAxis(cy, s), w: w, h: h,
		box: d.Box, score: d.Score, firstSeen: t, lastSeen: t, hits: 1,
		confirmed: minHits <= 1,
	}
	tk.votes.add(d.Class, d.Score)
	return tk
}

// scale is the track's size unit for the noise model.
func (tk *track) scale() float64 { return meanSide(tk.w, tk.h) }

// predicted returns the filter state moved ahead to t.
func (tk *track) predicted(t time.Time) (x, y axis) {
	dt := max(t.Sub(tk.lastSeen).Seconds(), 0)
	s := tk.scale()
	q := accelStd * s * accelStd * s
	return tk.x.predict(dt, q), tk.y.predict(dt, q)
}

// predictedBox is the box at the predicted centre with the current size.
func (tk *track) predictedBox(x, y axis) analytics.Box {
	return boxAt(x.p, y.p, tk.w, tk.h)
}

// correct folds the matched detection d, seen at t, into the track.
func (tk *track) correct(t time.Time, d analytics.Detection, minHits int) {
	x, y := tk.predicted(t)
	cx, cy := centre(d.Box)
	r := measStd * tk.scale()
	tk.x, tk.y = x.correct(cx, r*r), y.correct(cy, r*r)
	tk.w += sizeGain * (d.Box.W() - tk.w)
	tk.h += sizeGain * (d.Box.H() - tk.h)
	tk.box = boxAt(tk.x.p, tk.y.p, tk.w, tk.h)
	tk.score = d.Score
	tk.votes.add(d.Class, d.Score)
	tk.lastSeen = t
	tk.hits++
	if tk.hits >= minHits {
		tk.confirmed = true
	}
}

func (tk *track) snapshot(t time.Time) Track {
	fx, fy := tk.box.Foot()
	return Track{
		ID: tk.id, Class: tk.votes.best(), Score: tk.score, Box: tk.box,
		Foot: Point{fx, fy}, Velocity: Point{tk.x.v, tk.y.v},
		FirstSeen: tk.firstSeen, LastSeen: tk.lastSeen, Age: t.Sub(tk.firstSeen),
		Hits: tk.hits, Confirmed: tk.confirmed, Lost: tk.lost,
	}
}

func centre(b analytics.Box) (x, y float64) { return (b.X1 + b.X2) / 2, (b.Y1 + b.Y2) / 2 }

func boxAt(cx, cy, w, h float64) analytics.Box {
	return analytics.Box{X1: cx - w/2, Y1: cy - h/2, X2: cx + w/2, Y2: cy + h/2}
}

// meanSide is the size unit of a box, floored so a degenerate box cannot make
// the noise model collapse to zero.
func meanSide(w, h float64) float64 { return max((w+h)/2, 1e-3) }

// classVotes sums detection scores per class. A track sees few classes, so a
// slice beats a map.
type classVotes []classVote

type classVote struct {
	class string
	sum   float64
}

func (v *classVotes) add(class string, score float64) {
	for i := range *v {
		if (*v)[i].class == class {
			(*v)[i].sum += score
			return
		}
	}
	*v = append(*v, classVote{class, score})
}

// best returns the class with the highest sum; ties go to the class seen first.
func (v classVotes) best() string {
	bi := -1
	for i, c := range v {
		if bi < 0 || c.sum > v[bi].sum {
			bi = i
		}
	}
	if bi < 0 {
		return ""
	}
	return v[bi].class
}
