package plate

// Plate colour from pixels, without a model.
//
// Every sampled pixel of the plate's inner area (the outer 6 % of each side is left out:
// frame, rivets, the car around a loose crop) is sorted by HSV. A pixel with some
// saturation (≥ 0.2) and not black votes for its hue group — blue, yellow, green, or red
// (the 警 and military characters; red never decides) — with its saturation as weight,
// so a deep blue counts more than a washed-out one but both count: real blue plates are
// often dark (shade, exposure for the headlights) or pale (glare, haze). A grey pixel
// (unsaturated, or nearly black) keeps its value. The background is the largest part of every plate (the
// characters cover about a third), so:
//   - the hue group with the largest weight names a blue, yellow or green plate when
//     its weight is at least chromaMin of the area (a fully saturated background
//     covering two thirds weighs about 0.6; a pale one 0.15);
//   - otherwise the grey pixels, split at their mean value into plate and
//     characters, decide: mostly the brighter part is a white plate (black
//     characters), mostly the darker a black one, in any light.
//
// The confidence is the winner's share against its rival, scaled down when the
// evidence is thin (little colour, or few decided pixels). Shadows and sodium lights
// shift hues; the engines prefer a colour model, when configured, for blue, yellow and
// green, and trust this classifier for white and black.

import (
	"math"
	"slices"
)

const (
	colorBorder    = 0.06 // fraction of each side left out
	colorMaxSample = 4096 // pixels sampled at most
	// chromaMin is the saturation-weighted share of one hue that names a
	// chromatic plate.
	chromaMin = 0.08
	// minDecided is the share of pixels that must be grey to name a white or
	// black plate.
	minDecided = 0.3
	// minContrast is the value range grey pixels must span to hold characters.
	minContrast = 0.25
)

type colorBin int

const (
	binNone colorBin = iota
	binBlue
	binYellow
	binGreen
	binRed
	binGrey // weight: the pixel's value
	binCount
)

// ClassifyColor returns the background colour of a plate crop and a confidence in
// [0, 1]. It returns ColorUnknown with 0 for an invalid, featureless or tiny (under
// 8×4 pixels) picture.
func ClassifyColor(p Picture) (Color, float64) {
	if !p.Valid() || p.W < 8 || p.H < 4 {
		return ColorUnknown, 0
	}
	x0, x1 := int(float64(p.W)*colorBorder), p.W-int(float64(p.W)*colorBorder)
	y0, y1 := int(float64(p.H)*colorBorder), p.H-int(float64(p.H)*colorBorder)
	if x1 <= x0 || y1 <= y0 {
		return ColorUnknown, 0
	}
	step := max(1, int(math.Sqrt(float64((x1-x0)*(y1-y0))/colorMaxSample)))
	var weight [binCount]float64 // saturation-weighted for hues
	var grey []float64           // the values of the grey pixels
	n := 0.0
	for y := y0; y < y1; y += step {
		row := p.Pix[y*p.W*3:]
		for x := x0; x < x1; x += step {
			b, g, r := row[x*3], row[x*3+1], row[x*3+2]
			bin, w := pixelBin(r, g, b)
			if bin == binGrey {
				grey = append(grey, w)
				continue
			}
			weight[bin] += w
			n++
		}
	}
	n += float64(len(grey))
	if n == 0 {
		return ColorUnknown, 0
	}
	for i := range weight {
		weight[i] /= n
	}
	best, bestW, second := ColorUnknown, 0.0, 0.0
	for _, k := range []struct {
		bin colorBin
		c   Color
	}{{binBlue, ColorBlue}, {binYellow, ColorYellow}, {binGreen, ColorGreen}} {
		if w := weight[k.bin]; w > bestW {
			second = bestW
			best, bestW = k.c, w
		} else {
			second = max(second, w)
		}
	}
	if bestW >= chromaMin {
		conf := bestW / (bestW + second) * min(1, bestW/(2*chromaMin))
		return best, conf
	}
	// White or black: the grey pixels split at their mean value into the plate
	// and its characters, and the larger part is the plate. That holds in any
	// light: a white plate at dusk is mid-grey with near-black characters.
	if float64(len(grey)) < minDecided*n {
		return ColorUnknown, 0
	}
	mean := 0.0
	for _, v := range grey {
		mean += v
	}
	mean /= float64(len(grey))
	var light, dark float64
	for _, v := range grey {
		if v > mean {
			light++
		} else {
			dark++
		}
	}
	if slices.Max(grey)-slices.Min(grey) < minContrast {
		// One grey: the plate, if coloured characters (red 警) stand on it.
		switch {
		case weight[binRed] < 0.05:
			return ColorUnknown, 0 // featureless: no characters on it
		case mean >= 0.45:
			return ColorWhite, 0.6
		case mean <= 0.3:
			return ColorBlack, 0.6
		}
		return ColorUnknown, 0
	}
	// Some colour left means a pale or dark chromatic plate is possible.
	doubt := 1 - bestW/chromaMin*0.25
	if light >= dark {
		return ColorWhite, light / (light + dark) * doubt
	}
	return ColorBlack, dark / (light + dark) * doubt
}

// pixelBin sorts one pixel by hue, saturation and value (hue in degrees) and
// returns its weight: the saturation for a hue, the value for a grey pixel
// (black or unsaturated), 0 for neither.
func pixelBin(r, g, b byte) (colorBin, float64) {
	mx := max(r, g, b)
	mn := min(r, g, b)
	v := float64(mx) / 255
	if v < 0.12 {
		return binGrey, v
	}
	s := float64(mx-mn) / float64(mx)
	if s < 0.2 {
		return binGrey, v
	}
	h := hue(float64(r), float64(g), float64(b), float64(mx), float64(mn))
	switch {
	case h < 20 || h >= 330:
		return binRed, s
	case h < 28:
		return binNone, 0 // orange: between red characters and a yellow plate
	case h < 70:
		return binYellow, s
	case h < 170:
		return binGreen, s
	case h < 185:
		return binNone, 0 // cyan
	case h < 265:
		return binBlue, s
	default:
		return binNone, 0
	}
}

func hue(r, g, b, mx, mn float64) float64 {
	d := mx - mn
	var h float64
	switch mx {
	case r:
		h = math.Mod((g-b)/d, 6)
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	return h
}
