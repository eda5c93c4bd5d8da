package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// generatorVersion is part of every scene hash: bump it whenever rendering, encoding or
// truth derivation changes, so cached clips are regenerated.
const generatorVersion = "synth-3"

// Frames returns the number of frames of a normalized scene.
func (s Scene) Frames() int { return int(math.Round(s.Duration * float64(s.FPS))) }

// normalize returns a copy with defaults filled in and groups left as given, or an
// error naming the first invalid field.
func normalize(s Scene) (Scene, error) {
	s.Width = orInt(s.Width, 640)
	s.Height = orInt(s.Height, 360)
	s.FPS = orInt(s.FPS, 10)
	if s.Background.Kind == "" {
		s.Background.Kind = "plaza"
	}
	if s.Background.Noise == 0 {
		s.Background.Noise = 2
	}
	s.Actors = append([]Actor(nil), s.Actors...)
	for i := range s.Actors {
		s.Actors[i] = normalizeActor(s.Actors[i])
	}
	s.Groups = append([]Group(nil), s.Groups...)
	for i := range s.Groups {
		g := &s.Groups[i]
		g.Spread = orFloat(g.Spread, 0.16)
		g.Stagger = orFloat(g.Stagger, 0.5)
		g.Speed = orFloat(g.Speed, 0.12)
		g.Height = orFloat(g.Height, 0.24)
	}
	return s, validate(s)
}

func normalizeActor(a Actor) Actor {
	if a.Class == "" {
		a.Class = ClassPerson
	}
	a.Path = append([]Waypoint(nil), a.Path...)
	switch a.Class {
	case ClassCar:
		a.Speed = orFloat(a.Speed, 0.15)
		a.Height = orFloat(a.Height, 0.4)
		a.Aspect = orFloat(a.Aspect, 1.3)
		if a.Plate != "" && a.PlateColor == "" {
			a.PlateColor = defaultPlateColor(a.Plate)
		}
		if a.PlateRows == 1 {
			a.PlateRows = 0 // spelling out the default keeps the hash
		}
		if a.PlateRows == 0 && plate.Parse(a.Plate).Kind == plate.KindTrailer {
			a.PlateRows = 2
		}
	default:
		a.Speed = orFloat(a.Speed, 0.12)
		a.Height = orFloat(a.Height, 0.24)
		a.Aspect = orFloat(a.Aspect, 0.4)
	}
	if a.Color == ([3]uint8{}) {
		a.Color = palette[a.ID%len(palette)]
		if a.Class == ClassCar {
			a.Color = carPalette[a.ID%len(carPalette)]
		}
	}
	return a
}

func validate(s Scene) error {
	var errs []error
	if s.Width <= 0 || s.Height <= 0 || s.Width%2 != 0 || s.Height%2 != 0 || s.Width > 3840 || s.Height > 2160 {
		errs = append(errs, fmt.Errorf("width/height: %dx%d must be even and at most 3840x2160", s.Width, s.Height))
	}
	if s.FPS <= 0 || s.FPS > 60 {
		errs = append(errs, fmt.Errorf("fps: %d out of 1..60", s.FPS))
	}
	if !(s.Duration > 0 && s.Duration <= 600) || s.Frames() < 1 {
		errs = append(errs, fmt.Errorf("duration: %g must give at least one frame and at most 600 s", s.Duration))
	}
	if s.Background.Kind != "plaza" && s.Background.Kind != "road" {
		errs = append(errs, fmt.Errorf("background.kind: %q is not plaza or road", s.Background.Kind))
	}
	ids := map[int]bool{}
	for i, a := range s.Actors {
		if ids[a.ID] {
			errs = append(errs, fmt.Errorf("actors[%d].id: %d used twice", i, a.ID))
		}
		ids[a.ID] = true
		errs = append(errs, validateActor(i, a))
	}
	for i, g := range s.Groups {
		if g.Count < 1 || g.Count > 100 || g.Linger < 0 {
			errs = append(errs, fmt.Errorf("groups[%d]: count %d, linger %g", i, g.Count, g.Linger))
		}
		for k := range g.Count {
			if ids[g.FirstID+k] {
				errs = append(errs, fmt.Errorf("groups[%d]: id %d used twice", i, g.FirstID+k))
			}
			ids[g.FirstID+k] = true
		}
	}
	for i, l := range s.Lines {
		if l.Name == "" || l.A == l.B {
			errs = append(errs, fmt.Errorf("lines[%d]: needs a name and two distinct points", i))
		}
	}
	for i, r := range s.Regions {
		if r.Name == "" || len(r.Polygon) < 3 || r.CrowdMin < 0 {
			errs = append(errs, fmt.Errorf("regions[%d]: needs a name, 3+ points and crowd_min >= 0", i))
		}
	}
	return errors.Join(errs...)
}

func validateActor(i int, a Actor) error {
	switch {
	case a.Class != ClassPerson && a.Class != ClassCar:
		return fmt.Errorf("actors[%d].class: %q is not person or car", i, a.Class)
	case len(a.Path) < 1:
		return fmt.Errorf("actors[%d].path: empty", i)
	case a.Speed <= 0 || a.Height <= 0 || a.Aspect <= 0:
		return fmt.Errorf("actors[%d]: speed, height and aspect must be positive", i)
	case a.Plate != "" && a.Class != ClassCar:
		return fmt.Errorf("actors[%d].plate: only cars carry plates", i)
	}
	if err := validatePlate(a); err != nil {
		return fmt.Errorf("actors[%d].%w", i, err)
	}
	for k, w := range a.Path {
		if w.Wait < 0 {
			return fmt.Errorf("actors[%d].path[%d].wait: negative", i, k)
		}
	}
	return nil
}

// Hash identifies a scene's output: the generator version plus the normalized scene.
func Hash(s Scene) (string, error) {
	n, err := normalize(s)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(n)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append([]byte(generatorVersion+"\n"), b...))
	return hex.EncodeToString(sum[:]), nil
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orFloat(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// validatePlate checks a normalized car's plate colour and rows against the plate's
// kind; the error starts with the field name.
func validatePlate(a Actor) error {
	if a.PlateColor != "" && !slices.Contains(plateColors, a.PlateColor) {
		return fmt.Errorf("plate_color: %q is not one of %s", a.PlateColor, strings.Join(plateColors, ", "))
	}
	p := plate.Parse(a.Plate)
	if a.PlateColor != "" && p.Kind != plate.KindUnknown {
		c, _ := plate.ParseColor(a.PlateColor)
		if !plate.CheckColor(p, c) {
			return fmt.Errorf("plate_color: %s plates (%s) are not %s", p.Kind, a.Plate, a.PlateColor)
		}
	}
	switch {
	case a.PlateRows < 0 || a.PlateRows > 2:
		return fmt.Errorf("plate_rows: %d is not 1 or 2", a.PlateRows)
	case a.PlateRows == 2 && !(p.Kind == plate.KindTrailer || p.Kind == plate.KindOrdinary && a.PlateColor == PlateYellow):
		return fmt.Errorf("plate_rows: only yellow ordinary and trailer plates have two rows, not %q (%s, %s)", a.Plate, p.Kind, a.PlateColor)
	case a.PlateRows == 2 && len(plateRunes(a.Plate)) != 7:
		return fmt.Errorf("plate_rows: a double-row plate has 7 characters, %q has %d", a.Plate, len(plateRunes(a.Plate)))
	}
	return nil
}
