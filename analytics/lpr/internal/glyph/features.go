package glyph

import "math"

// Feature layout: gradient-orientation histograms (HOG-like) on 5×5-pixel cells,
// normalised over 2×2-cell blocks; the glyph pooled to 10×20; the ink box's aspect
// and ink share.
const (
	cell      = 5
	cellsX    = NormW / cell
	cellsY    = NormH / cell
	orients   = 8
	blocksX   = cellsX - 1
	blocksY   = cellsY - 1
	hogLen    = blocksX * blocksY * 4 * orients
	poolW     = NormW / 2
	poolH     = NormH / 2
	poolLen   = poolW * poolH
	shapeLen  = 2
	blockNorm = 1e-3
)

// FeatureLen is the length of the vector Features returns.
const FeatureLen = hogLen + poolLen + shapeLen

// Features computes the classifier input of g.
func Features(g Glyph) []float32 {
	f := make([]float32, 0, FeatureLen)
	f = hog(f, g.Norm)
	f = pool(f, g.Norm)
	aspect := float32(g.Box.Dx()) / float32(max(1, g.Box.Dy()))
	return append(f, aspect, g.Ink)
}

// hog appends the block-normalised orientation histograms of m.
func hog(f []float32, m Image) []float32 {
	var hist [cellsY][cellsX][orients]float32
	for y := range m.H {
		for x := range m.W {
			gx := m.At(x+1, y) - m.At(x-1, y)
			gy := m.At(x, y+1) - m.At(x, y-1)
			mag := float32(math.Sqrt(float64(gx*gx + gy*gy)))
			if mag == 0 {
				continue
			}
			a := math.Atan2(float64(gy), float64(gx))
			if a < 0 {
				a += 2 * math.Pi
			}
			pos := a / (2 * math.Pi) * orients
			b0 := int(pos) % orients
			frac := float32(pos - math.Floor(pos))
			cy, cx := y/cell, x/cell
			hist[cy][cx][b0] += mag * (1 - frac)
			hist[cy][cx][(b0+1)%orients] += mag * frac
		}
	}
	for by := range blocksY {
		for bx := range blocksX {
			var norm float32
			for dy := range 2 {
				for dx := range 2 {
					for _, v := range hist[by+dy][bx+dx] {
						norm += v * v
					}
				}
			}
			inv := 1 / float32(math.Sqrt(float64(norm+blockNorm)))
			for dy := range 2 {
				for dx := range 2 {
					for _, v := range hist[by+dy][bx+dx] {
						f = append(f, min(0.4, v*inv))
					}
				}
			}
		}
	}
	return f
}

// pool appends m averaged over 2×2 pixels.
func pool(f []float32, m Image) []float32 {
	for y := range poolH {
		for x := range poolW {
			i := 2*y*m.W + 2*x
			f = append(f, (m.Pix[i]+m.Pix[i+1]+m.Pix[i+m.W]+m.Pix[i+m.W+1])/4)
		}
	}
	return f
}
