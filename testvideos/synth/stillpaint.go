package synth

import (
	"math"
	"math/rand/v2"
)

// warp places a plate picture on the canvas: centred at (cx, cy), its width scaled by
// squeeze (a plate seen at a yaw angle), with keystone k (the top edge (1-k/2) and the
// bottom edge (1+k/2) of that width: a camera above or below), then rotated by angle
// degrees, clockwise on screen (OpenCV's RotatedRect convention). Each pixel is
// sampled 2x2 times, bilinearly, so the edges blend into what is below.
type warp struct {
	cx, cy, angle, squeeze, keystone float64
}

// corners returns the plate's four corners on screen, top-left first, clockwise.
func (wp warp) corners(w, h float64) [4][2]float64 {
	var out [4][2]float64
	for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		v := c[1] * h / 2
		u := c[0] * w / 2 * wp.squeeze * (1 + wp.keystone*v/h)
		out[i] = wp.forward(u, v)
	}
	return out
}

func (wp warp) forward(u, v float64) [2]float64 {
	s, c := math.Sincos(wp.angle * math.Pi / 180)
	return [2]float64{wp.cx + u*c - v*s, wp.cy + u*s + v*c}
}

// draw paints pi onto c.
func (wp warp) draw(c *canvas, pi *plateImage) {
	w, h := float64(pi.w), float64(pi.h)
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range wp.corners(w, h) {
		x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
	}
	s, co := math.Sincos(wp.angle * math.Pi / 180)
	for y := max(0, int(y0)); y <= min(c.h-1, int(y1)); y++ {
		for x := max(0, int(x0)); x <= min(c.w-1, int(x1)); x++ {
			var sum [3]float64
			n := 0
			for _, o := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				dx, dy := float64(x)+o[0]-wp.cx, float64(y)+o[1]-wp.cy
				u, v := dx*co+dy*s, -dx*s+dy*co
				u /= wp.squeeze * (1 + wp.keystone*v/h)
				if math.Abs(u) >= w/2 || math.Abs(v) >= h/2 {
					continue
				}
				col := pi.bilinear(u+w/2-0.5, v+h/2-0.5)
				for k := range 3 {
					sum[k] += col[k]
				}
				n++
			}
			if n == 0 {
				continue
			}
			i := (y*c.w + x) * 3
			for k := range 3 {
				c.pix[i+k] = clamp8((sum[k] + float64(4-n)*float64(c.pix[i+k])) / 4)
			}
		}
	}
}

// bilinear samples the plate at pixel coordinates (centres at integers), clamped.
func (pi *plateImage) bilinear(x, y float64) [3]float64 {
	x = min(max(x, 0), float64(pi.w-1))
	y = min(max(y, 0), float64(pi.h-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, pi.w-1), min(y0+1, pi.h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	var out [3]float64
	for k := range 3 {
		top := float64(pi.pix[y0*pi.w+x0][k])*(1-fx) + float64(pi.pix[y0*pi.w+x1][k])*fx
		bot := float64(pi.pix[y1*pi.w+x0][k])*(1-fx) + float64(pi.pix[y1*pi.w+x1][k])*fx
		out[k] = top*(1-fy) + bot*fy
	}
	return out
}

// light scales the picture by gain, with a left-to-right ramp of ±ramp/2 and a
// slight colour cast (per-channel factors).
func light(c *canvas, gain, ramp float64, cast [3]float64) {
	for y := range c.h {
		for x := range c.w {
			f := gain * (1 + ramp*(float64(x)/float64(c.w)-0.5))
			i := (y*c.w + x) * 3
			for k := range 3 {
				c.pix[i+k] = clamp8(float64(c.pix[i+k]) * f * cast[k])
			}
		}
	}
}

// blur applies a separable Gaussian of the given sigma in pixels (none below 0.2),
// clamping at the picture's edges.
func blur(c *canvas, sigma float64) {
	if sigma < 0.2 {
		return
	}
	rad := int(math.Ceil(2.5 * sigma))
	kern := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range kern {
		d := float64(i - rad)
		kern[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += kern[i]
	}
	for i := range kern {
		kern[i] /= sum
	}
	tmp := make([]float64, len(c.pix))
	for y := range c.h {
		row := c.pix[y*c.w*3 : (y+1)*c.w*3]
		for x := range c.w {
			var v [3]float64
			for j, kv := range kern {
				xx := min(max(x+j-rad, 0), c.w-1) * 3
				v[0] += kv * float64(row[xx])
				v[1] += kv * float64(row[xx+1])
				v[2] += kv * float64(row[xx+2])
			}
			copy(tmp[(y*c.w+x)*3:], v[:])
		}
	}
	stride := c.w * 3
	for y := range c.h {
		for i := y * stride; i < (y+1)*stride; i++ {
			v := 0.0
			for j, kv := range kern {
				yy := min(max(y+j-rad, 0), c.h-1)
				v += kv * tmp[i+(yy-y)*stride]
			}
			c.pix[i] = clamp8(v)
		}
	}
}

// grain adds sensor noise: the sum of two uniform bytes, centred and scaled to
// [-amp, amp] (a triangle distribution), per byte; one random word serves four bytes.
func grain(c *canvas, r *rand.Rand, amp float64) {
	var word uint64
	for i, b := range c.pix {
		if i%4 == 0 {
			word = r.Uint64()
		}
		n := (float64(word&0xff)+float64(word>>8&0xff))/255 - 1
		word >>= 16
		c.pix[i] = clamp8(float64(b) + n*amp)
	}
}

// bumper paints the front of a vehicle around a plate for close-up pictures: the
// body colour in a band, a dark grille above the plate and a lower intake below.
func bumper(c *canvas, r *rand.Rand, body rgb, pcx, pcy, pw, ph float64) {
	top, bottom := pcy-(2+r.Float64())*ph, pcy+(1.4+r.Float64())*ph
	c.fillRect(0, top, float64(c.w), bottom, body)
	c.fillRect(0, top, float64(c.w), top+0.15*ph, body.shade(1.15))
	gw := pw * (1.2 + 0.8*r.Float64())
	c.fillRect(pcx-gw/2, top+0.3*ph, pcx+gw/2, pcy-0.85*ph, rgb{30, 30, 33})
	for y := top + 0.4*ph; y < pcy-0.9*ph; y += 0.25 * ph {
		c.fillRect(pcx-gw/2, y, pcx+gw/2, y+0.06*ph, rgb{70, 70, 74})
	}
	c.fillRect(pcx-0.62*pw, pcy-0.68*ph, pcx+0.62*pw, pcy+0.68*ph, body.shade(0.55)) // plate recess
	c.fillRect(pcx-0.9*pw, pcy+0.9*ph, pcx+0.9*pw, bottom-0.15*ph, rgb{38, 38, 40})
}
