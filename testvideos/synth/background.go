package synth

import (
	"math"
	"math/rand/v2"
)

// newRand returns the deterministic generator for one purpose of one scene.
func newRand(seed uint64, purpose uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, purpose))
}

// valueNoise is smooth noise: random values on a gx x gy grid, bilinearly interpolated.
type valueNoise struct {
	gx, gy int
	v      []float64
}

func newValueNoise(r *rand.Rand, gx, gy int, amp float64) valueNoise {
	n := valueNoise{gx: gx, gy: gy, v: make([]float64, (gx+1)*(gy+1))}
	for i := range n.v {
		n.v[i] = (r.Float64()*2 - 1) * amp
	}
	return n
}

// at samples the noise at normalized (u, v).
func (n valueNoise) at(u, v float64) float64 {
	x, y := u*float64(n.gx), v*float64(n.gy)
	x0, y0 := min(int(x), n.gx-1), min(int(y), n.gy-1)
	fx, fy := x-float64(x0), y-float64(y0)
	g := func(i, j int) float64 { return n.v[j*(n.gx+1)+i] }
	top := g(x0, y0)*(1-fx) + g(x0+1, y0)*fx
	bot := g(x0, y0+1)*(1-fx) + g(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}

// background renders the static scene: a plaza of paving slabs or a road with kerbs
// and lane markings, with smooth shading and per-pixel grain so that it is not flat.
func background(s Scene) []byte {
	c := &canvas{w: s.Width, h: s.Height, pix: make([]byte, s.Width*s.Height*3)}
	r := newRand(s.Seed, 1)
	broad, mid := newValueNoise(r, 6, 4, 14), newValueNoise(r, 24, 14, 6)
	if s.Background.Kind == "road" {
		drawRoad(c, r, broad, mid)
	} else {
		drawPlaza(c, r, broad, mid)
	}
	return c.pix
}

func drawPlaza(c *canvas, r *rand.Rand, broad, mid valueNoise) {
	sc := float64(c.w) / 640
	tw, th := 48*sc, 24*sc
	rowsN, colsN := int(float64(c.h)/th)+2, int(float64(c.w)/tw)+2
	tiles := make([]float64, rowsN*colsN)
	for i := range tiles {
		tiles[i] = (r.Float64()*2 - 1) * 7
	}
	for y := range c.h {
		v := float64(y) / float64(c.h)
		base := [3]float64{128 + 50*v, 130 + 42*v, 128 + 32*v}
		row := int(float64(y) / th)
		for x := range c.w {
			u := float64(x) / float64(c.w)
			xo := float64(x) + float64(row%2)*tw/2
			col := int(xo / tw)
			d := broad.at(u, v) + mid.at(u, v) + tiles[row*colsN+col] + (r.Float64()*2-1)*5
			if math.Mod(xo, tw) < 2*sc || math.Mod(float64(y), th) < 2*sc {
				d -= 15
			}
			c.set(x, y, rgb{clamp8(base[0] + d), clamp8(base[1] + d), clamp8(base[2] + d)})
		}
	}
	for _, m := range [][3]float64{{0.86, 0.14, 11}, {0.1, 0.9, 9}} {
		cx, cy, rad := m[0]*float64(c.w), m[1]*float64(c.h), m[2]*sc
		c.fillEllipse(cx, cy, rad, rad*0.6, rgb{72, 72, 74})
		c.fillEllipse(cx, cy, rad*0.75, rad*0.45, rgb{92, 90, 88})
	}
}

func drawRoad(c *canvas, r *rand.Rand, broad, mid valueNoise) {
	sc := float64(c.w) / 640
	for y := range c.h {
		v := float64(y) / float64(c.h)
		for x := range c.w {
			u := float64(x) / float64(c.w)
			d := broad.at(u, v)*0.6 + mid.at(u, v) + (r.Float64()*2-1)*9
			base := 94 + 14*v
			if u < 0.1 || u > 0.9 {
				base = 158 + 14*v
				if math.Mod(float64(y), 30*sc) < 2*sc {
					d -= 20
				}
			}
			c.set(x, y, rgb{clamp8(base + d), clamp8(base + d), clamp8(base + 4 + d)})
		}
	}
	kerb := rgb{205, 203, 196}
	c.fillRect(0.1*float64(c.w)-4*sc, 0, 0.1*float64(c.w), float64(c.h), kerb)
	c.fillRect(0.9*float64(c.w), 0, 0.9*float64(c.w)+4*sc, float64(c.h), kerb)
	paint := rgb{222, 222, 214}
	for y := 10 * sc; y < float64(c.h); y += 80 * sc {
		c.fillRect(0.5*float64(c.w)-4*sc, y, 0.5*float64(c.w)+4*sc, y+40*sc, paint)
	}
	c.fillRect(0.1*float64(c.w), 0.86*float64(c.h), 0.9*float64(c.w), 0.86*float64(c.h)+6*sc, paint)
}
