package opencv

import (
	"errors"
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// plateNet is one loaded plate network (detector, recogniser or colour
// classifier) and its output names. Its owner (a PlateONNX or the model check)
// closes it; it is not safe for concurrent use.
type plateNet struct {
	net      gocv.Net
	outNames []string
}

// loadPlateNet reads an ONNX file. OpenCV 4.6 aborts the process on some files
// it cannot import: call it only after the model check passed, or in the child.
func loadPlateNet(path string) (*plateNet, error) {
	net := gocv.ReadNetFromONNX(path)
	if net.Empty() {
		_ = net.Close()
		return nil, errors.New("OpenCV returned an empty network")
	}
	n := &plateNet{net: net}
	for _, id := range net.GetUnconnectedOutLayers() {
		l := net.GetLayer(id)
		n.outNames = append(n.outNames, l.GetName())
		_ = l.Close()
	}
	return n, nil
}

// layerNames lists the net's layer names. gocv v0.31's GetLayerNames hands
// back strings whose C storage is already freed, so only its length is used;
// each name is read through GetLayer (ids 1..n: 0 is the input).
func (n *plateNet) layerNames() []string {
	count := len(n.net.GetLayerNames())
	names := make([]string, 0, count)
	for id := 1; id <= count; id++ {
		l := n.net.GetLayer(id)
		names = append(names, l.GetName())
		_ = l.Close()
	}
	return names
}

func (n *plateNet) close() {
	if n != nil {
		_ = n.net.Close()
	}
}

// forward runs the network on blob (NCHW float32, owned by the caller). The
// caller owns the returned Mats, which back the tensors, and closes them with
// closeMats.
func (n *plateNet) forward(blob gocv.Mat) ([]gocv.Mat, []tensor, error) {
	return n.forwardLayers(blob, n.outNames)
}

// forwardLayers is forward returning the outputs of the named layers.
func (n *plateNet) forwardLayers(blob gocv.Mat, names []string) ([]gocv.Mat, []tensor, error) {
	n.net.SetInput(blob, "")
	outs := n.net.ForwardLayers(names)
	ts := make([]tensor, len(outs))
	for i := range outs {
		data, err := outs[i].DataPtrFloat32()
		if err != nil {
			closeMats(outs)
			return nil, nil, fmt.Errorf("output %d: %w", i, err)
		}
		ts[i] = tensor{shape: outs[i].Size(), data: data}
	}
	return outs, ts, nil
}

// plainBlob resizes img (BGR) to w×h without keeping the aspect ratio and
// returns the NCHW blob ((x - mean) × scale, BGR order). The caller owns it.
func plainBlob(img gocv.Mat, w, h int, scale, mean float64) gocv.Mat {
	return gocv.BlobFromImage(img, scale, image.Pt(w, h), gocv.NewScalar(mean, mean, mean, 0), false, false)
}

// pictureMat wraps p.Pix without copying. The caller owns the Mat, must close
// it before p.Pix is given back and must not write into it.
func pictureMat(p plate.Picture) (gocv.Mat, error) {
	if !p.Valid() {
		return gocv.Mat{}, fmt.Errorf("picture %dx%d with %d bytes: want a non-empty BGR picture of %d bytes",
			p.W, p.H, len(p.Pix), max(p.W*p.H*3, 0))
	}
	return gocv.NewMatFromBytes(p.H, p.W, gocv.MatTypeCV8UC3, p.Pix[:p.W*p.H*3])
}

// matPicture copies a BGR Mat into a new Picture owned by the caller.
func matPicture(m gocv.Mat) plate.Picture {
	return plate.Picture{W: m.Cols(), H: m.Rows(), Pix: m.ToBytes()}
}
