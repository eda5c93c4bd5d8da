package synth

import (
	"cmp"
	"math"
	"slices"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/geom"
	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

// Box is an axis-aligned rectangle in normalized coordinates, X1,Y1 top-left.
type Box struct {
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
	X2 float64 `json:"x2"`
	Y2 float64 `json:"y2"`
}

// Truth is the exact ground truth of a generated clip, as written to the .truth.json
// file. All times are seconds from the clip start (frame i is at i/FPS); coordinates are
// normalized and rounded to 1e-6.
type Truth struct {
	Scene   string   `json:"scene"`
	Hash    string   `json:"hash"`
	FPS     int      `json:"fps"`
	Width   int      `json:"width"`
	Height  int      `json:"height"`
	Frames  int      `json:"frames"`
	Lines   []Line   `json:"lines"`
	Regions []Region `json:"regions"`
	Objects []Object `json:"objects"`
	// PerFrame lists, for every frame, the objects at least partly in the picture.
	PerFrame   []FrameTruth `json:"per_frame"`
	Crossings  []Crossing   `json:"crossings"`
	Intrusions []Intrusion  `json:"intrusions"`
	Crowds     []Crowd      `json:"crowds"`
	Plates     []Plate      `json:"plates"`
	// PersonCounts holds, per region name, the number of people whose foot point is
	// inside, per frame.
	PersonCounts map[string][]int `json:"person_counts"`
}

// Object is one actor of the clip.
type Object struct {
	ID    int    `json:"id"`
	Class string `json:"class"`
	// FirstFrame and LastFrame bound the frames it is at least partly visible in
	// (-1 when never).
	FirstFrame int    `json:"first_frame"`
	LastFrame  int    `json:"last_frame"`
	Plate      string `json:"plate,omitempty"`
}

// FrameTruth is the truth of one frame.
type FrameTruth struct {
	Index   int           `json:"index"`
	T       float64       `json:"t"`
	Objects []ObjectState `json:"objects"`
}

// ObjectState is one object in one frame.
type ObjectState struct {
	ID    int    `json:"id"`
	Class string `json:"class"`
	// Box is the drawn extent clipped to the picture.
	Box Box `json:"box"`
	// Foot is the bottom centre of the unclipped box: the point rules test.
	Foot Point `json:"foot"`
	// Visible is the fraction of the unclipped box inside the picture (0-1].
	Visible float64 `json:"visible"`
	// Moving is false while the actor stands still.
	Moving bool `json:"moving"`
	// PlateBox is where a car's plate is drawn, when it is fully in the picture.
	PlateBox *Box `json:"plate_box,omitempty"`
}

// Crossing is one crossing of a configured line by an object's foot point, taken between
// consecutive frames where the object is present.
type Crossing struct {
	Line  string `json:"line"`
	ID    int    `json:"id"`
	Class string `json:"class"`
	// Frame is the first frame on the new side.
	Frame int `json:"frame"`
	// T is interpolated linearly between the two frames' foot points.
	T         float64   `json:"t"`
	Direction Direction `json:"direction"`
}

// Intrusion is a run of consecutive frames in which an object's foot point is inside a
// region.
type Intrusion struct {
	Region     string  `json:"region"`
	ID         int     `json:"id"`
	Class      string  `json:"class"`
	FirstFrame int     `json:"first_frame"`
	LastFrame  int     `json:"last_frame"`
	FirstT     float64 `json:"first_t"`
	LastT      float64 `json:"last_t"`
}

// Crowd is a run of consecutive frames in which at least MinCount people stand with
// their foot point inside a region.
type Crowd struct {
	Region     string  `json:"region"`
	MinCount   int     `json:"min_count"`
	MaxCount   int     `json:"max_count"`
	FirstFrame int     `json:"first_frame"`
	LastFrame  int     `json:"last_frame"`
	FirstT     float64 `json:"first_t"`
	LastT      float64 `json:"last_t"`
}

// Plate is a car's plate string with the frames the car is at least partly in the
// picture and the frames its whole plate is, each as runs of [first, last] frames.
type Plate struct {
	ID    int    `json:"id"`
	Text  string `json:"text"`
	Color string `json:"color"`
	// Rows is 2 for a double-row plate, absent for a single row.
	Rows          int      `json:"rows,omitempty"`
	VehicleFrames [][2]int `json:"vehicle_frames"`
	PlateFrames   [][2]int `json:"plate_frames"`
	// Frames counts the frames over PlateFrames.
	Frames int `json:"frames"`
}

// ScoreCrossings converts the truth's crossings for package score.
func (t *Truth) ScoreCrossings() []score.Crossing {
	out := make([]score.Crossing, len(t.Crossings))
	for i, c := range t.Crossings {
		out[i] = score.Crossing{Line: c.Line, T: c.T, Direction: string(c.Direction)}
	}
	return out
}

// sample is an object's exact (unrounded) state in one frame.
type sample struct {
	id      int
	class   string
	foot    Point
	present bool
}

// computeTruth samples every track at every frame and derives the events.
func computeTruth(s Scene, tracks []*track, hash string) *Truth {
	tr := &Truth{
		Scene: s.Name, Hash: hash, FPS: s.FPS, Width: s.Width, Height: s.Height, Frames: s.Frames(),
		Lines: nonNil(s.Lines), Regions: nonNil(s.Regions), PersonCounts: map[string][]int{},
		Crossings: []Crossing{}, Intrusions: []Intrusion{}, Crowds: []Crowd{}, Plates: []Plate{},
	}
	samples := make([][]sample, len(tracks)) // [track][frame]
	for k, trk := range tracks {
		samples[k] = make([]sample, tr.Frames)
		obj := Object{ID: trk.actor.ID, Class: trk.actor.Class, FirstFrame: -1, LastFrame: -1, Plate: trk.actor.Plate}
		for i := range tr.Frames {
			st, ok := trk.at(frameTime(i, s.FPS), s.Width, s.Height)
			if !ok {
				continue
			}
			if place(trk.actor, st.foot, s.Width, s.Height).visible() <= 0 {
				continue
			}
			samples[k][i] = sample{id: obj.ID, class: obj.Class, foot: st.foot, present: true}
			if obj.FirstFrame < 0 {
				obj.FirstFrame = i
			}
			obj.LastFrame = i
		}
		tr.Objects = append(tr.Objects, obj)
	}
	tr.PerFrame = perFrame(s, tracks, samples)
	tr.Crossings = crossings(s, samples)
	tr.Intrusions = intrusions(s, samples)
	tr.Crowds, tr.PersonCounts = crowds(s, samples)
	tr.Plates = plates(s, tracks, samples)
	return tr
}

func frameTime(i, fps int) float64 { return float64(i) / float64(fps) }

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func perFrame(s Scene, tracks []*track, samples [][]sample) []FrameTruth {
	out := make([]FrameTruth, s.Frames())
	for i := range out {
		out[i] = FrameTruth{Index: i, T: round6(frameTime(i, s.FPS)), Objects: []ObjectState{}}
		for k, trk := range tracks {
			sm := samples[k][i]
			if !sm.present {
				continue
			}
			st, _ := trk.at(frameTime(i, s.FPS), s.Width, s.Height)
			g := place(trk.actor, st.foot, s.Width, s.Height)
			os := ObjectState{
				ID: sm.id, Class: sm.class, Box: roundBox(g.clipped()),
				Foot: Point{X: round6(sm.foot.X), Y: round6(sm.foot.Y)}, Visible: round6(g.visible()), Moving: st.moving,
			}
			if pb, ok := g.plateBox(); ok && trk.actor.Plate != "" && inside01(pb) {
				b := roundBox(pb)
				os.PlateBox = &b
			}
			out[i].Objects = append(out[i].Objects, os)
		}
	}
	return out
}

func crossings(s Scene, samples [][]sample) []Crossing {
	out := []Crossing{}
	for _, l := range s.Lines {
		for _, ss := range samples {
			for i := 1; i < len(ss); i++ {
				if !ss[i-1].present || !ss[i].present {
					continue
				}
				ok, u, dir := geom.Cross(l.A, l.B, ss[i-1].foot, ss[i].foot)
				if !ok {
					continue
				}
				t := (float64(i-1) + u) / float64(s.FPS)
				out = append(out, Crossing{Line: l.Name, ID: ss[i].id, Class: ss[i].class, Frame: i, T: round6(t), Direction: dir})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Crossing) int {
		return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func intrusions(s Scene, samples [][]sample) []Intrusion {
	out := []Intrusion{}
	for _, r := range s.Regions {
		for _, ss := range samples {
			for _, run := range runs(len(ss), func(i int) bool { return ss[i].present && geom.InPolygon(r.Polygon, ss[i].foot) }) {
				out = append(out, Intrusion{
					Region: r.Name, ID: ss[run[0]].id, Class: ss[run[0]].class, FirstFrame: run[0], LastFrame: run[1],
					FirstT: round6(frameTime(run[0], s.FPS)), LastT: round6(frameTime(run[1], s.FPS)),
				})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Intrusion) int {
		return cmp.Or(cmp.Compare(a.FirstFrame, b.FirstFrame), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func crowds(s Scene, samples [][]sample) ([]Crowd, map[string][]int) {
	out := []Crowd{}
	counts := map[string][]int{}
	for _, r := range s.Regions {
		c := make([]int, s.Frames())
		for _, ss := range samples {
			for i, sm := range ss {
				if sm.present && sm.class == ClassPerson && geom.InPolygon(r.Polygon, sm.foot) {
					c[i]++
				}
			}
		}
		counts[r.Name] = c
		if r.CrowdMin <= 0 {
			continue
		}
		for _, run := range runs(len(c), func(i int) bool { return c[i] >= r.CrowdMin }) {
			out = append(out, Crowd{
				Region: r.Name, MinCount: r.CrowdMin, MaxCount: slices.Max(c[run[0] : run[1]+1]),
				FirstFrame: run[0], LastFrame: run[1],
				FirstT: round6(frameTime(run[0], s.FPS)), LastT: round6(frameTime(run[1], s.FPS)),
			})
		}
	}
	return out, counts
}

func plates(s Scene, tracks []*track, samples [][]sample) []Plate {
	out := []Plate{}
	for k, trk := range tracks {
		if trk.actor.Plate == "" {
			continue
		}
		p := Plate{
			ID: trk.actor.ID, Text: trk.actor.Plate, Color: trk.actor.PlateColor, Rows: trk.actor.PlateRows,
			VehicleFrames: [][2]int{}, PlateFrames: [][2]int{},
		}
		for _, run := range runs(s.Frames(), func(i int) bool { return samples[k][i].present }) {
			p.VehicleFrames = append(p.VehicleFrames, run)
		}
		full := func(i int) bool {
			if !samples[k][i].present {
				return false
			}
			pb, ok := place(trk.actor, samples[k][i].foot, s.Width, s.Height).plateBox()
			return ok && inside01(pb)
		}
		for _, run := range runs(s.Frames(), full) {
			p.PlateFrames = append(p.PlateFrames, run)
			p.Frames += run[1] - run[0] + 1
		}
		out = append(out, p)
	}
	return out
}

// runs returns the [first,last] index pairs of the maximal runs where pred holds.
func runs(n int, pred func(int) bool) [][2]int {
	var out [][2]int
	for i := 0; i < n; i++ {
		if !pred(i) {
			continue
		}
		j := i
		for j+1 < n && pred(j+1) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

func inside01(b Box) bool { return b.X1 >= 0 && b.Y1 >= 0 && b.X2 <= 1 && b.Y2 <= 1 }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func roundBox(b Box) Box { return Box{round6(b.X1), round6(b.Y1), round6(b.X2), round6(b.Y2)} }
