package synth

import "math"

// The plate font: GA 36 digits and letters are drawn with a uniform stroke of about
// 10 mm in a 45×90 mm cell, straight lines and round bowls, unlike any desktop
// font (its 1 is a plain bar, its 0 a stadium). We approximate it with skeletons —
// polylines and elliptical arcs in cell millimetres — and a distance field, so it
// takes the same stroke-weight changes as the font glyphs.

// stroke is one polyline of a skeleton.
type stroke []Point

// arc returns points on the ellipse centred at (cx, cy) with radii rx, ry from
// angle a0 to a1 (degrees; 0 is right, 90 is down).
func arc(cx, cy, rx, ry, a0, a1 float64) stroke {
	n := max(2, int(math.Abs(a1-a0)/10)+1)
	s := make(stroke, n)
	for i := range s {
		a := (a0 + (a1-a0)*float64(i)/float64(n-1)) * math.Pi / 180
		s[i] = Point{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	return s
}

func line(pts ...float64) stroke {
	s := make(stroke, len(pts)/2)
	for i := range s {
		s[i] = Point{pts[2*i], pts[2*i+1]}
	}
	return s
}

func join(parts ...stroke) stroke {
	var s stroke
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// Cell geometry of the skeletons: the stroke's centre stays half a stroke inside.
const (
	fontW      = 45.0
	fontH      = 90.0
	fontStroke = 10.0
	l, r       = 5.0, 40.0 // left and right skeleton columns
	t, b       = 5.0, 85.0 // top and bottom skeleton rows
	mid        = 45.0
	rad        = 17.5 // bowl radius of 0, C, D, U, J
)

// skeletons returns the plate-font skeleton of every digit and letter.
func skeletons() map[rune][]stroke {
	top := arc(22.5, t+rad, rad, rad, 180, 360)
	bot := arc(22.5, b-rad, rad, rad, 0, 180)
	return map[rune][]stroke{
		'0': {join(top, line(r, t+rad, r, b-rad), bot, line(l, b-rad, l, t+rad))},
		'1': {line(24, t, 24, b), line(24, t, 13, 15)},
		'2': {join(arc(22.5, t+rad, rad, rad, 180, 390), line(l, b, r, b))},
		'3': {line(l, t, r, t, 20, 38), arc(22.5, 61, 19, 24, 260, 520)},
		'4': {line(30, b, 30, t, l, 62, r+2, 62)},
		'5': {line(r-2, t, 8, t, 7, 41), arc(22.5, 61, 18, 24, 215, 505)},
		'6': {join(arc(22.5, t+rad, rad, rad, 330, 180), line(l, t+rad, l, 62)), arc(22.5, 64, rad, 21, 0, 360)},
		'7': {line(l, t, r, t, 16, b)},
		'8': {arc(22.5, 24, 16, 19, 0, 360), arc(22.5, 64, rad, 21, 0, 360)},
		'9': {arc(22.5, 26, rad, 21, 0, 360), join(line(r, 26, r, b-rad), arc(22.5, b-rad, rad, rad, 0, 150))},
		'A': {line(l, b, 22.5, t, r, b), line(11, 60, 34, 60)},
		'B': {join(line(l, mid-1, l, t, 26, t), arc(26, 24, 14, 19, 270, 450), line(26, 43, l, 43)),
			join(line(l, 43, 26, 43), arc(26, 64, 14, 21, 270, 450), line(26, b, l, b, l, 43))},
		'C': {join(arc(22.5, t+rad, rad, rad, 340, 180), line(l, t+rad, l, b-rad), arc(22.5, b-rad, rad, rad, 180, 20))},
		'D': {join(line(l, t, 20, t), arc(20, t+20, 20, 20, 270, 360), line(r, t+20, r, b-20), arc(20, b-20, 20, 20, 0, 90), line(20, b, l, b, l, t))},
		'E': {line(r, t, l, t, l, b, r, b), line(l, mid, 34, mid)},
		'F': {line(r, t, l, t, l, b), line(l, mid, 34, mid)},
		'G': {join(arc(22.5, t+rad, rad, rad, 340, 180), line(l, t+rad, l, b-rad), arc(22.5, b-rad, rad, rad, 180, 0), line(r, b-rad, r, 48, 24, 48))},
		'H': {line(l, t, l, b), line(r, t, r, b), line(l, mid, r, mid)},
		'J': {join(line(r, t, r, b-rad), arc(22.5, b-rad, rad, rad, 0, 180), line(l, b-rad, l, 58))},
		'K': {line(l, t, l, b), line(r, t, l, 58), line(18, 44, r, b)},
		'L': {line(l, t, l, b, r, b)},
		'M': {line(l, b, l, t, 22.5, 58, r, t, r, b)},
		'N': {line(l, b, l, t, r, b, r, t)},
		'P': {join(line(l, b, l, t, 24, t), arc(24, 25, 16, 20, 270, 450), line(24, 45, l, 45))},
		'Q': {join(top, line(r, t+rad, r, b-rad), bot, line(l, b-rad, l, t+rad)), line(25, 66, r+2, b+2)},
		'R': {join(line(l, b, l, t, 24, t), arc(24, 24, 16, 19, 270, 450), line(24, 43, l, 43)), line(22, 43, r, b)},
		'S': {join(arc(22.5, 24, rad, 19, 340, 180), arc(22.5, 24, rad, 19, 180, 90)), join(arc(22.5, 64, rad, 21, 270, 450), arc(22.5, 64, rad, 21, 90, 200))},
		'T': {line(2, t, 43, t), line(22.5, t, 22.5, b)},
		'U': {join(line(l, t, l, b-rad), arc(22.5, b-rad, rad, rad, 180, 0), line(r, b-rad, r, t))},
		'V': {line(l, t, 22.5, b, r, t)},
		'W': {line(2, t, 12, b, 22.5, 32, 33, b, 43, t)},
		'X': {line(l, t, r, b), line(r, t, l, b)},
		'Y': {line(l, t, 22.5, 46, r, t), line(22.5, 46, 22.5, b)},
		'Z': {line(l, t, r, t, l, b, r, b)},
	}
}

// plateFontScale is the master resolution of skeleton shapes, pixels per mm.
const plateFontScale = 2

// skeletonShape turns a skeleton into a distance-field Shape of the 45×90 mm cell
// (narrow glyphs such as 1 get their own ink box).
func skeletonShape(strokes []stroke) *Shape {
	half := fontStroke / 2
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, s := range strokes {
		for _, p := range s {
			x0, x1 = math.Min(x0, p.X-half), math.Max(x1, p.X+half)
		}
	}
	x0, x1 = math.Max(0, x0), math.Min(fontW, x1)
	k := float64(plateFontScale)
	w, h := int(math.Round((x1-x0)*k)), int(fontH*k)
	p := shapePad
	sh := &Shape{Font: "plate-skeleton", W: w, H: h, pad: p, sd: make([]float32, (w+2*p)*(h+2*p))}
	for y := range h + 2*p {
		for x := range w + 2*p {
			mx := x0 + (float64(x-p)+0.5)/k
			my := (float64(y-p) + 0.5) / k
			d := math.Inf(1)
			for _, s := range strokes {
				for i := 1; i < len(s); i++ {
					d = math.Min(d, segDist(mx, my, s[i-1], s[i]))
				}
			}
			sh.sd[y*(w+2*p)+x] = float32((half - d) * k)
		}
	}
	return sh
}

// segDist is the distance from (x, y) to the segment a–b.
func segDist(x, y float64, a, b Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((x-a.X)*dx+(y-a.Y)*dy)/l2))
	}
	return math.Hypot(x-a.X-t*dx, y-a.Y-t*dy)
}
