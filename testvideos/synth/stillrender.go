package synth

import (
	"math"
	"math/rand/v2"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Still picture modes.
const (
	StillCar     = "car"     // a whole car front on a road, plate 80-150 px wide
	StillCloseUp = "closeup" // the plate area of a bumper filling the picture, plate 80-220 px wide
)

// stillPlan is everything random about one still picture, drawn before any pixel.
type stillPlan struct {
	style    plateStyle
	text     string
	mode     string
	pw, ph   float64 // plate size in pixels before the squeeze
	wp       warp
	body     rgb
	bgKind   string
	gain     float64
	ramp     float64
	cast     [3]float64
	sigma    float64
	noise    float64
	quality  int
	noiseRNG *rand.Rand
}

// planStill draws the random choices of picture i from its own generator, so each
// picture depends only on the seed and its index.
func planStill(o StillOptions, i int) stillPlan {
	r := newRand(o.Seed, 1000+uint64(i))
	p := stillPlan{style: plateStyles[i%len(plateStyles)], mode: StillCloseUp}
	p.text = p.style.gen(r)
	if i%3 == 0 {
		p.mode = StillCar
	}
	mmW, mmH := plateSizeMM(p.text, p.style.rows)
	W, H := float64(o.Width), float64(o.Height)
	// The on-screen width (after the squeeze) is 80-150 px on a car, 80-220 px close up.
	if p.mode == StillCar {
		p.wp = warp{angle: 6*r.Float64() - 3, squeeze: 0.92 + 0.08*r.Float64(), keystone: 0.06*r.Float64() - 0.03}
		p.pw = math.Round((80 + 70*r.Float64()) / p.wp.squeeze)
	} else {
		p.wp = warp{angle: 20*r.Float64() - 10, squeeze: 0.8 + 0.2*r.Float64(), keystone: 0.12*r.Float64() - 0.06}
		p.pw = math.Round((80 + 140*r.Float64()) / p.wp.squeeze)
	}
	p.ph = math.Round(p.pw * mmH / mmW)
	// The plate centre: inside the picture with a margin, low enough in car mode for
	// the car body above it.
	p.wp.cx = math.Round(p.pw*0.75 + (W-1.5*p.pw)*r.Float64())
	yMin := p.ph * 3
	if p.mode == StillCar {
		yMin = p.pw / 0.3 / 1.3 * 0.75
	}
	p.wp.cy = math.Round(yMin + (H-p.ph*2-yMin)*r.Float64())
	// Keep the whole (rotated) plate inside the picture, whatever the picture size.
	b := p.box().Bounds()
	hx, hy := float64(b.Dx())/2+2, float64(b.Dy())/2+2
	p.wp.cx = math.Round(min(max(p.wp.cx, hx), W-hx))
	p.wp.cy = math.Round(min(max(p.wp.cy, hy), H-hy))
	p.body = rgb(carPalette[r.IntN(len(carPalette))])
	p.bgKind = []string{"road", "plaza"}[r.IntN(2)]
	p.gain = 0.55 + 0.7*r.Float64()
	p.ramp = 0.8*r.Float64() - 0.4
	for k := range p.cast {
		p.cast[k] = 0.92 + 0.16*r.Float64()
	}
	p.sigma = 1.3 * r.Float64()
	p.noise = 1 + 7*r.Float64()
	p.quality = 60 + r.IntN(36)
	p.noiseRNG = newRand(o.Seed, 1_000_000+uint64(i))
	return p
}

// box is the plate's truth: centre, size along its own axes, rotation.
func (p stillPlan) box() RotatedBox {
	return RotatedBox{CX: p.wp.cx, CY: p.wp.cy, W: math.Round(p.pw * p.wp.squeeze), H: p.ph, Angle: p.wp.angle}
}

// render draws the picture: background, car or bumper, the warped plate, then
// lighting, blur and noise.
func (p stillPlan) render(o StillOptions, i int, glyphs map[rune]glyph) *canvas {
	bgScene := Scene{Width: o.Width, Height: o.Height, Seed: o.Seed*7919 + uint64(i), Background: Background{Kind: p.bgKind}}
	c := &canvas{w: o.Width, h: o.Height, pix: background(bgScene)}
	if p.mode == StillCar {
		// The car whose plate rectangle (placed.plateRect) is this plate.
		mmW, _ := plateSizeMM(p.text, p.style.rows)
		carW := p.pw / 0.3 * plateMMDefaultW / mmW
		carH := carW / 1.3
		footY := p.wp.cy + 0.27*carH
		drawCar(c, placed{a: Actor{Class: ClassCar, Color: p.body}, x0: p.wp.cx - carW/2, y0: footY - carH,
			x1: p.wp.cx + carW/2, y1: footY, fw: o.Width, fh: o.Height}, nil)
	} else {
		bumper(c, newRand(o.Seed, 2_000_000+uint64(i)), p.body, p.wp.cx, p.wp.cy, p.pw, p.ph)
	}
	pi := renderPlate(p.text, p.style.color, p.style.rows, glyphs, int(p.pw), int(p.ph))
	p.wp.draw(c, pi)
	light(c, p.gain, p.ramp, p.cast)
	blur(c, p.sigma)
	grain(c, p.noiseRNG, p.noise)
	return c
}

// chineseColor is the EasyPR colour label: 蓝牌 黄牌 绿牌 白牌 黑牌.
func chineseColor(color string) string {
	c, err := plate.ParseColor(color)
	if err != nil {
		return plate.ColorUnknown.Chinese() + "牌"
	}
	return c.Chinese() + "牌"
}
