package opencv

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

var errPlateClosed = errors.New("plate onnx: engine closed")

// Read finds the plates inside roi of pic (the empty rectangle means the whole
// picture), rectifies and reads each one whose height is at least minHeight
// pixels (0: DefaultPlateMinHeight). It never keeps pic.Pix.
func (e *PlateONNX) Read(pic plate.Picture, roi image.Rectangle, minHeight int) ([]plate.Finding, error) {
	switch {
	case e.closed:
		return nil, errPlateClosed
	case e.det == nil:
		return nil, errors.New("plate onnx: plate detector model not configured")
	}
	img, err := pictureMat(pic)
	if err != nil {
		return nil, fmt.Errorf("plate onnx: %w", err)
	}
	defer img.Close()
	bounds := image.Rect(0, 0, pic.W, pic.H)
	if roi, err = clipROI(roi, bounds); err != nil {
		return nil, fmt.Errorf("plate onnx: %w", err)
	}
	if minHeight <= 0 {
		minHeight = DefaultPlateMinHeight
	}
	boxes, err := e.detect(img, roi)
	if err != nil {
		return nil, fmt.Errorf("plate onnx: detector: %w", err)
	}
	var found []plate.Finding
	for _, b := range boxes {
		if _, h := quadSize(b.corners); h < float64(minHeight) {
			continue
		}
		if b, err = e.refineBox(img, roi, b); err != nil {
			return nil, fmt.Errorf("plate onnx: detector: %w", err)
		}
		f, err := e.readBox(img, b, bounds)
		if err != nil {
			return nil, fmt.Errorf("plate onnx: %w", err)
		}
		found = append(found, f)
	}
	return found, nil
}

// clipROI clips roi to the picture; the empty rectangle means all of it.
func clipROI(roi, bounds image.Rectangle) (image.Rectangle, error) {
	switch in := roi.Intersect(bounds); {
	case roi.Empty():
		return bounds, nil
	case in.Empty():
		return in, fmt.Errorf("roi %v: outside the %dx%d picture", roi, bounds.Dx(), bounds.Dy())
	default:
		return in, nil
	}
}

// detect runs the detector on roi of img and returns the plates in picture pixels.
func (e *PlateONNX) detect(img gocv.Mat, roi image.Rectangle) ([]plateBox, error) {
	sub := img.Region(roi)
	defer sub.Close()
	boxes, err := e.det.detect(sub)
	if err != nil {
		return nil, err
	}
	dx, dy := float64(roi.Min.X), float64(roi.Min.Y)
	for i := range boxes {
		b := &boxes[i]
		b.x1, b.y1, b.x2, b.y2 = b.x1+dx, b.y1+dy, b.x2+dx, b.y2+dy
		for k := range b.corners {
			b.corners[k].x += dx
			b.corners[k].y += dy
		}
	}
	return boxes, nil
}

// refineBox runs the detector again on a square window of e.refine plate
// widths around b, where the plate fills more of the network input, and
// returns the plate found there that overlaps b best (b itself when none does,
// or when the window is not smaller than roi).
func (e *PlateONNX) refineBox(img gocv.Mat, roi image.Rectangle, b plateBox) (plateBox, error) {
	side := e.refine * max(b.x2-b.x1, b.y2-b.y1)
	if e.refine == 0 || side*plateRefineGain > float64(max(roi.Dx(), roi.Dy())) {
		return b, nil
	}
	cx, cy := (b.x1+b.x2)/2, (b.y1+b.y2)/2
	win := image.Rect(int(cx-side/2), int(cy-side/2), int(math.Ceil(cx+side/2)), int(math.Ceil(cy+side/2))).Intersect(roi)
	boxes, err := e.detect(img, win)
	if err != nil {
		return b, err
	}
	best, bestIoU := b, 0.5
	for _, r := range boxes {
		if iou := boxIoU(r, b); iou > bestIoU {
			best, bestIoU = r, iou
		}
	}
	return best, nil
}

// readBox rectifies, reads and colours one detected plate.
func (e *PlateONNX) readBox(img gocv.Mat, b plateBox, bounds image.Rectangle) (plate.Finding, error) {
	crop := rectifyPlate(img, b.corners, e.expandW, e.expandH)
	defer crop.Close()
	f, err := e.readCrop(crop, b.double)
	if err != nil {
		return f, err
	}
	f.Box = image.Rect(int(math.Floor(b.x1)), int(math.Floor(b.y1)), int(math.Ceil(b.x2)), int(math.Ceil(b.y2))).Intersect(bounds)
	for k, c := range b.corners {
		f.Corners[k] = image.Pt(int(math.Round(c.x)), int(math.Round(c.y)))
	}
	f.DetectConf = b.score
	return f, nil
}

