package synth

import "math"

// Palettes picked by actor ID when a scene gives no colour: darker or saturated clothes
// that stand out from the light paving, and common car colours.
var (
	palette    = [][3]uint8{{40, 60, 120}, {150, 35, 35}, {35, 95, 50}, {60, 60, 66}, {110, 70, 40}, {90, 40, 110}, {20, 110, 130}, {140, 100, 20}}
	carPalette = [][3]uint8{{225, 225, 228}, {40, 40, 45}, {165, 30, 30}, {150, 155, 160}, {30, 60, 130}, {200, 190, 170}}
	pantsTones = []rgb{{30, 30, 40}, {45, 50, 70}, {55, 45, 35}, {25, 25, 25}, {70, 70, 75}}
	skinTones  = []rgb{{224, 180, 150}, {190, 140, 100}, {150, 100, 70}, {236, 196, 168}}
	hairTones  = []rgb{{20, 18, 16}, {60, 40, 25}, {35, 30, 28}, {110, 80, 50}}
)

// placed is an actor's box at one foot point, in pixels (unclipped).
type placed struct {
	a              Actor
	x0, y0, x1, y1 float64
	fw, fh         int
}

func place(a Actor, foot Point, fw, fh int) placed {
	h := a.Height * float64(fh)
	w := h * a.Aspect
	fx, fy := foot.X*float64(fw), foot.Y*float64(fh)
	return placed{a: a, x0: fx - w/2, y0: fy - h, x1: fx + w/2, y1: fy, fw: fw, fh: fh}
}

// visible is the fraction of the box inside the picture.
func (p placed) visible() float64 {
	iw := min(p.x1, float64(p.fw)) - max(p.x0, 0)
	ih := min(p.y1, float64(p.fh)) - max(p.y0, 0)
	if iw <= 0 || ih <= 0 {
		return 0
	}
	return iw * ih / ((p.x1 - p.x0) * (p.y1 - p.y0))
}

// clipped is the box clipped to the picture, normalized.
func (p placed) clipped() Box {
	return Box{
		X1: max(p.x0, 0) / float64(p.fw), Y1: max(p.y0, 0) / float64(p.fh),
		X2: min(p.x1, float64(p.fw)) / float64(p.fw), Y2: min(p.y1, float64(p.fh)) / float64(p.fh),
	}
}

// plateRect is where a car's plate is drawn, in pixels: 30% of the car's width for a
// 440 mm plate (wider for a 480 mm new-energy plate), with the plate's proportions
// (440:140, 480:140, or 440:220 for double-row plates), centred low on the front.
func (p placed) plateRect() (x0, y0, x1, y1 float64) {
	w, h := p.x1-p.x0, p.y1-p.y0
	mmW, mmH := plateSizeMM(p.a.Plate, p.a.PlateRows)
	pw := math.Round(0.30 * w)
	if mmW != plateMMDefaultW {
		pw = math.Round(0.30 * w * mmW / plateMMDefaultW)
	}
	ph := math.Round(pw * mmH / mmW)
	cx, cy := (p.x0+p.x1)/2, p.y1-0.27*h
	x0, y0 = math.Round(cx-pw/2), math.Round(cy-ph/2)
	return x0, y0, x0 + pw, y0 + ph
}

// plateBox is the plate rectangle normalized; false for people.
func (p placed) plateBox() (Box, bool) {
	if p.a.Class != ClassCar {
		return Box{}, false
	}
	x0, y0, x1, y1 := p.plateRect()
	return Box{X1: x0 / float64(p.fw), Y1: y0 / float64(p.fh), X2: x1 / float64(p.fw), Y2: y1 / float64(p.fh)}, true
}

