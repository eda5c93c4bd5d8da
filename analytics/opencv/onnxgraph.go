package opencv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// onnxGraph is the part of an ONNX model that the engine inspects itself:
// the main graph's nodes in order, its float initializers and its output
// names. OpenCV runs the model; this reader only looks at its structure and
// a few weights (field numbers from onnx.proto).
type onnxGraph struct {
	nodes   []onnxNode
	inits   map[string]onnxTensor
	outputs []string
}

// onnxNode is one NodeProto.
type onnxNode struct {
	name, op        string
	inputs, outputs []string
	attrs           map[string]onnxAttr
}

// onnxAttr is one AttributeProto's value (the fields the engine reads).
type onnxAttr struct {
	f    float32
	i    int64
	ints []int64
	t    *onnxTensor
}

// onnxTensor is a TensorProto; floats holds the values of a FLOAT tensor
// (nil for other element types).
type onnxTensor struct {
	dims   []int64
	floats []float32
}

// size is the number of elements the dims describe.
func (t onnxTensor) size() int64 {
	n := int64(1)
	for _, d := range t.dims {
		n *= d
	}
	return n
}

const onnxFloat = 1 // TensorProto.DataType FLOAT

// producer returns the node whose first output is name.
func (g *onnxGraph) producer(name string) (onnxNode, bool) {
	for _, n := range g.nodes {
		if len(n.outputs) > 0 && n.outputs[0] == name {
			return n, true
		}
	}
	return onnxNode{}, false
}

// consumers counts the nodes that read name.
func (g *onnxGraph) consumers(name string) int {
	c := 0
	for _, n := range g.nodes {
		for _, in := range n.inputs {
			if in == name {
				c++
			}
		}
	}
	return c
}

// constant returns the tensor named name: an initializer or a Constant
// node's value.
func (g *onnxGraph) constant(name string) (onnxTensor, bool) {
	if t, ok := g.inits[name]; ok {
		return t, true
	}
	n, ok := g.producer(name)
	if !ok || n.op != "Constant" {
		return onnxTensor{}, false
	}
	a, ok := n.attrs["value"]
	if !ok || a.t == nil {
		return onnxTensor{}, false
	}
	return *a.t, true
}

// readONNXGraph parses a serialised ModelProto.
func readONNXGraph(b []byte) (*onnxGraph, error) {
	g := &onnxGraph{inits: map[string]onnxTensor{}}
	found := false
	err := eachField(b, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
		if num != 7 { // ModelProto.graph
			return nil
		}
		found = true
		return g.read(v)
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("onnx: %w", err)
	case !found:
		return nil, errors.New("onnx: no graph in the model")
	}
	return g, nil
}

// read parses a GraphProto.
func (g *onnxGraph) read(b []byte) error {
	return eachField(b, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
		switch num {
		case 1: // node
			n, err := readONNXNode(v)
			if err != nil {
				return fmt.Errorf("node %d: %w", len(g.nodes), err)
			}
			g.nodes = append(g.nodes, n)
		case 5: // initializer
			name, t, err := readONNXTensor(v)
			if err != nil {
				return fmt.Errorf("initializer %q: %w", name, err)
			}
			g.inits[name] = t
		case 12: // output (ValueInfoProto; its name is field 1)
			return eachField(v, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
				if num == 1 {
					g.outputs = append(g.outputs, string(v))
				}
				return nil
			})
		}
		return nil
	})
}

func readONNXNode(b []byte) (onnxNode, error) {
	n := onnxNode{attrs: map[string]onnxAttr{}}
	err := eachField(b, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
		switch num {
		case 1:
			n.inputs = append(n.inputs, string(v))
		case 2:
			n.outputs = append(n.outputs, string(v))
		case 3:
			n.name = string(v)
		case 4:
			n.op = string(v)
		case 5:
			name, a, err := readONNXAttr(v)
			if err != nil {
				return fmt.Errorf("attribute %q: %w", name, err)
			}
			n.attrs[name] = a
		}
		return nil
	})
	return n, err
}

func readONNXAttr(b []byte) (string, onnxAttr, error) {
	var name string
	var a onnxAttr
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			name = string(v)
		case 2:
			a.f = math.Float32frombits(uint32(x))
		case 3:
			a.i = int64(x)
		case 5:
			_, t, err := readONNXTensor(v)
			if err != nil {
				return err
			}
			a.t = &t
		case 8:
			return appendInts(&a.ints, typ, v, x)
		}
		return nil
	})
	return name, a, err
}

// readONNXTensor parses a TensorProto and returns its name.
func readONNXTensor(b []byte) (string, onnxTensor, error) {
	var (
		name     string
		t        onnxTensor
		dataType uint64
		raw      []byte
		floats   []float32
	)
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			return appendInts(&t.dims, typ, v, x)
		case 2:
			dataType = x
		case 4: // float_data
			if typ == protowire.Fixed32Type {
				floats = append(floats, math.Float32frombits(uint32(x)))
				return nil
			}
			var err error
			floats, err = appendLEFloats(floats, v, "float_data")
			return err
		case 8:
			name = string(v)
		case 9:
			raw = v
		case 14: // data_location EXTERNAL
			if x == 1 {
				return errors.New("external data is not supported")
			}
		}
		return nil
	})
	if err != nil || dataType != onnxFloat {
		return name, t, err
	}
	if raw != nil {
		if floats, err = appendLEFloats(nil, raw, "raw_data"); err != nil {
			return name, t, err
		}
	}
	if int64(len(floats)) != t.size() {
		return name, t, fmt.Errorf("%d values for dims %v", len(floats), t.dims)
	}
	t.floats = floats
	return name, t, nil
}

// appendLEFloats appends the little-endian float32 values packed in v, the
// payload of the field named field.
func appendLEFloats(dst []float32, v []byte, field string) ([]float32, error) {
	if len(v)%4 != 0 {
		return dst, fmt.Errorf("%s: %d bytes", field, len(v))
	}
	for i := 0; i < len(v); i += 4 {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(v[i:])))
	}
	return dst, nil
}

// appendInts adds a repeated int64 field's value: one varint, or a packed run.
func appendInts(dst *[]int64, typ protowire.Type, v []byte, x uint64) error {
	if typ == protowire.VarintType {
		*dst = append(*dst, int64(x))
		return nil
	}
	for len(v) > 0 {
		u, n := protowire.ConsumeVarint(v)
		if n < 0 {
			return protowire.ParseError(n)
		}
		*dst = append(*dst, int64(u))
		v = v[n:]
	}
	return nil
}

// eachField calls fn for each field of the message b: v is the payload of a
// length-delimited field, x the value of a varint or fixed field.
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var (
			v []byte
			x uint64
		)
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var u uint32
			u, n = protowire.ConsumeFixed32(b)
			x = uint64(u)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}
