package opencv

import "encoding/binary"

// A few lines of protobuf encoding, enough to write small ONNX graphs by hand
// for the model check tests (field numbers from onnx.proto).

func pbVarint(field int, v uint64) []byte {
	b := binary.AppendUvarint(nil, uint64(field)<<3)
	return binary.AppendUvarint(b, v)
}

func pbBytes(field int, parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}
	b := binary.AppendUvarint(nil, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(body)))
	return append(b, body...)
}

func pbString(field int, s string) []byte { return pbBytes(field, []byte(s)) }

// onnxFloatInput is a ValueInfoProto for a float tensor of the given shape.
func onnxValue(field int, name string, dims ...int) []byte {
	var shape [][]byte
	for _, d := range dims {
		shape = append(shape, pbBytes(1, pbVarint(1, uint64(d))))
	}
	tensor := pbBytes(1, pbVarint(1, 1), pbBytes(2, shape...)) // elem_type FLOAT
	return pbBytes(field, pbString(1, name), pbBytes(2, tensor))
}

// onnxOneNode returns a model with one node of opType from x [1,3,s,s] to y.
func onnxOneNode(opType string, opset, s int) []byte {
	node := onnxNodeProto("n0", opType, []string{"x"}, []string{"y"})
	graph := pbBytes(7, node, pbString(2, "g"), onnxValue(11, "x", 1, 3, s, s), onnxValue(12, "y", 1, 3, s, s))
	opsetImport := pbBytes(8, pbString(1, ""), pbVarint(2, uint64(opset)))
	return append(append(pbVarint(1, 7), opsetImport...), graph...)
}
