package synth

import "fmt"

// Built-in scene names.
const (
	SceneTripwireBasic = "tripwire-basic"
	SceneCrowd         = "crowd"
	SceneCheckpoint    = "checkpoint"
	SceneCheckpointAll = "checkpoint-all"
)

// Names lists the built-in scenes.
func Names() []string {
	return []string{SceneTripwireBasic, SceneCrowd, SceneCheckpoint, SceneCheckpointAll}
}

// Builtin returns a built-in scene by name. Each call returns a fresh value.
func Builtin(name string) (Scene, error) {
	switch name {
	case SceneTripwireBasic:
		return tripwireBasic(), nil
	case SceneCrowd:
		return crowd(), nil
	case SceneCheckpoint:
		return checkpoint(), nil
	case SceneCheckpointAll:
		return checkpointAll(), nil
	}
	return Scene{}, fmt.Errorf("unknown scene %q (have %v)", name, Names())
}

func path(pts ...Waypoint) []Waypoint { return pts }

// tripwireBasic: 20 s, 640x360, 10 fps. Line "line" (0,0.6)->(1,0.6), region "zone"
// [0.1,0.5]x[0.1,0.5]. People keep to separate lanes and times, and no sampled foot
// point comes within 0.005 of the zone's edges (start points and waits are tuned so the
// frames straddle the edges):
//
//	id 1  1.0 s  walks down at x~0.64: crosses a_to_b (~3.3 s)
//	id 2  1.5 s  walks briskly left to right along y=0.30 through the zone (1.5 s
//	             inside, well under a 2 s dwell)
//	id 3  6.0 s  walks up at x~0.82: crosses b_to_a (~8.5 s)
//	id 4  8.5 s  walks right to left along y=0.78, parallel to the line (its body
//	             overlaps the line on screen, its feet never cross)
//	id 5 10.0 s  walks into the zone, stands 4.43 s, walks back out (~7 s inside)
//	id 6 12.0 s  fast walker, 0.45 widths/s (58 px per 0.2 s, more than its 35 px
//	             width): crosses a_to_b (~12.9 s)
//	id 7 14.5 s  walks up at x~0.72: crosses b_to_a (~17 s)
func tripwireBasic() Scene {
	return Scene{
		Name: SceneTripwireBasic, Width: 640, Height: 360, FPS: 10, Duration: 20, Seed: 1,
		Lines: []Line{{Name: "line", A: Point{X: 0, Y: 0.6}, B: Point{X: 1, Y: 0.6}}},
		Regions: []Region{{Name: "zone", Polygon: []Point{
			{X: 0.1, Y: 0.1}, {X: 0.5, Y: 0.1}, {X: 0.5, Y: 0.5}, {X: 0.1, Y: 0.5},
		}}},
		Actors: []Actor{
			{ID: 1, Start: 1.0, Speed: 0.15, Path: path(Waypoint{X: 0.62, Y: -0.02}, Waypoint{X: 0.66, Y: 1.26})},
			{ID: 2, Start: 1.5, Speed: 0.25, Path: path(Waypoint{X: -0.0825, Y: 0.30}, Waypoint{X: 1.0825, Y: 0.30})},
			{ID: 3, Start: 6.0, Speed: 0.15, Path: path(Waypoint{X: 0.85, Y: 1.26}, Waypoint{X: 0.80, Y: -0.02})},
			{ID: 4, Start: 8.5, Speed: 0.15, Path: path(Waypoint{X: 1.06, Y: 0.78}, Waypoint{X: -0.06, Y: 0.78})},
			{ID: 5, Start: 10.0, Speed: 0.12, Path: path(
				Waypoint{X: -0.062, Y: 0.38}, Waypoint{X: 0.26, Y: 0.38, Wait: 4.43}, Waypoint{X: -0.062, Y: 0.40})},
			{ID: 6, Start: 12.0, Speed: 0.45, Path: path(Waypoint{X: 0.95, Y: -0.02}, Waypoint{X: 0.62, Y: 1.28})},
			{ID: 7, Start: 14.5, Speed: 0.15, Path: path(Waypoint{X: 0.70, Y: 1.26}, Waypoint{X: 0.74, Y: -0.02})},
		},
	}
}

// crowd: 24 s, 640x360. Five people (ids 1-5) walk in from the edges from 1 s on,
// stand together around (0.5,0.64) for 10 s and walk out; region "square"
// [0.2,0.8]x[0.42,0.9] has crowd_min 5. A passer-by (id 10) crosses the top of the
// picture, outside the region, early on.
func crowd() Scene {
	return Scene{
		Name: SceneCrowd, Width: 640, Height: 360, FPS: 10, Duration: 24, Seed: 2,
		Regions: []Region{{Name: "square", CrowdMin: 5, Polygon: []Point{
			{X: 0.2, Y: 0.42}, {X: 0.8, Y: 0.42}, {X: 0.8, Y: 0.9}, {X: 0.2, Y: 0.9},
		}}},
		Groups: []Group{{FirstID: 1, Count: 5, Center: Point{X: 0.5, Y: 0.64}, Start: 1, Linger: 10}},
		Actors: []Actor{
			{ID: 10, Start: 0.5, Speed: 0.15, Path: path(Waypoint{X: -0.06, Y: 0.3}, Waypoint{X: 1.06, Y: 0.28})},
		},
	}
}

