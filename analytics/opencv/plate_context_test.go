package opencv

import (
	"image"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// headGraph is a small model ending in a frozen context head: two inputs
// divided by constants, concatenated, a 1×1 convolution to 3 classes, a mean
// over the rows and a reshape. change edits the node fields before encoding.
func headGraph(change func(nodes map[string]*headNode)) []byte {
	nodes := map[string]*headNode{
		"k0":   {op: "Constant", out: "k0", attrs: [][]byte{append(pbString(1, "value"), pbBytes(5, onnxFloatTensor("", nil, 2))...)}},
		"k1":   {op: "Constant", out: "k1", attrs: [][]byte{append(pbString(1, "value"), pbBytes(5, onnxFloatTensor("", nil, 4))...)}},
		"Div0": {op: "Div", in: []string{"x0", "k0"}, out: "f0"},
		"Div1": {op: "Div", in: []string{"x1", "k1"}, out: "f1"},
		"cat":  {op: "Concat", in: []string{"f0", "f1"}, out: "c", attrs: [][]byte{append(pbString(1, "axis"), pbVarint(3, 1)...)}},
		"conv": {op: "Conv", in: []string{"c", "W", "B"}, out: "y", attrs: [][]byte{append(pbString(1, "group"), pbVarint(3, 1)...)}},
		"mean": {op: "ReduceMean", in: []string{"y"}, out: "m", attrs: [][]byte{append(pbString(1, "axes"), pbPackedInts(8, 2)...)}},
		"flat": {op: "Reshape", in: []string{"m", "shape"}, out: "out"},
	}
	if change != nil {
		change(nodes)
	}
	var fields [][]byte
	for _, name := range []string{"k0", "k1", "Div0", "", "Div1", "cat", "conv", "mean", "flat", "extra"} {
		if n, ok := nodes[name]; ok {
			fields = append(fields, onnxNodeProto(name, n.op, n.in, []string{n.out}, n.attrs...))
		}
	}
	w := make([]float32, 3*5)
	for i := range w {
		w[i] = float32(i%4) - 1.5
	}
	fields = append(fields,
		pbBytes(5, onnxFloatTensor("W", []int64{3, 5, 1, 1}, w...)),
		pbBytes(5, onnxFloatTensor("B", []int64{3}, 0.5, -0.5, 1)),
		onnxValue(12, "out", 3, 2))
	return onnxModel(fields...)
}

type headNode struct {
	op, out string
	in      []string
	attrs   [][]byte
}

func mustHead(t *testing.T, model []byte) *contextHead {
	t.Helper()
	g, err := readONNXGraph(model)
	require.NoError(t, err)
	return findContextHead(g)
}

func TestFindContextHead(t *testing.T) {
	h := mustHead(t, headGraph(nil))
	require.NotNil(t, h)
	require.Equal(t, []string{"onnx_node!Div0", "onnx_node!Div1"}, h.layers)
	require.Equal(t, []float64{2, 4}, h.frozen)
	require.Equal(t, 3, h.classes)
	require.Equal(t, 5, h.channels)
	require.Equal(t, []float32{0.5, -0.5, 1}, h.b)

	require.NotNil(t, mustHead(t, headGraph(func(n map[string]*headNode) { // no reshape at the end
		delete(n, "flat")
		n["mean"].out = "out"
	})), "the mean may be the output itself")

	for name, change := range map[string]func(map[string]*headNode){
		"mean over another axis": func(n map[string]*headNode) {
			n["mean"].attrs = [][]byte{append(pbString(1, "axes"), pbPackedInts(8, 3)...)}
		},
		"not a mean": func(n map[string]*headNode) { n["mean"].op = "ReduceMax" },
		"grouped convolution": func(n map[string]*headNode) {
			n["conv"].attrs = [][]byte{append(pbString(1, "group"), pbVarint(3, 5)...)}
		},
		"convolution without bias":       func(n map[string]*headNode) { n["conv"].in = []string{"c", "W"} },
		"convolution weights not stored": func(n map[string]*headNode) { n["conv"].in = []string{"c", "k0", "B"} },
		"concatenated over rows": func(n map[string]*headNode) {
			n["cat"].attrs = [][]byte{append(pbString(1, "axis"), pbVarint(3, 2)...)}
		},
		"divided by a feature map": func(n map[string]*headNode) { n["Div1"].in = []string{"x1", "x0"} },
		"multiplied, not divided":  func(n map[string]*headNode) { n["Div1"].op = "Mul" },
		"division read elsewhere":  func(n map[string]*headNode) { n["conv"].in = []string{"c", "W", "B", "f0"} },
		"unnamed division": func(n map[string]*headNode) {
			// An unnamed node's OpenCV layer name is not known in advance.
			n[""] = n["Div0"]
			delete(n, "Div0")
		},
	} {
		t.Run(name, func(t *testing.T) {
			require.Nil(t, mustHead(t, headGraph(change)))
		})
	}
	g, err := readONNXGraph(onnxOneNode("Relu", 11, 8))
	require.NoError(t, err)
	require.Nil(t, findContextHead(g), "a plain graph")
}

func TestContextHeadLogitsErrors(t *testing.T) {
	h := mustHead(t, headGraph(nil))
	require.NotNil(t, h)
	fm := func(c, rows, steps int) tensor {
		return tensor{shape: []int{1, c, rows, steps}, data: make([]float32, c*rows*steps)}
	}
	_, err := h.logits([]tensor{fm(2, 4, 6)})
	require.ErrorContains(t, err, "1 feature maps, want 2")
	_, err = h.logits([]tensor{fm(2, 4, 6), {shape: []int{3, 6}, data: make([]float32, 18)}})
	require.ErrorContains(t, err, "feature map 1 is [3 6]")
	_, err = h.logits([]tensor{fm(2, 4, 6), fm(3, 4, 5)})
	require.ErrorContains(t, err, "feature map 1 has 5 steps, want 6")
	_, err = h.logits([]tensor{fm(2, 4, 6), fm(2, 4, 6)})
	require.ErrorContains(t, err, "4 channels, the convolution takes 5")
	out, err := h.logits([]tensor{fm(2, 4, 6), fm(3, 1, 6)})
	require.NoError(t, err)
	require.Equal(t, []int{3, 6}, out.shape)
	require.Equal(t, float32(-0.5), out.data[6], "all-zero maps leave the bias")
}

// TestContextHeadMatchesOpenCV runs the shared LPRNet on a plate crop. With
// each divisor set to what the frozen constant must be for this picture to be
// scaled by 1, the head computed here equals OpenCV's output of the whole
// frozen graph; with the frozen constants it is the trained head, and differs.
func TestContextHeadMatchesOpenCV(t *testing.T) {
	path := shared(t, plateRecModel)
	net, err := loadPlateNet(path)
	require.NoError(t, err)
	defer net.close()
	h, err := loadContextHead(path, net)
	require.NoError(t, err)
	require.NotNil(t, h)
	require.Equal(t, []string{"onnx_node!Div_42", "onnx_node!Div_46", "onnx_node!Div_50", "onnx_node!Div_52"}, h.layers)
	require.Equal(t, 68, h.classes)
	require.Equal(t, 516, h.channels)

	crops, err := filepath.Glob(filepath.Join(sharedEval(t, "plates-cn-crops"), "*.jpg"))
	require.NoError(t, err)
	require.NotEmpty(t, crops)
	pic := loadPicture(t, crops[0])
	img, err := pictureMat(pic)
	require.NoError(t, err)
	defer img.Close()
	blob := plainBlob(img, lprnetW, lprnetH, lprnetScale, lprnetMean)
	defer blob.Close()
	outs, ts, err := net.forwardLayers(blob, append(slices.Clone(h.layers), net.outNames...))
	require.NoError(t, err)
	defer closeMats(outs)
	require.Len(t, ts, 5)
	want := ts[4]
	require.Equal(t, []int{68, 18}, want.shape)

	unit := *h
	unit.frozen = make([]float64, len(h.frozen))
	for i, t := range ts[:4] {
		sq := 0.0
		for _, v := range t.data {
			sq += float64(v) * float64(v)
		}
		unit.frozen[i] = float64(len(t.data)) / sq
	}
	got, err := unit.logits(ts[:4])
	require.NoError(t, err)
	require.Equal(t, want.shape, got.shape)
	for i := range want.data {
		require.InDelta(t, want.data[i], got.data[i], 1e-3*math.Max(1, math.Abs(float64(want.data[i]))), "logit %d", i)
	}

	trained, err := h.logits(ts[:4])
	require.NoError(t, err)
	differ := 0
	for i := range want.data {
		if math.Abs(float64(trained.data[i]-want.data[i])) > 0.1 {
			differ++
		}
	}
	require.Greater(t, differ, len(want.data)/2, "the trained head scales the picture's own features")
}

// TestPlateViews: a read averages three views of the plate; each step stays a
// distribution, and SingleView reads the plate as it is.
func TestPlateViews(t *testing.T) {
	crops, err := filepath.Glob(filepath.Join(sharedEval(t, "plates-cn-crops"), "*.jpg"))
	require.NoError(t, err)
	require.NotEmpty(t, crops)
	img, err := pictureMat(loadPicture(t, crops[0]))
	require.NoError(t, err)
	defer img.Close()

	three := newTestPlateEngine(t, func(c *PlateONNXConfig) { c.Detector = "" }).rec
	require.Equal(t, 3, three.views)
	one := newTestPlateEngine(t, func(c *PlateONNXConfig) { c.Detector, c.SingleView = "", true }).rec
	require.Equal(t, 1, max(one.views, 1))

	single, err := one.viewProbs(img)
	require.NoError(t, err)
	plain, err := one.probs(img)
	require.NoError(t, err)
	require.Equal(t, plain.p, single.p)

	avg, err := three.viewProbs(img)
	require.NoError(t, err)
	require.Equal(t, single.steps, avg.steps)
	for s := range avg.steps {
		require.True(t, isDistribution(avg.row(s)), "step %d", s)
	}
	require.NotEqual(t, single.p, avg.p)

	tiny := img.Region(image.Rect(0, 0, 4, 8)) // too narrow for a margin: one view
	defer tiny.Close()
	a, err := three.viewProbs(tiny)
	require.NoError(t, err)
	b, err := three.probs(tiny)
	require.NoError(t, err)
	require.Equal(t, b.p, a.p)
}

// TestVoteReads: two reads of one plate are voted by character; the model's
// read keeps its colour and crop.
func TestVoteReads(t *testing.T) {
	model := plate.Finding{Text: "皖A12345", CharConf: []float64{0.9, 0.9, 0.9, 0.4, 0.9, 0.9, 0.9}, Conf: 0.8,
		Color: plate.ColorBlue, ColorConf: 0.9, Crop: plate.Picture{W: 1, H: 1, Pix: []byte{1, 2, 3}}}
	for _, tc := range []struct {
		name  string
		other plate.Finding
		want  string
	}{
		{name: "agree", other: plate.Finding{Text: "皖A12345", CharConf: []float64{0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8}, Conf: 0.8}, want: "皖A12345"},
		{name: "each character from the surer read",
			other: plate.Finding{Text: "川A18345", CharConf: []float64{0.95, 0.8, 0.8, 0.9, 0.8, 0.8, 0.8}, Conf: 0.8}, want: "川A18345"},
		{name: "less sure characters lose",
			other: plate.Finding{Text: "川A18345", CharConf: []float64{0.5, 0.8, 0.8, 0.3, 0.8, 0.8, 0.8}, Conf: 0.5}, want: "皖A12345"},
		{name: "the heavier length wins", other: plate.Finding{Text: "皖A1234", CharConf: []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, Conf: 0.5}, want: "皖A12345"},
		{name: "an invalid read weighs half",
			other: plate.Finding{Text: "皖A1234O", CharConf: []float64{0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95}, Conf: 0.95}, want: "皖A12345"},
		{name: "nothing read", other: plate.Finding{}, want: "皖A12345"},
		{name: "on a blue plate the model does not abstain",
			other: plate.Finding{Text: "皖A1234学", CharConf: []float64{0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.3}, Conf: 0.7}, want: "皖A12345"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := voteReads(model, tc.other, []rune(lprnetChars))
			require.Equal(t, tc.want, got.Text)
			require.Len(t, got.CharConf, len([]rune(got.Text)))
			require.Equal(t, plate.ColorBlue, got.Color)
			require.Equal(t, model.Crop, got.Crop)
		})
	}
	t.Run("on a yellow plate the model abstains where it has no class", func(t *testing.T) {
		yellow := model
		yellow.Color = plate.ColorYellow
		other := plate.Finding{Text: "皖A1234学", CharConf: []float64{0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.3}, Conf: 0.7}
		require.Equal(t, "皖A1234学", voteReads(yellow, other, []rune(lprnetChars)).Text, "LPRNet has no 学")
		require.Equal(t, []float64{0.9, 0.9, 0.9, 0.4, 0.9, 0.9, 0.9}, model.CharConf, "the model's read is not changed")
	})
	t.Run("no vote stands: the surer read", func(t *testing.T) {
		a := plate.Finding{Text: "##", Conf: 0.3}
		b := plate.Finding{Text: "@@", Conf: 0.6, DoubleRow: true}
		got := voteReads(a, b, nil)
		require.Equal(t, "@@", got.Text)
		require.True(t, got.DoubleRow)
		require.Equal(t, "##", voteReads(a, plate.Finding{Conf: 0.1}, nil).Text, "the model's read when it is the surer")
	})
}
