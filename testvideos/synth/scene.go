// Package synth generates deterministic synthetic surveillance clips with exact ground
// truth: people-like figures and cars with Chinese plates move along waypoint paths over
// a textured background; frames are encoded by the ffmpeg CLI (libx264) into an H.264
// Annex-B stream with an access-unit delimiter before each access unit, and the truth
// (per-frame boxes and foot points, line crossings, region intrusions, crowd intervals,
// plates) is written next to it as JSON.
//
// Only tests import this package. Generate caches clips by scene hash, so repeated
// calls in one test run (or across runs) reuse the files.
package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/sharpeyes/sharpeyes/testvideos/internal/geom"
)

// Point is a point in normalized image coordinates (0-1, origin top-left, y down).
type Point = geom.Point

// Direction is a line-crossing direction, "a_to_b" or "b_to_a".
type Direction = geom.Direction

// Crossing directions. Side A is the left-hand side of someone walking the line from
// its first to its second point as drawn on screen (y down): for (0,0.6)->(1,0.6),
// moving downwards is AToB.
const (
	AToB = geom.AToB
	BToA = geom.BToA
)

// Object classes, spelled as the product's detections spell them.
const (
	ClassPerson = "person"
	ClassCar    = "car"
)

// Scene describes a clip. Zero fields take the defaults documented on each field;
// normalize fills them in, and the hash is taken over the filled-in scene.
type Scene struct {
	Name string `json:"name"`
	// Width and Height in pixels; default 640x360. Both must be even (yuv420p).
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// FPS is frames per second; default 10.
	FPS int `json:"fps,omitempty"`
	// Duration in seconds; the clip has round(Duration*FPS) frames at t = i/FPS.
	Duration float64 `json:"duration"`
	// Seed drives the background texture and noise.
	Seed       uint64     `json:"seed,omitempty"`
	Background Background `json:"background"`
	Actors     []Actor    `json:"actors,omitempty"`
	// Groups expand into person actors that gather, linger and disperse.
	Groups  []Group  `json:"groups,omitempty"`
	Lines   []Line   `json:"lines,omitempty"`
	Regions []Region `json:"regions,omitempty"`
}

// Background is the static scene behind the actors.
type Background struct {
	// Kind is "plaza" (paving, default) or "road" (asphalt with lanes and kerbs).
	Kind string `json:"kind,omitempty"`
	// Noise is the amplitude of per-frame sensor noise in 8-bit levels: default 2,
	// negative for none. The static texture is always there.
	Noise int `json:"noise,omitempty"`
}

// Actor is one person or car following a path.
type Actor struct {
	// ID is unique in the scene (groups included) and is the truth's object ID.
	ID int `json:"id"`
	// Class is ClassPerson (default) or ClassCar.
	Class string `json:"class,omitempty"`
	// Start is when the actor appears at Path[0], seconds.
	Start float64 `json:"start"`
	// Speed in frame widths per second, distance measured in pixels (so 0.1 at 640
	// wide is 64 px/s in any direction). Default 0.12 for people, 0.15 for cars.
	Speed float64 `json:"speed,omitempty"`
	// Path is the foot point (bottom centre of the box) to visit, in order. The actor
	// disappears after the last waypoint's wait; start and end off screen to enter
	// and leave naturally.
	Path []Waypoint `json:"path"`
	// Height of the box as a fraction of the frame height; default 0.24 for people
	// and 0.4 for cars.
	Height float64 `json:"height,omitempty"`
	// Aspect is box width over height in pixels; default 0.4 for people, 1.3 for cars.
	Aspect float64 `json:"aspect,omitempty"`
	// Color of clothes (people) or body (cars); zero picks from a palette by ID.
	Color [3]uint8 `json:"color,omitzero"`
	// Still turns off the walking animation of a person.
	Still bool `json:"still,omitempty"`
	// Plate is the licence plate of a car, e.g. "粤D·12345". Its kind
	// (analytics/plate.Parse) decides the layout: 480 mm new-energy plates, the red 警,
	// 使, 领 and military/armed-police letters, 7-character plates otherwise.
	Plate string `json:"plate,omitempty"`
	// PlateColor is "blue" (white text), "yellow" (black), "green" (new energy:
	// gradient, or yellow-green for large vehicles; black text), "white" (black text) or
	// "black" (white text). It must be a colour of the plate's kind (Kind.Colors);
	// default: the kind's first colour (blue for ordinary and unrecognised plates).
	PlateColor string `json:"plate_color,omitempty"`
	// PlateRows is 2 for a 440x220 mm double-row plate (yellow ordinary plates of large
	// vehicles, and always for trailers); 0 or 1 is a single row.
	PlateRows int `json:"plate_rows,omitempty"`
}

// Waypoint is a foot point to walk to, and how long to stand there on arrival.
type Waypoint struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	Wait float64 `json:"wait,omitempty"`
}

// Group is Count people who walk in from the frame edges to slots on an ellipse around
// Center, all stand together for Linger seconds, then walk out together.
type Group struct {
	// FirstID is the ID of the first member; members take FirstID..FirstID+Count-1.
	FirstID int   `json:"first_id"`
	Count   int   `json:"count"`
	Center  Point `json:"center"`
	// Spread is the slot ellipse's horizontal radius in frame widths (the vertical
	// radius is half of it in pixels); default 0.16.
	Spread float64 `json:"spread,omitempty"`
	// Start is when the first member starts walking in; member k starts Stagger*k later
	// (default 0.5 s).
	Start   float64 `json:"start"`
	Stagger float64 `json:"stagger,omitempty"`
	// Linger is how long all members stand together, seconds.
	Linger float64 `json:"linger"`
	// Speed and Height as for Actor.
	Speed  float64 `json:"speed,omitempty"`
	Height float64 `json:"height,omitempty"`
}

// Line is a tripwire segment from A to B, normalized.
type Line struct {
	Name string `json:"name"`
	A    Point  `json:"a"`
	B    Point  `json:"b"`
}

// Region is a polygon for intrusion truth (any object whose foot point is inside) and,
// when CrowdMin > 0, crowd truth (at least CrowdMin people inside).
type Region struct {
	Name     string  `json:"name"`
	Polygon  []Point `json:"polygon"`
	CrowdMin int     `json:"crowd_min,omitempty"`
}

// LoadScene reads a Scene from a JSON file (see ParseScene).
func LoadScene(path string) (Scene, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Scene{}, fmt.Errorf("read scene: %w", err)
	}
	s, err := ParseScene(b)
	if err != nil {
		return Scene{}, fmt.Errorf("scene %s: %w", path, err)
	}
	return s, nil
}

// ParseScene decodes a Scene from JSON and validates it. Unknown fields are errors.
func ParseScene(b []byte) (Scene, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Scene
	if err := dec.Decode(&s); err != nil {
		return Scene{}, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return Scene{}, fmt.Errorf("decode: trailing data after the scene")
	}
	if _, err := normalize(s); err != nil {
		return Scene{}, err
	}
	return s, nil
}
