package opencv

import (
	"encoding/json"
	"image"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// vtestPath is the PETS 2009 S2L1 clip scripts/setup.sh fetches.
const vtestPath = "../../testvideos/data/vtest.avi"

// readVTest returns the first n frames of vtest.avi scaled to w×h.
func readVTest(t testing.TB, w, h, n int) []*analytics.Frame {
	t.Helper()
	var out []*analytics.Frame
	scanVTest(t, w, h, func(f *analytics.Frame) bool {
		c := *f
		c.Pix = append([]byte(nil), f.Pix...)
		out = append(out, &c)
		return len(out) < n
	})
	require.Len(t, out, n, "vtest.avi is shorter than expected")
	return out
}

// streamVTest calls fn with every frame of vtest.avi scaled to w×h, in order;
// the frame is only valid during the call.
func streamVTest(t testing.TB, w, h int, fn func(*analytics.Frame)) {
	t.Helper()
	scanVTest(t, w, h, func(f *analytics.Frame) bool { fn(f); return true })
}

// scanVTest is streamVTest that stops when fn returns false.
func scanVTest(t testing.TB, w, h int, fn func(*analytics.Frame) bool) {
	t.Helper()
	if _, err := os.Stat(vtestPath); err != nil {
		t.Skipf("test material missing: %s (run scripts/setup.sh): %v", vtestPath, err)
	}
	vc, err := gocv.VideoCaptureFile(vtestPath)
	require.NoError(t, err)
	defer vc.Close()
	img, scaled := gocv.NewMat(), gocv.NewMat()
	defer img.Close()
	defer scaled.Close()
	for seq := 0; vc.Read(&img) && !img.Empty(); seq++ {
		gocv.Resize(img, &scaled, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		if !fn(&analytics.Frame{Width: w, Height: h, Pix: scaled.ToBytes(), Seq: uint64(seq)}) {
			return
		}
	}
}

// vtestPersons loads testdata/vtest_persons.json: frame index to person boxes.
func vtestPersons(t testing.TB) map[int][]analytics.Box {
	t.Helper()
	b, err := os.ReadFile("testdata/vtest_persons.json")
	require.NoError(t, err)
	var file struct {
		Frames map[string][][4]float64 `json:"frames"`
	}
	require.NoError(t, json.Unmarshal(b, &file))
	out := map[int][]analytics.Box{}
	for k, boxes := range file.Frames {
		i, err := strconv.Atoi(k)
		require.NoError(t, err)
		for _, b := range boxes {
			out[i] = append(out[i], analytics.Box{X1: b[0], Y1: b[1], X2: b[2], Y2: b[3]})
		}
	}
	return out
}

// matchStats compares detections with reference persons, box by box at IoU 0.3.
type matchStats struct {
	boxes, one, none, multi int // detections matching one, no or several persons
	persons, personsTP      int // "person" detections, those matching a person
	refs, moving, found     int // reference persons, those any box matches, those a "person" box matches
}

func (s *matchStats) add(dets []analytics.Detection, ref []analytics.Box) {
	for _, d := range dets {
		n := 0
		for _, r := range ref {
			if d.Box.IoU(r) > 0.3 {
				n++
			}
		}
		s.boxes++
		switch n {
		case 0:
			s.none++
		case 1:
			s.one++
		default:
			s.multi++
		}
		if d.Class == "person" {
			s.persons++
			if n > 0 {
				s.personsTP++
			}
		}
	}
	for _, r := range ref {
		s.refs++
		moving, found := false, false
		for _, d := range dets {
			if d.Box.IoU(r) > 0.3 {
				moving = true
				found = found || d.Class == "person"
			}
		}
		if moving {
			s.moving++
		}
		if found {
			s.found++
		}
	}
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// runPETS feeds the first 300 vtest frames (640×480) to d and compares its
// output with the reference on every 5th frame from frame 30 on.
func runPETS(t *testing.T, d analytics.Detector) matchStats {
	frames := readVTest(t, 640, 480, 300)
	ref := vtestPersons(t)
	var s matchStats
	for i, f := range frames {
		dets, err := d.Detect(f)
		require.NoError(t, err)
		if r, ok := ref[i]; ok && i >= 30 {
			s.add(dets, r)
		}
	}
	return s
}
