package opencv

import (
	"fmt"
	"math"
)

// Model formats NewONNX and CheckModel accept.
const (
	FormatYOLOX   = "yolox"
	FormatNanoDet = "nanodet"
)

// strides are the feature-map strides of both formats, finest first.
var strides = [3]int{8, 16, 32}

// modelFormat is the pre- and post-processing of one model family (facts in
// /work/shared/models/README.md).
type modelFormat struct {
	name      string
	centred   bool       // letterbox centred, else top-left
	pad       float64    // letterbox fill value
	mean, std [3]float32 // per BGR channel: (x - mean) / std
	check     func(outs []tensor, size int) error
	decode    func(outs []tensor, size int, thr float32, emit func(candidate))
}

func formatByName(name string) (modelFormat, error) {
	switch name {
	case FormatYOLOX:
		return modelFormat{name: name, pad: 114, std: [3]float32{1, 1, 1},
			check: checkYOLOX, decode: decodeYOLOX}, nil
	case FormatNanoDet:
		return modelFormat{name: name, centred: true,
			mean: [3]float32{103.53, 116.28, 123.675}, std: [3]float32{57.375, 57.12, 58.395},
			check: checkNanoDet, decode: decodeNanoDet}, nil
	default:
		return modelFormat{}, fmt.Errorf("unknown model format %q (want %q or %q)", name, FormatYOLOX, FormatNanoDet)
	}
}

// gridCells returns the number of anchors of one stride at input size.
func gridCells(size, stride int) int { return (size / stride) * (size / stride) }

// checkYOLOX wants one output [1, N, 5+classes] with N the anchors of all strides.
func checkYOLOX(outs []tensor, size int) error {
	want := gridCells(size, 8) + gridCells(size, 16) + gridCells(size, 32)
	if len(outs) != 1 || outs[0].cols() < 6 || outs[0].rows() != want {
		return fmt.Errorf("wrong output shape for yolox at %d: got %s, want one [1 %d 85]", size, shapes(outs), want)
	}
	return nil
}

// decodeYOLOX: rows per stride, row-major; columns tx ty tw th obj cls...,
// obj and cls already sigmoided.
func decodeYOLOX(outs []tensor, size int, thr float32, emit func(candidate)) {
	t, cols, row := outs[0], outs[0].cols(), 0
	for _, s := range strides {
		g, fs := size/s, float32(s)
		for i := range g * g {
			p := t.data[(row+i)*cols : (row+i+1)*cols]
			if p[4] < thr {
				continue
			}
			cls, best := argmax(p[5:])
			score := p[4] * best
			if score < thr {
				continue
			}
			cx, cy := (p[0]+float32(i%g))*fs, (p[1]+float32(i/g))*fs
			w, h := float32(math.Exp(float64(p[2])))*fs, float32(math.Exp(float64(p[3])))*fs
			emit(candidate{class: cls, score: score, x1: cx - w/2, y1: cy - h/2, x2: cx + w/2, y2: cy + h/2})
		}
		row += g * g
	}
}

// nanoDetBins is the number of distance bins per box side (reg_max 7).
const nanoDetBins = 8

// nanoDetOutputs pairs each stride's class scores and box distributions.
func nanoDetOutputs(outs []tensor, size int) (cls, dis [3]tensor, err error) {
	found := 0
	for _, t := range outs {
		for i, s := range strides {
			if t.rows() != gridCells(size, s) {
				continue
			}
			if t.cols() == 4*nanoDetBins && dis[i].data == nil {
				dis[i] = t
			} else {
				cls[i] = t
			}
			found++
		}
	}
	for i := range strides {
		if found != 6 || cls[i].data == nil || dis[i].data == nil {
			return cls, dis, fmt.Errorf("wrong output shape for nanodet at %d: got %s, want [1 N 80] and [1 N 32] for N = %d, %d, %d",
				size, shapes(outs), gridCells(size, 8), gridCells(size, 16), gridCells(size, 32))
		}
	}
	return cls, dis, nil
}

func checkNanoDet(outs []tensor, size int) error {
	_, _, err := nanoDetOutputs(outs, size)
	return err
}

// decodeNanoDet: class scores sigmoided; each side's distance is the
// expectation of a softmax over bins, times the stride, around the anchor centre.
func decodeNanoDet(outs []tensor, size int, thr float32, emit func(candidate)) {
	cls, dis, err := nanoDetOutputs(outs, size)
	if err != nil {
		return
	}
	for k, s := range strides {
		g, fs, nc := size/s, float32(s), cls[k].cols()
		for i := range g * g {
			c, score := argmax(cls[k].data[i*nc : (i+1)*nc])
			if score < thr {
				continue
			}
			d := dis[k].data[i*4*nanoDetBins : (i+1)*4*nanoDetBins]
			cx, cy := float32(i%g)*fs+(fs-1)/2, float32(i/g)*fs+(fs-1)/2
			emit(candidate{class: c, score: score,
				x1: cx - fs*expectation(d[0:nanoDetBins]), y1: cy - fs*expectation(d[nanoDetBins:2*nanoDetBins]),
				x2: cx + fs*expectation(d[2*nanoDetBins:3*nanoDetBins]), y2: cy + fs*expectation(d[3*nanoDetBins:])})
		}
	}
}

// expectation returns Σ i·softmax(logits)_i.
func expectation(logits []float32) float32 {
	m := logits[0]
	for _, v := range logits {
		m = max(m, v)
	}
	var sum, acc float64
	for i, v := range logits {
		e := math.Exp(float64(v - m))
		sum += e
		acc += float64(i) * e
	}
	return float32(acc / sum)
}

func argmax(v []float32) (int, float32) {
	best, bi := v[0], 0
	for i, x := range v {
		if x > best {
			best, bi = x, i
		}
	}
	return bi, best
}

func shapes(outs []tensor) string {
	s := make([][]int, len(outs))
	for i, t := range outs {
		s[i] = t.shape
	}
	return fmt.Sprint(s)
}
