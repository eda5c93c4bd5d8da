package lpr

// mask is a binary picture, row-major.
type mask struct {
	w, h int
	on   []bool
}

func newMask(w, h int) mask { return mask{w: w, h: h, on: make([]bool, w*h)} }

// dilateX sets every pixel within r columns of a set pixel (a horizontal line
// structuring element of width 2r+1), using running counts.
func (m mask) dilateX(r int) mask { return m.runX(r, false) }

// erodeX keeps the pixels whose whole horizontal neighbourhood of radius r is set.
func (m mask) erodeX(r int) mask { return m.runX(r, true) }

func (m mask) dilateY(r int) mask { return m.runY(r, false) }

func (m mask) erodeY(r int) mask { return m.runY(r, true) }

// close is a dilation followed by an erosion with a rx×ry rectangle (radii).
func (m mask) close(rx, ry int) mask {
	return m.dilateX(rx).dilateY(ry).erodeX(rx).erodeY(ry)
}

// open is an erosion followed by a dilation with a rx×ry rectangle (radii).
func (m mask) open(rx, ry int) mask {
	return m.erodeX(rx).erodeY(ry).dilateX(rx).dilateY(ry)
}

func (m mask) runX(r int, all bool) mask {
	out := newMask(m.w, m.h)
	if r <= 0 {
		copy(out.on, m.on)
		return out
	}
	for y := range m.h {
		row := m.on[y*m.w : (y+1)*m.w]
		dst := out.on[y*m.w : (y+1)*m.w]
		count := 0
		// window [x-r, x+r]; outside the picture counts as unset
		for x := 0; x < min(r, m.w); x++ {
			if row[x] {
				count++
			}
		}
		for x := range m.w {
			if in := x + r; in < m.w && row[in] {
				count++
			}
			if out := x - r - 1; out >= 0 && row[out] {
				count--
			}
			if all {
				lo, hi := max(0, x-r), min(m.w-1, x+r)
				dst[x] = count == hi-lo+1
			} else {
				dst[x] = count > 0
			}
		}
	}
	return out
}

// runY is runX along columns, with one running count per column.
func (m mask) runY(r int, all bool) mask {
	out := newMask(m.w, m.h)
	if r <= 0 {
		copy(out.on, m.on)
		return out
	}
	count := make([]int32, m.w)
	for y := 0; y < min(r, m.h); y++ {
		for x, on := range m.on[y*m.w : (y+1)*m.w] {
			if on {
				count[x]++
			}
		}
	}
	for y := range m.h {
		if in := y + r; in < m.h {
			for x, on := range m.on[in*m.w : (in+1)*m.w] {
				if on {
					count[x]++
				}
			}
		}
		if out := y - r - 1; out >= 0 {
			for x, on := range m.on[out*m.w : (out+1)*m.w] {
				if on {
					count[x]--
				}
			}
		}
		dst := out.on[y*m.w : (y+1)*m.w]
		full := int32(min(m.h-1, y+r) - max(0, y-r) + 1)
		for x, c := range count {
			if all {
				dst[x] = c == full
			} else {
				dst[x] = c > 0
			}
		}
	}
	return out
}

// and returns the pixels set in both.
func (m mask) and(o mask) mask {
	out := newMask(m.w, m.h)
	for i := range m.on {
		out.on[i] = m.on[i] && o.on[i]
	}
	return out
}

// blob is one 8-connected region of a mask with its pixel moments.
type blob struct {
	minX, minY, maxX, maxY int // inclusive
	n                      int
	sx, sy, sxx, syy, sxy  float64
}

// blobs labels the 8-connected regions of m and returns those of at least minArea
// pixels.
func (m mask) blobs(minArea int) []blob {
	seen := make([]bool, len(m.on))
	var out []blob
	stack := make([]int32, 0, 1024)
	for start, on := range m.on {
		if !on || seen[start] {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], int32(start))
		b := blob{minX: m.w, minY: m.h, maxX: -1, maxY: -1}
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := i%m.w, i/m.w
			b.add(x, y)
			for dy := -1; dy <= 1; dy++ {
				ny := y + dy
				if ny < 0 || ny >= m.h {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					nx := x + dx
					if nx < 0 || nx >= m.w {
						continue
					}
					if j := ny*m.w + nx; m.on[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, int32(j))
					}
				}
			}
		}
		if b.n >= minArea {
			out = append(out, b)
		}
	}
	return out
}

func (b *blob) add(x, y int) {
	b.minX, b.minY = min(b.minX, x), min(b.minY, y)
	b.maxX, b.maxY = max(b.maxX, x), max(b.maxY, y)
	b.n++
	fx, fy := float64(x), float64(y)
	b.sx += fx
	b.sy += fy
	b.sxx += fx * fx
	b.syy += fy * fy
	b.sxy += fx * fy
}