// checkpoint: 20 s, 1280x720, road. Four cars drive towards the camera in two lanes,
// stop 1.5 s with the front at y=0.8, and drive out of the bottom; plates about
// 112x36 px. Line "gate" (0.1,0.6)->(0.9,0.6): each car crosses a_to_b once.
func checkpoint() Scene {
	car := func(id int, start, x float64, plate, color string) Actor {
		return Actor{
			ID: id, Class: ClassCar, Start: start, Speed: 0.15, Plate: plate, PlateColor: color,
			Path: path(Waypoint{X: x, Y: -0.01}, Waypoint{X: x, Y: 0.8, Wait: 1.5}, Waypoint{X: x, Y: 1.42}),
		}
	}
	return Scene{
		Name: SceneCheckpoint, Width: 1280, Height: 720, FPS: 10, Duration: 20, Seed: 3,
		Background: Background{Kind: "road"},
		Lines:      []Line{{Name: "gate", A: Point{X: 0.1, Y: 0.6}, B: Point{X: 0.9, Y: 0.6}}},
		Actors: []Actor{
			car(1, 0.5, 0.32, "粤D·12345", "blue"),
			car(2, 4.5, 0.68, "京A·6K789", "blue"),
			car(3, 9.5, 0.32, "沪C·3Q2R5", "yellow"),
			car(4, 12.5, 0.68, "浙B·88D16", "blue"),
		},
	}
}

// Vehicle colours of checkpoint-all, chosen to contrast with each plate.
var (
	bodyWhite  = [3]uint8{225, 225, 228}
	bodySilver = [3]uint8{150, 155, 160}
	bodyDark   = [3]uint8{40, 40, 45}
	bodyRed    = [3]uint8{165, 30, 30}
	bodyBeige  = [3]uint8{200, 190, 170}
	bodyOlive  = [3]uint8{60, 80, 50}
)

// checkpointAllPlates are the plates of checkpoint-all in driving order: every kind
// and colour of GA 36 (text, colour, rows, vehicle height as a fraction of the frame,
// vehicle aspect, body colour).
var checkpointAllPlates = []struct {
	text, color    string
	rows           int
	height, aspect float64
	body           [3]uint8
}{
	{"京A·F0236", PlateBlue, 0, 0.42, 1.3, bodyWhite},
	{"冀B·52871", PlateYellow, 0, 0.5, 1.25, bodyRed},
	{"鲁C·6Y337", PlateYellow, 2, 0.5, 1.25, bodySilver},
	{"粤B·D12345", PlateGreen, 0, 0.42, 1.3, bodyWhite},
	{"沪A·12116D", PlateGreen, 0, 0.5, 1.25, bodyBeige},
	{"苏A·0417警", PlateWhite, 0, 0.44, 1.3, bodyDark},
	{"浙A·3861学", PlateYellow, 0, 0.42, 1.3, bodyWhite},
	{"豫H·0526挂", PlateYellow, 2, 0.5, 1.25, bodyRed},
	{"粤Z·F023港", PlateBlack, 0, 0.44, 1.3, bodySilver},
	{"粤Z·1A07澳", PlateBlack, 0, 0.44, 1.3, bodyWhite},
	{"使014·578", PlateBlack, 0, 0.44, 1.3, bodyBeige},
	{"沪A·0032领", PlateBlack, 0, 0.44, 1.3, bodySilver},
	{"VA·10568", PlateWhite, 0, 0.44, 1.3, bodyOlive},
	{"WJ川·16254", PlateWhite, 0, 0.44, 1.3, bodyDark},
}

// checkpointAll: 52 s, 1280x720, road. Fourteen vehicles, one plate of each kind and
// colour (checkpointAllPlates), drive towards the camera in alternating lanes every
// 3.6 s, stop 1 s with the front at y=0.8 and drive out of the bottom. Plates are
// 118-147 px wide and fully visible for about 3 s each, one vehicle at a time (the
// next one enters while the previous leaves in the other lane). Line "gate"
// (0.1,0.6)->(0.9,0.6): each vehicle crosses a_to_b once.
func checkpointAll() Scene {
	s := Scene{
		Name: SceneCheckpointAll, Width: 1280, Height: 720, FPS: 10, Duration: 52, Seed: 4,
		Background: Background{Kind: "road"},
		Lines:      []Line{{Name: "gate", A: Point{X: 0.1, Y: 0.6}, B: Point{X: 0.9, Y: 0.6}}},
	}
	for i, p := range checkpointAllPlates {
		x := []float64{0.3, 0.7}[i%2]
		s.Actors = append(s.Actors, Actor{
			ID: i + 1, Class: ClassCar, Start: 0.5 + 3.6*float64(i), Speed: 0.25,
			Height: p.height, Aspect: p.aspect, Color: p.body, Plate: p.text, PlateColor: p.color, PlateRows: p.rows,
			Path: path(Waypoint{X: x, Y: -0.01}, Waypoint{X: x, Y: 0.8, Wait: 1}, Waypoint{X: x, Y: 1.5}),
		})
	}
	return s
}
