package lpr

import "math/bits"

// mask is a binary picture, row-major, 64 pixels to a word: pixel x of row y is
// bit x%64 of bits[y*stride+x/64]. Bits past w in a row's last word are always 0.
// Morphology and labelling work a word at a time, which makes them cheap (and
// cheap under the race detector, which checks every memory access).
type mask struct {
	w, h   int
	stride int // words per row
	bits   []uint64
	// pool, when not nil, gives the words of the masks derived from this one and
	// takes back those released.
	pool *maskPool
}

func newMask(w, h int) mask {
	s := (w + 63) / 64
	return mask{w: w, h: h, stride: s, bits: make([]uint64, s*h)}
}

// maskPool keeps the words of released masks for the next ones (see scratch).
type maskPool struct{ free [][]uint64 }

// get returns a cleared w×h mask that derives its masks from p (a nil p: a new
// mask without a pool).
func (p *maskPool) get(w, h int) mask {
	if p == nil {
		return newMask(w, h)
	}
	s := (w + 63) / 64
	m := mask{w: w, h: h, stride: s, pool: p}
	for i, b := range p.free {
		if cap(b) >= s*h {
			p.free[i] = p.free[len(p.free)-1]
			p.free = p.free[:len(p.free)-1]
			m.bits = b[:s*h]
			clear(m.bits)
			return m
		}
	}
	m.bits = make([]uint64, s*h)
	return m
}

// like returns a new cleared mask of m's size, from m's pool if it has one.
func (m mask) like() mask {
	if m.pool != nil {
		return m.pool.get(m.w, m.h)
	}
	return newMask(m.w, m.h)
}

// release gives m's words back to its pool (if any); m must not be used after.
func (m mask) release() {
	if m.pool != nil {
		m.pool.free = append(m.pool.free, m.bits)
	}
}

// at reports whether pixel (x, y) is set.
func (m mask) at(x, y int) bool { return m.bits[y*m.stride+x/64]>>(x%64)&1 != 0 }

// set sets pixel (x, y).
func (m mask) set(x, y int) { m.bits[y*m.stride+x/64] |= 1 << (x % 64) }

// row returns row y's words.
func (m mask) row(y int) []uint64 { return m.bits[y*m.stride : (y+1)*m.stride] }

// tail is the mask of the valid bits of a row's last word.
func (m mask) tail() uint64 {
	if r := m.w % 64; r != 0 {
		return 1<<r - 1
	}
	return ^uint64(0)
}

// dilateX sets every pixel within r columns of a set pixel (a horizontal line
// structuring element of width 2r+1); outside the picture counts as unset.
func (m mask) dilateX(r int) mask { return m.runX(r, false) }

// erodeX keeps the pixels whose horizontal neighbourhood of radius r, as far as it
// lies inside the picture, is set.
func (m mask) erodeX(r int) mask { return m.runX(r, true) }

func (m mask) dilateY(r int) mask { return m.runY(r, false) }

func (m mask) erodeY(r int) mask { return m.runY(r, true) }

// close is a dilation followed by an erosion with a rx×ry rectangle (radii).
func (m mask) close(rx, ry int) mask {
	return m.chain(func(m mask) mask { return m.dilateX(rx) }, func(m mask) mask { return m.dilateY(ry) },
		func(m mask) mask { return m.erodeX(rx) }, func(m mask) mask { return m.erodeY(ry) })
}

// open is an erosion followed by a dilation with a rx×ry rectangle (radii).
func (m mask) open(rx, ry int) mask {
	return m.chain(func(m mask) mask { return m.erodeX(rx) }, func(m mask) mask { return m.erodeY(ry) },
		func(m mask) mask { return m.dilateX(rx) }, func(m mask) mask { return m.dilateY(ry) })
}

