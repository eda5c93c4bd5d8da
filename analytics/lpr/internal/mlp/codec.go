package mlp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// File format, little endian:
//
//	"LPRM" version(u32=1) in hidden out (u32)
//	labels: byte length (u32) + UTF-8
//	mean, std: in × f32 each
//	layer 1: hidden rows of (scale f32, in × i8), then hidden × f32 biases
//	layer 2: out rows of (scale f32, hidden × i8), then out × f32 biases
//
// Weights are quantised to int8 with one scale per row (max |w| / 127), which keeps
// the character model near 150 KB; the trainer measures accuracy after quantising.
const (
	magic   = "LPRM"
	version = 1
	// maxDim bounds every dimension a file may declare.
	maxDim = 1 << 16
)

// MarshalBinary encodes n (quantising its weights).
func (n *Net) MarshalBinary() ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(magic)
	labels := string(n.Labels)
	for _, v := range []uint32{version, uint32(n.In), uint32(n.Hidden), uint32(n.Out), uint32(len(labels))} {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString(labels)
	_ = binary.Write(&b, binary.LittleEndian, n.Mean)
	_ = binary.Write(&b, binary.LittleEndian, n.Std)
	writeLayer(&b, n.W1, n.B1, n.In)
	writeLayer(&b, n.W2, n.B2, n.Hidden)
	return b.Bytes(), nil
}

func writeLayer(b *bytes.Buffer, w, bias []float32, cols int) {
	q := make([]int8, cols)
	for r := 0; r < len(w); r += cols {
		row := w[r : r+cols]
		var m float32
		for _, v := range row {
			m = max(m, float32(math.Abs(float64(v))))
		}
		scale := m / 127
		for i, v := range row {
			if scale > 0 {
				q[i] = int8(math.Round(float64(v / scale)))
			} else {
				q[i] = 0
			}
		}
		_ = binary.Write(b, binary.LittleEndian, scale)
		_ = binary.Write(b, binary.LittleEndian, q)
	}
	_ = binary.Write(b, binary.LittleEndian, bias)
}

// Decode reads a net written by MarshalBinary.
func Decode(data []byte) (*Net, error) {
	n, rest, err := decodeOne(data)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("mlp: %d bytes after the model", len(rest))
	}
	return n, nil
}

// DecodeAll reads one or more nets written back to back by MarshalBinary (an
// ensemble).
func DecodeAll(data []byte) ([]*Net, error) {
	var nets []*Net
	for len(data) > 0 || len(nets) == 0 {
		n, rest, err := decodeOne(data)
		if err != nil {
			return nil, fmt.Errorf("model %d: %w", len(nets)+1, err)
		}
		nets = append(nets, n)
		data = rest
	}
	return nets, nil
}

// decodeOne reads the net at the start of data and returns the bytes after it.
func decodeOne(data []byte) (*Net, []byte, error) {
	r := bytes.NewReader(data)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != magic {
		return nil, nil, errors.New("mlp: not a model file (bad magic)")
	}
	var dims [5]uint32
	if err := binary.Read(r, binary.LittleEndian, &dims); err != nil {
		return nil, nil, fmt.Errorf("mlp: read header: %w", err)
	}
	if dims[0] != version {
		return nil, nil, fmt.Errorf("mlp: model version %d, want %d", dims[0], version)
	}
	for i, d := range dims[1:] {
		if d == 0 || d > maxDim {
			return nil, nil, fmt.Errorf("mlp: header field %d is %d, want 1..%d", i+1, d, maxDim)
		}
	}
	n := &Net{In: int(dims[1]), Hidden: int(dims[2]), Out: int(dims[3])}
	labels := make([]byte, dims[4])
	if _, err := io.ReadFull(r, labels); err != nil || !utf8.Valid(labels) {
		return nil, nil, errors.New("mlp: read labels: truncated or not UTF-8")
	}
	n.Labels = []rune(string(labels))
	want := 2*4*n.In + n.Hidden*(4+n.In+4) + n.Out*(4+n.Hidden+4)
	if r.Len() < want {
		return nil, nil, fmt.Errorf("mlp: body has %d bytes, want %d", r.Len(), want)
	}
	n.Mean, n.Std = make([]float32, n.In), make([]float32, n.In)
	_ = binary.Read(r, binary.LittleEndian, n.Mean)
	_ = binary.Read(r, binary.LittleEndian, n.Std)
	for i, s := range n.Std {
		if !(s > 0) {
			return nil, nil, fmt.Errorf("mlp: std[%d] is %g, want > 0", i, s)
		}
	}
	n.W1, n.B1 = readLayer(r, n.Hidden, n.In)
	n.W2, n.B2 = readLayer(r, n.Out, n.Hidden)
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	return n, data[len(data)-r.Len():], nil
}

// readLayer reads rows×cols quantised weights and rows biases; the caller checked
// the length.
func readLayer(r *bytes.Reader, rows, cols int) ([]float32, []float32) {
	w := make([]float32, rows*cols)
	q := make([]int8, cols)
	for j := range rows {
		var scale float32
		_ = binary.Read(r, binary.LittleEndian, &scale)
		_ = binary.Read(r, binary.LittleEndian, q)
		for i, v := range q {
			w[j*cols+i] = float32(v) * scale
		}
	}
	b := make([]float32, rows)
	_ = binary.Read(r, binary.LittleEndian, b)
	return w, b
}