// drawPerson draws a standing figure filling the box: head, torso, arms, legs with an
// optional gait. Legs scissor sideways when walking across the picture and lift when
// walking towards or away from the camera.
func drawPerson(c *canvas, p placed, st state) {
	id := p.a.ID
	shirt, pants := rgb(p.a.Color), pantsTones[id%len(pantsTones)]
	skin, hair := skinTones[id%len(skinTones)], hairTones[id%len(hairTones)]
	w, h := p.x1-p.x0, p.y1-p.y0
	cx, top, bottom := (p.x0+p.x1)/2, p.y0, p.y1

	var swing, liftL, liftR float64
	if st.moving && !p.a.Still {
		phase := 2 * math.Pi * st.dist / (0.8 * h)
		sgn := 1.0
		if st.dir.X < 0 {
			sgn = -1
		}
		swing = 0.2 * w * math.Sin(phase) * math.Abs(st.dir.X) * sgn
		liftL = 0.05 * h * max(0, math.Sin(phase)) * math.Abs(st.dir.Y)
		liftR = 0.05 * h * max(0, -math.Sin(phase)) * math.Abs(st.dir.Y)
	}
	hipY := top + 0.5*h
	for _, leg := range []struct{ hipX, footX, footY float64 }{
		{cx - 0.13*w, cx - 0.13*w - swing, bottom - liftL},
		{cx + 0.13*w, cx + 0.13*w + swing, bottom - liftR},
	} {
		c.fillLimb(leg.hipX, hipY, leg.footX, leg.footY-0.035*h, 0.24*w, 0.18*w, pants)
		c.fillRect(leg.footX-0.12*w, leg.footY-0.04*h, leg.footX+0.12*w, leg.footY, rgb{28, 26, 24})
	}
	c.fillRect(cx-0.3*w, top+0.48*h, cx+0.3*w, top+0.58*h, pants)
	torso := []Point{{X: cx - 0.37*w, Y: top + 0.2*h}, {X: cx + 0.37*w, Y: top + 0.2*h}, {X: cx + 0.3*w, Y: top + 0.53*h}, {X: cx - 0.3*w, Y: top + 0.53*h}}
	c.fillPoly(torso, shirt)
	c.fillPoly([]Point{torso[1], {X: cx + 0.18*w, Y: top + 0.2*h}, {X: cx + 0.15*w, Y: top + 0.53*h}, torso[2]}, shirt.shade(0.8))
	for _, side := range []float64{-1, 1} {
		c.fillLimb(cx+side*0.39*w, top+0.21*h, cx+side*0.42*w, top+0.49*h, 0.16*w, 0.12*w, shirt.shade(0.9))
		c.fillEllipse(cx+side*0.42*w, top+0.51*h, 0.07*w, 0.03*h, skin)
	}
	c.fillRect(cx-0.07*w, top+0.14*h, cx+0.07*w, top+0.21*h, skin.shade(0.9))
	c.fillEllipse(cx, top+0.085*h, 0.082*h, 0.085*h, hair)
	c.fillEllipse(cx, top+0.1*h, 0.074*h, 0.076*h, skin)
}

// drawCar draws a car seen from the front, filling the box: cabin and windscreen, body,
// headlights, grille, bumper, tyres, and the plate image when it has one.
func drawCar(c *canvas, p placed, plate *plateImage) {
	body := rgb(p.a.Color)
	w, h := p.x1-p.x0, p.y1-p.y0
	cx, top, bottom := (p.x0+p.x1)/2, p.y0, p.y1
	tyre := rgb{22, 22, 24}
	c.fillRect(cx-0.46*w, bottom-0.16*h, cx-0.28*w, bottom, tyre)
	c.fillRect(cx+0.28*w, bottom-0.16*h, cx+0.46*w, bottom, tyre)
	c.fillPoly([]Point{{X: cx - 0.34*w, Y: top}, {X: cx + 0.34*w, Y: top}, {X: cx + 0.45*w, Y: top + 0.45*h}, {X: cx - 0.45*w, Y: top + 0.45*h}}, body.shade(0.95))
	c.fillPoly([]Point{{X: cx - 0.3*w, Y: top + 0.06*h}, {X: cx + 0.3*w, Y: top + 0.06*h}, {X: cx + 0.39*w, Y: top + 0.41*h}, {X: cx - 0.39*w, Y: top + 0.41*h}}, rgb{48, 58, 72})
	c.fillPoly([]Point{{X: cx + 0.05*w, Y: top + 0.06*h}, {X: cx + 0.15*w, Y: top + 0.06*h}, {X: cx - 0.02*w, Y: top + 0.41*h}, {X: cx - 0.12*w, Y: top + 0.41*h}}, rgb{70, 82, 98})
	c.fillRect(cx-0.5*w, top+0.36*h, cx-0.44*w, top+0.43*h, body.shade(0.8))
	c.fillRect(cx+0.44*w, top+0.36*h, cx+0.5*w, top+0.43*h, body.shade(0.8))
	c.fillRect(cx-0.49*w, top+0.45*h, cx+0.49*w, bottom-0.1*h, body)
	c.fillRect(cx-0.49*w, top+0.45*h, cx+0.49*w, top+0.5*h, body.shade(1.08))
	c.fillRect(cx-0.46*w, top+0.53*h, cx-0.3*w, top+0.62*h, rgb{235, 235, 215})
	c.fillRect(cx+0.3*w, top+0.53*h, cx+0.46*w, top+0.62*h, rgb{235, 235, 215})
	c.fillRect(cx-0.22*w, top+0.53*h, cx+0.22*w, top+0.63*h, rgb{35, 35, 38})
	c.fillRect(cx-0.5*w, bottom-0.22*h, cx+0.5*w, bottom-0.1*h, body.shade(0.7))
	if plate != nil {
		x0, y0, _, _ := p.plateRect()
		plate.draw(c, int(x0), int(y0))
	}
}
