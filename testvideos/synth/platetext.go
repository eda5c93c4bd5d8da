package synth

import (
	"math/rand/v2"
	"strings"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Alphabets of random plate numbers (GA 36: no I or O in letters).
const (
	plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
	plateLetters   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	plateDigits    = "0123456789"
	// militaryFirst are the first letters of 2012-style military plates (service or
	// theatre command); the second letter is any plate letter.
	militaryFirst = "VKHBSLJNGCE"
)

// plateStyle is one look of plate: its kind, colour, rows and how to make up a number.
type plateStyle struct {
	kind  plate.Kind
	color string
	rows  int
	gen   func(r *rand.Rand) string
}

// plateStyles lists every kind and colour GA 36 gives a car plate; a set of still
// pictures cycles through them.
var plateStyles = []plateStyle{
	{plate.KindOrdinary, PlateBlue, 1, func(r *rand.Rand) string { return region(r) + ordinarySerial(r) }},
	{plate.KindOrdinary, PlateYellow, 1, func(r *rand.Rand) string { return region(r) + ordinarySerial(r) }},
	{plate.KindOrdinary, PlateYellow, 2, func(r *rand.Rand) string { return region(r) + ordinarySerial(r) }},
	{plate.KindNewEnergySmall, PlateGreen, 1, func(r *rand.Rand) string {
		return region(r) + pick(r, "DF") + pick(r, plateLetters+plateDigits) + digits(r, 4)
	}},
	{plate.KindNewEnergyLarge, PlateGreen, 1, func(r *rand.Rand) string { return region(r) + digits(r, 5) + pick(r, "DF") }},
	{plate.KindPolice, PlateWhite, 1, func(r *rand.Rand) string { return region(r) + digits(r, 4) + "警" }},
	{plate.KindCoach, PlateYellow, 1, func(r *rand.Rand) string { return region(r) + digits(r, 4) + "学" }},
	{plate.KindTrailer, PlateYellow, 2, func(r *rand.Rand) string { return region(r) + digits(r, 4) + "挂" }},
	{plate.KindHongKong, PlateBlack, 1, func(r *rand.Rand) string { return "粤Z" + mixed(r, 4, 1) + "港" }},
	{plate.KindMacau, PlateBlack, 1, func(r *rand.Rand) string { return "粤Z" + mixed(r, 4, 1) + "澳" }},
	{plate.KindEmbassy, PlateBlack, 1, func(r *rand.Rand) string { return "使" + digits(r, 3) + digits(r, 3) }},
	{plate.KindConsulate, PlateBlack, 1, func(r *rand.Rand) string { return region(r) + digits(r, 4) + "领" }},
	{plate.KindMilitary, PlateWhite, 1, func(r *rand.Rand) string {
		return pick(r, militaryFirst) + pick(r, plateLetters) + digits(r, 5)
	}},
	{plate.KindArmedPolice, PlateWhite, 1, func(r *rand.Rand) string {
		return "WJ" + pick(r, plateProvinces) + digits(r, 4) + pick(r, plateDigits+"消边通森金电")
	}},
}

// region is a province and an issuing-authority letter.
func region(r *rand.Rand) string { return pick(r, plateProvinces) + pick(r, plateLetters) }

// ordinarySerial is five digits with up to two of them replaced by letters.
func ordinarySerial(r *rand.Rand) string { return mixed(r, 5, 2) }

// mixed is n characters, digits except for up to maxLetters letters.
func mixed(r *rand.Rand, n, maxLetters int) string {
	rs := []rune(digits(r, n))
	for range r.IntN(maxLetters + 1) {
		rs[r.IntN(n)] = []rune(pick(r, plateLetters))[0]
	}
	return string(rs)
}

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(pick(r, plateDigits))
	}
	return b.String()
}

// pick returns one rune of set, as a string.
func pick(r *rand.Rand, set string) string {
	rs := []rune(set)
	return string(rs[r.IntN(len(rs))])
}
