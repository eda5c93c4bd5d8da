// Package rules holds the e-fence rule model (tripwires, intrusion and loitering
// zones, crowd dwell), its YAML form and validation, and the per-camera evaluator
// that turns tracked objects into events. It is pure computation: no goroutines, no clock (time
// comes with each observation), no I/O besides LoadFile.
package rules

import "time"

// Rule is one e-fence rule of one camera. Coordinates are normalized (0–1,
// origin top-left). Which fields apply depends on Type; Validate rejects
// fields that the type does not use.
type Rule struct {
	// ID identifies the rule across reloads and in alerts; unique in a rule set.
	ID string
	// Name is a human label carried into alerts.
	Name string
	// Camera is the id of the camera the rule watches.
	Camera string
	Type   Type
	// Enabled is true unless the YAML says `enabled: false`.
	Enabled bool
	// Classes limits the rule to these object classes; empty means any.
	Classes []string
	// Cooldown suppresses repeated events: per rule and track for tripwires,
	// per rule after an end for intrusion (see the package README).
	Cooldown time.Duration
	// Line is the tripwire, drawn from Line[0] to Line[1]. Side A is the
	// left-hand side of someone walking it in that direction on screen.
	Line [2]Point
	// Polyline is a tripwire of several segments (instead of Line), drawn from
	// its first point to its last; side A is again on the walker's left.
	Polyline []Point
	// Direction filters tripwire crossings; empty means both.
	Direction Direction
	// Polygon is the intrusion zone: at least 3 points, not self-intersecting.
	Polygon []Point
	// MinDuration is how long an object must stay in the zone before an
	// intrusion or loitering event starts, and how long a crowd must hold
	// MinCount before a crowd_dwell event starts.
	MinDuration time.Duration
	// MinCount is, for crowd_dwell, how many objects in the zone make a crowd.
	MinCount int
	// ClearCount is, for crowd_dwell, the count below which a crowd is breaking
	// up; 0 means MinCount.
	ClearCount int
	// ClearDuration is, for crowd_dwell, how long the count must stay below
	// ClearCount before the event ends.
	ClearDuration time.Duration
	// Priority is 1 (most urgent) to 4; 0 means DefaultPriority. Alerts carry it.
	Priority int
	// Schedule arms the rule in these windows only (camera's time zone); empty
	// means always armed.
	Schedule Schedule

	// The plate rule's fields (see TypePlate). Polygon is its optional capture
	// region, Line its optional trigger line (Direction filters it).

	// MinPlateHeight skips plates shorter than this many pixels of the analysed
	// picture; 0 means the engine's minimum.
	MinPlateHeight int
	// DedupeWindow suppresses a second report of the same plate on the same camera
	// within this time; 0 means DefaultDedupeWindow.
	DedupeWindow time.Duration
	// Lists are the rule's watch lists (allow or block); a hit is carried in the
	// alert, and a block-list hit raises its priority to 1.
	Lists []PlateList
	// ListDistance is how many character edits a read may differ from a list
	// entry and still match (0: exact only).
	ListDistance int
}

// PlateList is one watch list of a plate rule.
type PlateList struct {
	// Kind is "allow" or "block".
	Kind string
	// Name labels the list in alerts (布控车辆, 校车白名单...).
	Name    string
	Entries []PlateEntry
}

// PlateEntry is one plate on a watch list; Note says why it is there.
type PlateEntry struct {
	Text string
	Note string
}

// DefaultDedupeWindow is how long the same plate on the same camera is not
// reported again when a plate rule sets no dedupe_window.
const DefaultDedupeWindow = time.Minute

// EffectiveDedupeWindow is the rule's dedupe window with the default applied.
func (r *Rule) EffectiveDedupeWindow() time.Duration {
	if r.DedupeWindow == 0 {
		return DefaultDedupeWindow
	}
	return r.DedupeWindow
}

// DefaultPriority is a rule's priority when it sets none: 3, "normal" on the
// 1 (urgent) – 4 (informational) scale.
const DefaultPriority = 3

// EffectivePriority is the rule's priority with the default applied.
func (r *Rule) EffectivePriority() int {
	if r.Priority == 0 {
		return DefaultPriority
	}
	return r.Priority
}

// Type is the kind of a rule. A new kind adds a constant here, a case in
// Rule.ValidateAt and one in newRuleEval (see the README).
type Type string

// Rule types that the evaluator implements.
const (
	// TypeTripwire fires one pulse each time a track's foot point crosses a line.
	TypeTripwire Type = "tripwire"
	// TypeIntrusion fires start and end events around each stay of a track
	// inside a polygon that lasts at least MinDuration.
	TypeIntrusion Type = "intrusion"
	// TypeLoitering is intrusion's state machine for long stays (someone hanging
	// about a place): start once one track has been inside MinDuration, end when
	// it leaves.
	TypeLoitering Type = "loitering"
	// TypeCrowdDwell ("people gathering too long", 聚集超时): start once at least
	// MinCount objects have been inside the polygon for MinDuration; update when
	// the peak count rises; end once the count has stayed below ClearCount for
	// ClearDuration. One event id per episode.
	TypeCrowdDwell Type = "crowd_dwell"
	// TypePlate captures the plates of passing vehicles (电子卡口): one pulse per
	// vehicle pass with the voted plate, inside Polygon when given, when the
	// vehicle crosses Line when given. The Evaluator does not run it: plate
	// reading needs pictures, so the gateway's plate stage does (see the README).
	TypePlate Type = "plate"
)

// DefaultClearDuration is a crowd_dwell rule's ClearDuration when it sets none.
const DefaultClearDuration = 5 * time.Second

// clearCount is the count under which a crowd is breaking up.
func (r *Rule) clearCount() int {
	if r.ClearCount > 0 {
		return r.ClearCount
	}
	return r.MinCount
}

// clearDuration is how long a crowd must stay broken up before its event ends.
func (r *Rule) clearDuration() time.Duration {
	if r.ClearDuration > 0 {
		return r.ClearDuration
	}
	return DefaultClearDuration
}

// Direction filters tripwire crossings by the side they come from.
type Direction string

// Crossing directions. DirectionBoth (or empty) accepts either.
const (
	DirectionAToB Direction = "a_to_b"
	DirectionBToA Direction = "b_to_a"
	DirectionBoth Direction = "both"
)

// Point is a position in normalized image coordinates: X to the right, Y down,
// both 0–1 with the origin at the top-left. In YAML it is a [x, y] pair.
type Point struct {
	X, Y float64
}

// matchesClass reports whether the rule applies to objects of class c.
func (r *Rule) matchesClass(c string) bool {
	if len(r.Classes) == 0 {
		return true
	}
	for _, k := range r.Classes {
		if k == c {
			return true
		}
	}
	return false
}

// accepts reports whether a crossing in direction d passes the rule's filter.
func (r *Rule) accepts(d Direction) bool {
	return r.Direction == "" || r.Direction == DirectionBoth || r.Direction == d
}