// chain applies ops in turn, releasing the intermediate masks (not m).
func (m mask) chain(ops ...func(mask) mask) mask {
	out := m
	for i, op := range ops {
		next := op(out)
		if i > 0 {
			out.release()
		}
		out = next
	}
	return out
}

// runX combines (and: all, or: any) each pixel's window [x-r, x+r] in two
// one-sided windows of r+1: forward over [x, x+r], then backward over the result's
// [x-r, x]. Pixels outside the picture are the combination's identity, so they
// change nothing.
func (m mask) runX(r int, all bool) mask {
	out := m.like()
	copy(out.bits, m.bits)
	if r <= 0 {
		return out
	}
	tail := m.tail()
	tmp := make([]uint64, m.stride)
	for y := range m.h {
		row := out.row(y)
		if all {
			row[len(row)-1] |= ^tail // padding counts as set for an erosion
		}
		window(row, tmp, r+1, all, false)
		window(row, tmp, r+1, all, true)
		row[len(row)-1] &= tail
	}
	return out
}

// combineRow sets dst to dst AND src (and) or dst OR src, word by word.
func combineRow(dst, src []uint64, and bool) {
	if and {
		for i, v := range src {
			dst[i] &= v
		}
		return
	}
	for i, v := range src {
		dst[i] |= v
	}
}

// window replaces row with the combination of each bit's window of n bits: bits
// x..x+n-1 (backward false) or x-n+1..x (backward true). It doubles the window
// (1, 2, 4, ...) and closes the rest with one overlapping step, which and and or
// allow. Bits shifted in from outside the row are the identity (1 for and).
func window(row, tmp []uint64, n int, and, backward bool) {
	for have := 1; have < n; {
		step := min(have, n-have)
		shiftRow(tmp, row, step, backward, and)
		combineRow(row, tmp, and)
		have += step
	}
}

// shiftRow writes src moved by k bits into dst: towards higher x (dst x = src
// x-k) when up, else towards lower x (dst x = src x+k). Bits coming from outside
// the row are fill.
func shiftRow(dst, src []uint64, k int, up, fill bool) {
	var f uint64
	if fill {
		f = ^uint64(0)
	}
	n := len(src)
	q, s := k/64, uint(k%64)
	at := func(i int) uint64 {
		if i < 0 || i >= n {
			return f
		}
		return src[i]
	}
	for i := range dst {
		if up {
			lo, hi := at(i-q-1), at(i-q)
			if s == 0 {
				dst[i] = hi
			} else {
				dst[i] = hi<<s | lo>>(64-s)
			}
		} else {
			lo, hi := at(i+q), at(i+q+1)
			if s == 0 {
				dst[i] = lo
			} else {
				dst[i] = lo>>s | hi<<(64-s)
			}
		}
	}
}

// runY combines each pixel's column window [y-r, y+r], clipped to the picture.
func (m mask) runY(r int, all bool) mask {
	out := m.like()
	if r <= 0 {
		copy(out.bits, m.bits)
		return out
	}
	for y := range m.h {
		dst := out.row(y)
		y0, y1 := max(0, y-r), min(m.h-1, y+r)
		copy(dst, m.row(y0))
		for yy := y0 + 1; yy <= y1; yy++ {
			combineRow(dst, m.row(yy), all)
		}
	}
	return out
}

// count is the number of set pixels in columns x0..x1-1 of rows y0..y1-1.
func (m mask) count(x0, y0, x1, y1 int) int {
	if x0 >= x1 || y0 >= y1 {
		return 0
	}
	n := 0
	w0, w1 := x0/64, (x1-1)/64
	for y := y0; y < y1; y++ {
		row := m.row(y)
		for i := w0; i <= w1; i++ {
			v := row[i]
			if i == w0 {
				v &= ^uint64(0) << (x0 % 64)
			}
			if i == w1 && x1%64 != 0 {
				v &= 1<<(x1%64) - 1
			}
			n += bits.OnesCount64(v)
		}
	}
	return n
}
