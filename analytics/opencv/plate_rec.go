package opencv

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// LPRNet input: BGR, (x − 127.5) / 128, 94×24 (/work/shared/models/README.md).
const (
	lprnetW     = 94
	lprnetH     = 24
	lprnetMean  = 127.5
	lprnetScale = 1.0 / 128
)

// plateViewMargin is the margin, as a share of the crop's width, that the
// second and third views of a plate add and take away on each side.
const plateViewMargin = 0.02

// plateRecognizer runs an LPRNet-style CTC recogniser. It owns its net.
type plateRecognizer struct {
	net    *plateNet
	chars  []rune // class order, blank last
	greedy bool   // plain greedy decode instead of the grammar-constrained one
	// head, when not nil, is the model's frozen global-context head, computed
	// here as trained (see contextHead).
	head *contextHead
	// views is the number of views each read averages: 1 or 3 (viewProbs).
	views int
	// full, seven, top and bottom are the plate grammars compiled for chars.
	full, seven, top, bottom ctcAutomaton
}

func newPlateRecognizer(net *plateNet, chars []rune, greedy bool) *plateRecognizer {
	return &plateRecognizer{net: net, chars: chars, greedy: greedy,
		full: fullPlateGrammar.compile(chars), seven: sevenPlateGrammar.compile(chars), top: topRowGrammar.compile(chars), bottom: bottomRowGrammar.compile(chars)}
}

// textRead is one recognised line of characters.
type textRead struct {
	text []rune
	conf []float64
}

func (r *plateRecognizer) close() { r.net.close() }

// probs runs the network on img (BGR, any size). With a context head, the
// network runs up to the head's divisions and the head runs here.
func (r *plateRecognizer) probs(img gocv.Mat) (ctcProbs, error) {
	blob := plainBlob(img, lprnetW, lprnetH, lprnetScale, lprnetMean)
	defer blob.Close()
	layers := r.net.outNames
	if r.head != nil {
		layers = r.head.layers
	}
	outs, ts, err := r.net.forwardLayers(blob, layers)
	if err != nil {
		return ctcProbs{}, err
	}
	defer closeMats(outs)
	if r.head != nil {
		t, err := r.head.logits(ts)
		if err != nil {
			return ctcProbs{}, err
		}
		ts = []tensor{t}
	}
	if len(ts) != 1 {
		return ctcProbs{}, fmt.Errorf("recogniser: %d outputs %s, want one", len(ts), shapes(ts))
	}
	return newCTCProbs(ts[0], len(r.chars))
}

// viewProbs averages the recogniser's output over views of img: as it is,
// and, when r.views is 3, with plateViewMargin of its width more and less
// margin on each side. Where the characters fall on the network's time steps
// shifts between the views, so a character that one alignment splits or
// merges is read whole in another.
func (r *plateRecognizer) viewProbs(img gocv.Mat) (ctcProbs, error) {
	p, err := r.probs(img)
	if err != nil || r.views < 3 {
		return p, err
	}
	m := max(1, int(math.Round(plateViewMargin*float64(img.Cols()))))
	if img.Cols() <= 4*m {
		return p, nil
	}
	wide := gocv.NewMat()
	defer wide.Close()
	gocv.CopyMakeBorder(img, &wide, 0, 0, m, m, gocv.BorderReplicate, color.RGBA{})
	narrow := img.Region(image.Rect(m, 0, img.Cols()-m, img.Rows()))
	defer narrow.Close()
	for _, v := range []gocv.Mat{wide, narrow} {
		q, err := r.probs(v)
		if err != nil {
			return p, err
		}
		if q.steps != p.steps {
			return p, fmt.Errorf("recogniser: %d time steps for one view, %d for another", q.steps, p.steps)
		}
		for i := range p.p {
			p.p[i] += q.p[i]
		}
	}
	for i := range p.p {
		p.p[i] /= 3
	}
	return p, nil
}

// read recognises img as one line of characters, constrained by the grammar
// a unless the recogniser is greedy or no text fits a (then the greedy read is
// returned).
func (r *plateRecognizer) read(img gocv.Mat, a ctcAutomaton) (textRead, error) {
	p, err := r.viewProbs(img)
	if err != nil {
		return textRead{}, err
	}
	labels, conf := greedyCTC(p)
	if !r.greedy {
		if best, ok := grammarCTC(p, a); ok {
			labels, conf = best, alignConf(p, best)
		}
	}
	out := textRead{text: make([]rune, len(labels)), conf: conf}
	for i, k := range labels {
		out.text[i] = r.chars[k]
	}
	return out, nil
}

// readPlate recognises a rectified plate crop; a two-row plate is read as its
// rows placed side by side (or, in split mode, row by row). A blue plate is
// read as one of 7 characters.
func (r *plateRecognizer) readPlate(crop gocv.Mat, double, split, blue bool) (textRead, error) {
	if !double {
		if blue {
			return r.read(crop, r.seven)
		}
		return r.read(crop, r.full)
	}
	top, bottom := plateRows(crop)
	defer top.Close()
	defer bottom.Close()
	if !split {
		line := sideBySide(top, bottom)
		defer line.Close()
		return r.read(line, r.full)
	}
	t, err := r.read(top, r.top)
	if err != nil {
		return textRead{}, err
	}
	b, err := r.read(bottom, r.bottom)
	if err != nil {
		return textRead{}, err
	}
	return textRead{text: append(t.text, b.text...), conf: append(t.conf, b.conf...)}, nil
}
