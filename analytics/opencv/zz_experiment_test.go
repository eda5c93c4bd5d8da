package opencv

import (
	"context"
	"encoding/json"
	"image"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

func readVTest(t testing.TB, w, maxFrames int) []*analytics.Frame {
	vc, err := gocv.VideoCaptureFile("../../testvideos/data/vtest.avi")
	require.NoError(t, err)
	defer vc.Close()
	img := gocv.NewMat()
	defer img.Close()
	var out []*analytics.Frame
	for len(out) < maxFrames && vc.Read(&img) && !img.Empty() {
		h := img.Rows() * w / img.Cols()
		s := gocv.NewMat()
		gocv.Resize(img, &s, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		out = append(out, &analytics.Frame{Width: w, Height: h, Pix: s.ToBytes(), Seq: uint64(len(out))})
		s.Close()
	}
	return out
}

func TestXRef(t *testing.T) {
	if os.Getenv("XEXP") == "" {
		t.Skip()
	}
	frames := readVTest(t, 640, 1000)
	d, err := NewONNX(context.Background(), ONNXConfig{Path: shared(t, "detect/yolox_nano.onnx"), Format: FormatYOLOX, InputSize: 640})
	require.NoError(t, err)
	defer d.Close()
	var all [][]analytics.Detection
	for _, f := range frames {
		dets, err := d.Detect(f)
		require.NoError(t, err)
		var p []analytics.Detection
		for _, x := range dets {
			if x.Class == "person" {
				p = append(p, x)
			}
		}
		all = append(all, p)
	}
	b, _ := json.Marshal(all)
	os.WriteFile("/tmp/vtest_yolox.json", b, 0o644)
}

func TestXMotion(t *testing.T) {
	if os.Getenv("XEXP") == "" {
		t.Skip()
	}
	var ref [][]analytics.Detection
	b, _ := os.ReadFile("/tmp/vtest_yolox.json")
	require.NoError(t, json.Unmarshal(b, &ref))
	frames := readVTest(t, 640, 1000)
	for _, cfg := range []MotionConfig{
		{},
		{MergeGap: -1},
		{MergeGap: 0.006},
		{MergeGap: 0.02},
		{VarThreshold: 16},
		{VarThreshold: 40},
		{History: 500},
		{History: 150},
	} {
		m, err := NewMotion(cfg)
		require.NoError(t, err)
		defer m.Close()
		var one, none, multi, refN, covered, total int
		var dur time.Duration
		for i, f := range frames {
			st := time.Now()
			dets, err := m.Detect(f)
			dur += time.Since(st)
			require.NoError(t, err)
			if i < 30 {
				continue
			}
			for _, d := range dets {
				total++
				n := 0
				for _, r := range ref[i] {
					if d.Box.IoU(r.Box) > 0.3 {
						n++
					}
				}
				switch n {
				case 0:
					none++
				case 1:
					one++
				default:
					multi++
				}
			}
			for _, r := range ref[i] {
				refN++
				for _, d := range dets {
					if d.Box.IoU(r.Box) > 0.3 {
						covered++
						break
					}
				}
			}
		}
		t.Logf("%+v", cfg)
		t.Logf("motion boxes %d: one %.2f none %.2f multi %.2f; ref persons %d covered %.2f; %.2f ms/frame",
			total, float64(one)/float64(total), float64(none)/float64(total), float64(multi)/float64(total),
			refN, float64(covered)/float64(refN), float64(dur.Microseconds())/1000/float64(len(frames)))
	}
}
