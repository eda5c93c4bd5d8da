package opencv

import (
	"fmt"
	"os"
	"slices"
)

// LPRNet ends in a global-context head: each of its feature maps f is divided
// by the mean of its own squares, the maps are concatenated along the
// channels, a 1×1 convolution maps them to the classes and a mean over the
// rows gives [classes, T]. The common ONNX export of the PyTorch model
// (/work/shared/models/plate/lprnet_94x24.onnx among them) froze each mean as
// the value it had for the export's sample input: every picture is then
// scaled as if it were that sample, and the model reads about a quarter of
// the plates it reads as trained (23 % against 89 % of the LPRNet test crops,
// greedy decode). contextHead finds that frozen head in the graph and the
// recogniser computes it as trained: OpenCV runs the network up to the
// divisions and the head runs here.
type contextHead struct {
	layers []string  // OpenCV layer names of the divisions, in concatenation order
	frozen []float64 // the divisor each one was frozen with
	w, b   []float32 // the 1×1 convolution: classes × channels, and classes
	// classes and channels are the convolution's output and input sizes.
	classes, channels int
}

// onnxLayerName is the name OpenCV 4.6's ONNX importer gives a named node.
func onnxLayerName(node string) string { return "onnx_node!" + node }

// findContextHead returns the frozen global-context head of g, or nil when
// the graph does not end in one: output ← [Reshape|Squeeze|Flatten] ←
// ReduceMean over axis 2 ← Conv 1×1 ← Concat over channels ← one Div by a
// scalar constant per input.
func findContextHead(g *onnxGraph) *contextHead {
	if len(g.outputs) != 1 {
		return nil
	}
	n, ok := g.producer(g.outputs[0])
	if ok && (n.op == "Reshape" || n.op == "Squeeze" || n.op == "Flatten") {
		n, ok = g.producer(n.inputs[0])
	}
	if !ok || n.op != "ReduceMean" || !slices.Equal(n.attrs["axes"].ints, []int64{2}) {
		return nil
	}
	conv, ok := g.producer(n.inputs[0])
	if !ok || conv.op != "Conv" || len(conv.inputs) != 3 || g.consumers(conv.outputs[0]) != 1 {
		return nil
	}
	w, okW := g.inits[conv.inputs[1]]
	b, okB := g.inits[conv.inputs[2]]
	if !okW || !okB || len(w.dims) != 4 || w.dims[2] != 1 || w.dims[3] != 1 || len(b.dims) != 1 || b.dims[0] != w.dims[0] ||
		w.floats == nil || b.floats == nil {
		return nil
	}
	if gr, ok := conv.attrs["group"]; ok && gr.i != 1 {
		return nil
	}
	cat, ok := g.producer(conv.inputs[0])
	if !ok || cat.op != "Concat" || cat.attrs["axis"].i != 1 || g.consumers(cat.outputs[0]) != 1 {
		return nil
	}
	h := &contextHead{w: w.floats, b: b.floats, classes: int(w.dims[0]), channels: int(w.dims[1])}
	for _, in := range cat.inputs {
		div, ok := g.producer(in)
		if !ok || div.op != "Div" || div.name == "" || len(div.inputs) != 2 || g.consumers(in) != 1 {
			return nil
		}
		c, ok := g.constant(div.inputs[1])
		if !ok || c.size() != 1 || c.floats == nil || c.floats[0] <= 0 {
			return nil
		}
		h.layers = append(h.layers, onnxLayerName(div.name))
		h.frozen = append(h.frozen, float64(c.floats[0]))
	}
	return h
}

// loadContextHead reads the model at path and returns its frozen context
// head, or nil when it has none or when net lacks the head's layers.
func loadContextHead(path string, net *plateNet) (*contextHead, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	g, err := readONNXGraph(b)
	if err != nil {
		return nil, err
	}
	h := findContextHead(g)
	if h == nil {
		return nil, nil
	}
	names := net.layerNames()
	for _, l := range h.layers {
		if !slices.Contains(names, l) {
			return nil, nil
		}
	}
	return h, nil
}

// logits computes the head from the divisions' outputs (each [1, C_i, H, T],
// as frozen: f/frozen_i) and returns [classes, T] in a tensor.
func (h *contextHead) logits(ts []tensor) (tensor, error) {
	if len(ts) != len(h.layers) {
		return tensor{}, fmt.Errorf("context head: %d feature maps, want %d", len(ts), len(h.layers))
	}
	steps := -1
	channels := 0
	for i, t := range ts {
		if len(t.shape) != 4 || t.shape[0] != 1 || t.shape[2] < 1 {
			return tensor{}, fmt.Errorf("context head: feature map %d is %v, want [1 C H T]", i, t.shape)
		}
		if steps >= 0 && t.shape[3] != steps {
			return tensor{}, fmt.Errorf("context head: feature map %d has %d steps, want %d", i, t.shape[3], steps)
		}
		steps = t.shape[3]
		channels += t.shape[1]
	}
	if channels != h.channels {
		return tensor{}, fmt.Errorf("context head: %d channels, the convolution takes %d", channels, h.channels)
	}
	// g[c][t]: the row mean of channel c, scaled as trained. Since the
	// convolution is 1×1 and linear, the mean over the rows may come first.
	g := make([]float64, channels*steps)
	c0 := 0
	for i, t := range ts {
		cs, rows := t.shape[1], t.shape[2]
		sq := 0.0
		for _, v := range t.data {
			sq += float64(v) * float64(v)
		}
		// t = f/frozen; f/mean(f²) = t/(frozen·mean(t²)).
		scale := 1.0
		if sq > 0 {
			scale = 1 / (h.frozen[i] * sq / float64(len(t.data)))
		}
		scale /= float64(rows)
		for c := range cs {
			row := g[(c0+c)*steps : (c0+c+1)*steps]
			for y := range rows {
				src := t.data[(c*rows+y)*steps : (c*rows+y+1)*steps]
				for s, v := range src {
					row[s] += float64(v)
				}
			}
			for s := range row {
				row[s] *= scale
			}
		}
		c0 += cs
	}
	out := tensor{shape: []int{h.classes, steps}, data: make([]float32, h.classes*steps)}
	for o := range h.classes {
		w := h.w[o*channels : (o+1)*channels]
		for s := range steps {
			sum := float64(h.b[o])
			for c, wc := range w {
				sum += float64(wc) * g[c*steps+s]
			}
			out.data[o*steps+s] = float32(sum)
		}
	}
	return out, nil
}
