package gat1400

import (
	"fmt"
	"math"
	"net/url"
	"unicode/utf8"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// FieldError is a Record field that cannot be mapped.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// maxSeq is the largest Seq: the plate crop's image takes Seq+50000.
const maxSeq = 49999

// Validate returns the first field of r that cannot be mapped onto a MotorVehicle, as a
// *FieldError naming it.
func (r Record) Validate() error {
	for _, check := range []func() error{r.checkIDs, r.checkPlate, r.checkScene, r.checkMotion} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (r Record) checkIDs() error {
	if len(r.DeviceID) != 20 || !allDigits(r.DeviceID) {
		return fieldErr("DeviceID", "want 20 digits (GB/T 28181 code), got %q", r.DeviceID)
	}
	if r.PassTime.IsZero() {
		return fieldErr("PassTime", "required")
	}
	if y := r.PassTime.In(beijing).Year(); y < 1000 || y > 9999 {
		return fieldErr("PassTime", "year %d does not fit yyyyMMddHHmmss", y)
	}
	if r.Seq < 0 || r.Seq > maxSeq {
		return fieldErr("Seq", "want 0–%d, got %d", maxSeq, r.Seq)
	}
	return nil
}

func (r Record) checkPlate() error {
	text := r.Plate.Text
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return fieldErr("Plate", "empty plate number")
	case n > 15:
		return fieldErr("Plate", "%d characters; PlateNo holds at most 15", n)
	case text != plate.Normalize(text):
		return fieldErr("Plate", "%q is not normalised (use plate.Parse)", text)
	}
	if r.Color > plate.ColorBlack {
		return fieldErr("Color", "unknown colour %d", uint8(r.Color))
	}
	if !r.Type.Known() {
		return fieldErr("Type", "unknown GA 24.7 plate type %d", uint8(r.Type))
	}
	if !unit(r.Conf) {
		return fieldErr("Conf", "want 0–1, got %v", r.Conf)
	}
	if len(r.CharConf) > 0 && len(r.CharConf) != utf8.RuneCountInString(text) {
		return fieldErr("CharConf", "%d values for %d characters", len(r.CharConf), utf8.RuneCountInString(text))
	}
	for i, c := range r.CharConf {
		if !unit(c) {
			return fieldErr(fmt.Sprintf("CharConf[%d]", i), "want 0–1, got %v", c)
		}
	}
	return nil
}

func (r Record) checkScene() error {
	if err := checkURL("SceneURL", r.SceneURL); err != nil {
		return err
	}
	if r.SceneWidth <= 0 || r.SceneHeight <= 0 {
		return fieldErr("SceneWidth", "scene size %d×%d: both must be positive", r.SceneWidth, r.SceneHeight)
	}
	if err := r.checkBox("VehicleBox", r.VehicleBox); err != nil {
		return err
	}
	if r.PlateURL == "" && r.PlateBox == [4]int{} {
		return nil
	}
	if r.PlateURL != "" {
		if err := checkURL("PlateURL", r.PlateURL); err != nil {
			return err
		}
	}
	return r.checkBox("PlateBox", r.PlateBox)
}

func (r Record) checkBox(field string, b [4]int) error {
	if b[0] < 0 || b[1] < 0 || b[0] >= b[2] || b[1] >= b[3] {
		return fieldErr(field, "%v is not {left, top, right, bottom} with left < right and top < bottom", b)
	}
	if b[2] > r.SceneWidth || b[3] > r.SceneHeight {
		return fieldErr(field, "%v reaches outside the %d×%d scene", b, r.SceneWidth, r.SceneHeight)
	}
	return nil
}

func (r Record) checkMotion() error {
	if math.IsNaN(r.Speed) || r.Speed < 0 || r.Speed > 999 {
		return fieldErr("Speed", "want 0–999 km/h, got %v", r.Speed)
	}
	if r.Direction != "" && (len(r.Direction) != 1 || r.Direction[0] < '1' || r.Direction[0] > '9') {
		return fieldErr("Direction", "want a code 1–9 or empty, got %q", r.Direction)
	}
	if r.Lane < 0 || r.Lane > 99 {
		return fieldErr("Lane", "want 0–99, got %d", r.Lane)
	}
	return nil
}

func checkURL(field, s string) error {
	if s == "" {
		return fieldErr(field, "required")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fieldErr(field, "%v", err)
	}
	if u.Scheme == "" || u.Host == "" {
		return fieldErr(field, "%q is not an absolute URL", s)
	}
	return nil
}

func unit(v float64) bool { return v >= 0 && v <= 1 }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