// readCrop colours and reads a rectified plate: with the configured Reader,
// or with the recogniser model (and, with Vote, the other reader too). Crop is
// a copy of crop.
func (e *PlateONNX) readCrop(crop gocv.Mat, double bool) (plate.Finding, error) {
	f := plate.Finding{DoubleRow: double, Crop: matPicture(crop)}
	var err error
	if f.Color, f.ColorConf, err = e.col.classify(crop, f.Crop); err != nil {
		return f, err
	}
	if e.cfg.Reader != nil {
		r, err := readOther(e.cfg.Reader, crop, double, e.expandW, e.expandH)
		if err != nil {
			return plate.Finding{}, fmt.Errorf("reader: %w", err)
		}
		f.Text, f.CharConf, f.Conf, f.DoubleRow = r.Text, r.CharConf, r.Conf, r.DoubleRow
		return f, nil
	}
	// A blue plate is an ordinary one of 7 characters (GA 36).
	t, err := e.rec.readPlate(crop, double, e.splitRows, f.Color == plate.ColorBlue)
	if err != nil {
		return plate.Finding{}, fmt.Errorf("recognizer: %w", err)
	}
	f.Text, f.CharConf = string(t.text), t.conf
	for _, c := range t.conf {
		f.Conf += c / float64(len(t.conf))
	}
	if e.cfg.Vote == nil {
		return f, nil
	}
	g, err := readOther(e.cfg.Vote, crop, double, e.expandW, e.expandH)
	if err != nil {
		return plate.Finding{}, fmt.Errorf("vote: %w", err)
	}
	return voteReads(f, g, e.rec.chars), nil
}

// voteReads votes the reads a (the recogniser model's, which keeps its colour
// and crop) and b of one plate character by character by confidence; a read
// that is not a valid plate weighs half (plate.Consensus). On a plate that is
// neither blue nor green, where b reads a character that is not in charset,
// the model's classes, the model cannot have read it and abstains there
// (LPRNet has no 学 警 挂 港 澳 使 领, which GA 36 puts only on yellow, white
// and black plates). When no vote stands, the more confident read is kept.
func voteReads(a, b plate.Finding, charset []rune) plate.Finding {
	ac := slices.Clone(a.CharConf)
	special := a.Color != plate.ColorBlue && a.Color != plate.ColorGreen
	if rb := []rune(b.Text); special && len(rb) == len([]rune(a.Text)) && len(ac) == len(rb) {
		for i, r := range rb {
			if !slices.Contains(charset, r) {
				ac[i] = 0
			}
		}
	}
	c := plate.NewConsensus(plate.ConsensusOptions{AcceptUnknown: true})
	c.Add(plate.Read{Text: a.Text, CharConf: ac, Conf: a.Conf})
	c.Add(plate.Read{Text: b.Text, CharConf: b.CharConf, Conf: b.Conf})
	r, ok := c.Result()
	switch {
	case ok:
		a.Text, a.CharConf, a.Conf = r.Text, r.CharConf, r.Conf
	case b.Conf > a.Conf:
		a.Text, a.CharConf, a.Conf = b.Text, b.CharConf, b.Conf
	}
	a.DoubleRow = a.DoubleRow || b.DoubleRow
	return a
}

// Recognize reads a picture that already is a rectified plate. A picture
// narrower than 2.5× its height is read as a two-row plate. Box and Corners
// cover the whole picture, DetectConf is 1 and Crop is a copy of it.
func (e *PlateONNX) Recognize(crop plate.Picture) (plate.Finding, error) {
	if e.closed {
		return plate.Finding{}, errPlateClosed
	}
	img, err := pictureMat(crop)
	if err != nil {
		return plate.Finding{}, fmt.Errorf("plate onnx: %w", err)
	}
	defer img.Close()
	f, err := e.readCrop(img, float64(crop.W) < plateDoubleAspect*float64(crop.H))
	if err != nil {
		return f, fmt.Errorf("plate onnx: %w", err)
	}
	f.Box = image.Rect(0, 0, crop.W, crop.H)
	f.Corners = [4]image.Point{{0, 0}, {crop.W, 0}, {crop.W, crop.H}, {0, crop.H}}
	f.DetectConf = 1
	return f, nil
}

// readOther has r read a rectified plate (its text, confidences and row
// count only). double is the detector's row count; the quad was widened by
// expandW and expandH.
func readOther(r plate.Recognizer, crop gocv.Mat, double bool, expandW, expandH float64) (plate.Finding, error) {
	read := matPicture(crop)
	if w, h := crop.Cols(), crop.Rows(); !double && float64(w) < plateDoubleAspect*float64(h) {
		// A one-row plate seen from the side: the quad keeps its foreshortened
		// width. Readers that segment characters want the plate's own shape
		// (440×140 mm, widened like the quad), so stretch it back.
		sw := int(math.Round(float64(h) * plateAspect * (1 + expandW) / (1 + expandH)))
		wide := gocv.NewMat()
		defer wide.Close()
		gocv.Resize(crop, &wide, image.Pt(sw, h), 0, 0, gocv.InterpolationLinear)
		read = matPicture(wide)
	}
	f, err := r.Recognize(read)
	if err != nil {
		return plate.Finding{}, err
	}
	return plate.Finding{Text: f.Text, CharConf: f.CharConf, Conf: f.Conf, DoubleRow: double || f.DoubleRow}, nil
}
