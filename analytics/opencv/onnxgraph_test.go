package opencv

import (
	"encoding/binary"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// pbFixed32 is a fixed32 field (a float in onnx.proto's non-packed form).
func pbFixed32(field int, v float32) []byte {
	return append(binary.AppendUvarint(nil, uint64(field)<<3|5), leFloats(v)...)
}

// leFloats packs vs as little-endian float32s (packed float_data, raw_data).
func leFloats(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

// pbPackedFloats and pbPackedInts are packed repeated fields.
func pbPackedFloats(field int, vs ...float32) []byte { return pbBytes(field, leFloats(vs...)) }

func pbPackedInts(field int, vs ...int64) []byte {
	var body []byte
	for _, v := range vs {
		body = binary.AppendUvarint(body, uint64(v))
	}
	return pbBytes(field, body)
}

// onnxFloatTensor is a FLOAT TensorProto with its values in raw_data.
func onnxFloatTensor(name string, dims []int64, vs ...float32) []byte {
	return append(append(pbPackedInts(1, dims...), pbVarint(2, onnxFloat)...), append(pbString(8, name), pbBytes(9, leFloats(vs...))...)...)
}

// onnxNodeProto is a NodeProto; attrs are whole AttributeProto fields (5).
func onnxNodeProto(name, op string, in, out []string, attrs ...[]byte) []byte {
	var parts [][]byte
	for _, s := range in {
		parts = append(parts, pbString(1, s))
	}
	for _, s := range out {
		parts = append(parts, pbString(2, s))
	}
	parts = append(parts, pbString(3, name), pbString(4, op))
	for _, a := range attrs {
		parts = append(parts, pbBytes(5, a))
	}
	return pbBytes(1, parts...)
}

// onnxModel wraps graph fields into a ModelProto.
func onnxModel(graph ...[]byte) []byte {
	return append(pbVarint(1, 7), pbBytes(7, graph...)...)
}

func TestReadONNXGraph(t *testing.T) {
	model := onnxModel(
		onnxNodeProto("c0", "Constant", nil, []string{"k"},
			append(pbString(1, "value"), pbBytes(5, onnxFloatTensor("", nil, 2.5))...)),
		onnxNodeProto("p0", "MaxPool", []string{"x"}, []string{"y"},
			append(pbString(1, "kernel_shape"), pbPackedInts(8, 3, 3)...),
			append(append(pbString(1, "strides"), pbVarint(8, 1)...), pbVarint(8, 2)...), // not packed
			append(pbString(1, "axis"), pbVarint(3, 1)...),
			append(pbString(1, "alpha"), pbFixed32(2, 0.5)...)),
		pbBytes(5, onnxFloatTensor("w", []int64{2, 2}, 1, 2, 3, 4)),
		pbBytes(5, append(append(pbPackedInts(1, 3), pbVarint(2, onnxFloat)...), append(pbString(8, "b"), pbPackedFloats(4, 5, 6, 7)...)...)),
		pbBytes(5, append(append(pbVarint(1, 1), pbVarint(2, onnxFloat)...), append(pbString(8, "s"), pbFixed32(4, 9)...)...)),
		pbBytes(5, append(append(pbPackedInts(1, 2), pbVarint(2, 7)...), pbString(8, "i64")...)), // INT64: no floats kept
		pbBytes(10, []byte("doc")),
		onnxValue(12, "y", 1, 3, 4, 4),
	)
	g, err := readONNXGraph(model)
	require.NoError(t, err)
	require.Equal(t, []string{"y"}, g.outputs)
	require.Len(t, g.nodes, 2)
	p := g.nodes[1]
	require.Equal(t, "p0", p.name)
	require.Equal(t, "MaxPool", p.op)
	require.Equal(t, []string{"x"}, p.inputs)
	require.Equal(t, []string{"y"}, p.outputs)
	require.Equal(t, []int64{3, 3}, p.attrs["kernel_shape"].ints)
	require.Equal(t, []int64{1, 2}, p.attrs["strides"].ints)
	require.Equal(t, int64(1), p.attrs["axis"].i)
	require.Equal(t, float32(0.5), p.attrs["alpha"].f)

	require.Equal(t, onnxTensor{dims: []int64{2, 2}, floats: []float32{1, 2, 3, 4}}, g.inits["w"])
	require.Equal(t, []float32{5, 6, 7}, g.inits["b"].floats)
	require.Equal(t, []float32{9}, g.inits["s"].floats)
	require.Nil(t, g.inits["i64"].floats)
	k, ok := g.constant("k")
	require.True(t, ok)
	require.Equal(t, []float32{2.5}, k.floats)
	require.Equal(t, int64(1), k.size())
	_, ok = g.constant("y") // a MaxPool's output
	require.False(t, ok)
	_, ok = g.constant("nowhere")
	require.False(t, ok)
	require.Equal(t, 1, g.consumers("x"))
	require.Equal(t, 0, g.consumers("y"))
}

func TestReadONNXGraphErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		model      []byte
	}{
		{name: "no graph", want: "no graph", model: pbVarint(1, 7)},
		{name: "truncated", want: "onnx:", model: onnxModel(pbBytes(5, onnxFloatTensor("w", []int64{2}, 1, 2)))[:20]},
		{name: "too few values", want: `initializer "w": 1 values for dims [2]`, model: onnxModel(pbBytes(5, onnxFloatTensor("w", []int64{2}, 1)))},
		{name: "odd raw data", want: "raw_data: 3 bytes", model: onnxModel(pbBytes(5, append(pbVarint(2, onnxFloat), pbBytes(9, []byte{1, 2, 3})...)))},
		{name: "odd float data", want: "float_data: 5 bytes", model: onnxModel(pbBytes(5, append(pbVarint(2, onnxFloat), pbBytes(4, []byte{1, 2, 3, 4, 5})...)))},
		{name: "external data", want: "external data", model: onnxModel(pbBytes(5, append(pbVarint(2, onnxFloat), pbVarint(14, 1)...)))},
		{name: "bad attribute tensor", want: `node 0: attribute "value": raw_data`,
			model: onnxModel(onnxNodeProto("c", "Constant", nil, []string{"k"}, append(pbString(1, "value"), pbBytes(5, append(pbVarint(2, onnxFloat), pbBytes(9, []byte{1})...))...)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readONNXGraph(tc.model)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestReadONNXGraphLPRNet reads the shared LPRNet export: 58 nodes, its
// weights and its one output.
func TestReadONNXGraphLPRNet(t *testing.T) {
	b, err := os.ReadFile(shared(t, plateRecModel))
	require.NoError(t, err)
	g, err := readONNXGraph(b)
	require.NoError(t, err)
	require.Len(t, g.nodes, 58)
	require.Equal(t, []string{"126"}, g.outputs)
	w := g.inits["container.weight"]
	require.Equal(t, []int64{68, 516, 1, 1}, w.dims)
	require.Len(t, w.floats, 68*516)
}
