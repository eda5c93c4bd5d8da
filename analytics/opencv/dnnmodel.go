package opencv

import (
	"errors"
	"fmt"
	"image"
	"math"
	"unsafe"

	"gocv.io/x/gocv"
)

// tensor is one network output. data points into a Mat owned by the caller of
// forward and is valid only until that Mat is closed.
type tensor struct {
	shape []int
	data  []float32
}

// cols returns the last dimension and rows the product of the others.
func (t tensor) cols() int { return t.shape[len(t.shape)-1] }
func (t tensor) rows() int { return len(t.data) / max(t.cols(), 1) }

// candidate is one raw detection in network input pixels.
type candidate struct {
	class          int
	score          float32
	x1, y1, x2, y2 float32
}

// letterbox maps network input pixels back to frame pixels: x = (xin - padX) / r.
type letterbox struct {
	r, padX, padY float64
}

// dnnModel is a loaded network with its input canvas and blob buffer. One
// detector (or the model check) owns it; it is not safe for concurrent use.
type dnnModel struct {
	net      gocv.Net
	outNames []string
	format   modelFormat
	size     int
	canvas   gocv.Mat  // size×size BGR letterbox canvas, owned here
	blob     []float32 // 1×3×size×size network input, reused
}

// loadModel reads an ONNX file. OpenCV 4.6 aborts the process on some files it
// cannot import, so only call it in a process that may die (the model check
// child) or after CheckModel passed.
func loadModel(path string, format modelFormat, size int) (*dnnModel, error) {
	net := gocv.ReadNetFromONNX(path)
	if net.Empty() {
		_ = net.Close()
		return nil, errors.New("OpenCV returned an empty network")
	}
	m := &dnnModel{
		net:    net,
		format: format,
		size:   size,
		canvas: gocv.NewMatWithSize(size, size, gocv.MatTypeCV8UC3),
		blob:   make([]float32, 3*size*size),
	}
	for _, id := range net.GetUnconnectedOutLayers() {
		l := net.GetLayer(id)
		m.outNames = append(m.outNames, l.GetName())
		_ = l.Close()
	}
	return m, nil
}

func (m *dnnModel) close() {
	_ = m.net.Close()
	_ = m.canvas.Close()
}

// forward runs the network on img (BGR, any size). The caller owns the returned
// Mats, which back the tensors, and closes them with closeMats.
func (m *dnnModel) forward(img gocv.Mat) ([]gocv.Mat, []tensor, letterbox, error) {
	lb := m.letterbox(img)
	m.fillBlob()
	blob, err := gocv.NewMatWithSizesFromBytes([]int{1, 3, m.size, m.size}, gocv.MatTypeCV32F,
		unsafe.Slice((*byte)(unsafe.Pointer(&m.blob[0])), len(m.blob)*4))
	if err != nil {
		return nil, nil, lb, fmt.Errorf("network input: %w", err)
	}
	defer blob.Close()
	m.net.SetInput(blob, "")
	outs := m.net.ForwardLayers(m.outNames)
	ts := make([]tensor, len(outs))
	for i := range outs {
		data, err := outs[i].DataPtrFloat32()
		if err != nil {
			closeMats(outs)
			return nil, nil, lb, fmt.Errorf("output %d: %w", i, err)
		}
		ts[i] = tensor{shape: outs[i].Size(), data: data}
	}
	return outs, ts, lb, nil
}

func closeMats(ms []gocv.Mat) {
	for i := range ms {
		_ = ms[i].Close()
	}
}

// detect runs the network on img and decodes candidates scoring at least thr.
func (m *dnnModel) detect(img gocv.Mat, thr float32) ([]candidate, letterbox, error) {
	outs, ts, lb, err := m.forward(img)
	if err != nil {
		return nil, lb, err
	}
	defer closeMats(outs)
	if err := m.format.check(ts, m.size); err != nil {
		return nil, lb, err
	}
	var cands []candidate
	m.format.decode(ts, m.size, thr, func(c candidate) { cands = append(cands, c) })
	return cands, lb, nil
}

// letterbox scales img into the canvas keeping its aspect ratio, top-left or
// centred as the format wants, the rest filled with the format's pad value.
func (m *dnnModel) letterbox(img gocv.Mat) letterbox {
	w, h, s := img.Cols(), img.Rows(), m.size
	r := math.Min(float64(s)/float64(w), float64(s)/float64(h))
	nw := min(max(int(math.Round(float64(w)*r)), 1), s)
	nh := min(max(int(math.Round(float64(h)*r)), 1), s)
	px, py := 0, 0
	if m.format.centred {
		px, py = (s-nw)/2, (s-nh)/2
	}
	p := m.format.pad
	m.canvas.SetTo(gocv.NewScalar(p, p, p, 0))
	roi := m.canvas.Region(image.Rect(px, py, px+nw, py+nh))
	gocv.Resize(img, &roi, image.Pt(nw, nh), 0, 0, gocv.InterpolationLinear)
	_ = roi.Close()
	return letterbox{r: r, padX: float64(px), padY: float64(py)}
}

// fillBlob converts the canvas (HWC, BGR bytes) into the planar normalized blob.
func (m *dnnModel) fillBlob() {
	pix, _ := m.canvas.DataPtrUint8() // continuous CV_8UC3, cannot fail
	n := m.size * m.size
	b, g, r := m.blob[:n], m.blob[n:2*n], m.blob[2*n:]
	f := m.format
	sb, sg, sr := 1/f.std[0], 1/f.std[1], 1/f.std[2]
	for i := range n {
		b[i] = (float32(pix[3*i]) - f.mean[0]) * sb
		g[i] = (float32(pix[3*i+1]) - f.mean[1]) * sg
		r[i] = (float32(pix[3*i+2]) - f.mean[2]) * sr
	}
}
