package lpr

import (
	"math"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// The per-pixel passes of candidate search (halving, gray and colour masks, the
// Sobel response) read and write their rows through arrays on their stack, a
// piece of rowPiece pixels at a time. The loops then index fixed arrays, and the
// race detector, which otherwise checks every element access (the passes were
// most of Read's time in -race builds), checks each piece once as a range.
const rowPiece = 128 // a multiple of 64: a piece fills whole mask words

// halve averages pic over 2×2 pixels, into buf (reused when long enough).
func halve(pic plate.Picture, buf []byte) plate.Picture {
	w, h := pic.W/2, pic.H/2
	out := plate.Picture{W: w, H: h, Pix: grow(buf, w*h*3)}
	var a, b [rowPiece * 6]byte
	var o [rowPiece * 3]byte
	for y := range h {
		r0 := pic.Pix[2*y*pic.W*3:]
		r1 := pic.Pix[(2*y+1)*pic.W*3:]
		for x0 := 0; x0 < w; x0 += rowPiece {
			n := min(rowPiece, w-x0)
			copy(a[:n*6], r0[x0*6:])
			copy(b[:n*6], r1[x0*6:])
			for x := range n {
				for k := range 3 {
					i := 6*x + k
					sum := int(a[i]) + int(a[i+3]) + int(b[i]) + int(b[i+3])
					o[3*x+k] = byte((sum + 2) / 4)
				}
			}
			copy(out.Pix[(y*w+x0)*3:], o[:n*3])
		}
	}
	return out
}

// grayAndColors converts pic to gray levels ((r+2g+b)/4) and sorts its pixels into
// the blue, yellow and green masks (hsvClass), in one pass. gray is reused when
// long enough.
func grayAndColors(pic plate.Picture, gray []int32, pool *maskPool) ([]int32, [3]mask) {
	w, h := pic.W, pic.H
	colors := [3]mask{pool.get(w, h), pool.get(w, h), pool.get(w, h)}
	gray = grow(gray, w*h)
	var px [rowPiece * 3]byte
	var gr [rowPiece]int32
	for y := range h {
		for x0 := 0; x0 < w; x0 += rowPiece {
			n := min(rowPiece, w-x0)
			copy(px[:n*3], pic.Pix[(y*w+x0)*3:])
			var words [3][rowPiece / 64]uint64
			for x := range n {
				b, g, r := int32(px[3*x]), int32(px[3*x+1]), int32(px[3*x+2])
				gr[x] = (r + 2*g + b) >> 2
				if k := hsvClass(r, g, b); k != pixNone {
					words[k-1][x/64] |= 1 << (x % 64)
				}
			}
			copy(gray[y*w+x0:], gr[:n])
			for k, m := range colors {
				copy(m.bits[y*m.stride+x0/64:], words[k][:(n+63)/64])
			}
		}
	}
	return gray, colors
}

// sobelX marks the pixels whose horizontal Sobel response stands out: above the
// mean plus two standard deviations of the picture's responses, and at least 48
// (of 1020). resp is scratch for the responses, reused when long enough; sobelX
// returns it.
func sobelX(gray []int32, w, h int, resp []int32, pool *maskPool) (mask, []int32) {
	resp = grow(resp, w*h)
	clear(resp) // the border keeps 0
	var sum, sq float64
	var up, mid, dn [rowPiece + 2]int32
	var rs [rowPiece]int32
	for y := 1; y < h-1; y++ {
		for x0 := 1; x0 < w-1; x0 += rowPiece {
			n := min(rowPiece, w-1-x0)
			// columns x0-1 .. x0+n: pixel x0+x has its neighbours at x and x+2
			copy(up[:n+2], gray[(y-1)*w+x0-1:])
			copy(mid[:n+2], gray[y*w+x0-1:])
			copy(dn[:n+2], gray[(y+1)*w+x0-1:])
			for x := range n {
				gx := (up[x+2] + 2*mid[x+2] + dn[x+2]) - (up[x] + 2*mid[x] + dn[x])
				if gx < 0 {
					gx = -gx
				}
				rs[x] = gx
				sum += float64(gx)
				sq += float64(gx) * float64(gx)
			}
			copy(resp[y*w+x0:], rs[:n])
		}
	}
	n := float64(max(1, (w-2)*(h-2)))
	mean := sum / n
	std := math.Sqrt(math.Max(0, sq/n-mean*mean))
	t := int32(math.Max(48, mean+2*std))
	m := pool.get(w, h)
	for y := range h {
		for x0 := 0; x0 < w; x0 += rowPiece {
			n := min(rowPiece, w-x0)
			copy(rs[:n], resp[y*w+x0:])
			var words [rowPiece / 64]uint64
			for x := range n {
				if rs[x] > t {
					words[x/64] |= 1 << (x % 64)
				}
			}
			copy(m.bits[y*m.stride+x0/64:], words[:(n+63)/64])
		}
	}
	return m, resp
}
