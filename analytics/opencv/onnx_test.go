package opencv

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

const (
	yoloxModel   = "detect/yolox_nano.onnx"
	nanodetModel = "detect/object_detection_nanodet_2022nov.onnx"
)

// zidanePersons are the two men in images/zidane.jpg (normalized, checked by eye).
var zidanePersons = []analytics.Box{
	{X1: 0.11, Y1: 0.28, X2: 0.55, Y2: 0.99},
	{X1: 0.56, Y1: 0.06, X2: 0.90, Y2: 0.98},
}

func TestONNXPictures(t *testing.T) {
	for _, tc := range []struct {
		name, model, format, image string
		size, width                int
		persons                    []analytics.Box
		bus                        bool
	}{
		{name: "yolox 416 bus", model: yoloxModel, format: FormatYOLOX, image: "images/bus.jpg", persons: busPersons, bus: true},
		{name: "yolox 320 bus", model: yoloxModel, format: FormatYOLOX, size: 320, image: "images/bus.jpg", persons: busPersons, bus: true},
		{name: "yolox 640 bus at 480 wide", model: yoloxModel, format: FormatYOLOX, size: 640, width: 480, image: "images/bus.jpg", persons: busPersons, bus: true},
		{name: "yolox 416 zidane at 640x360", model: yoloxModel, format: FormatYOLOX, width: 640, image: "images/zidane.jpg", persons: zidanePersons},
		{name: "nanodet 416 bus", model: nanodetModel, format: FormatNanoDet, image: "images/bus.jpg", persons: busPersons, bus: true},
		{name: "nanodet 416 zidane at 640x360", model: nanodetModel, format: FormatNanoDet, width: 640, image: "images/zidane.jpg", persons: zidanePersons},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewONNX(context.Background(), ONNXConfig{Path: shared(t, tc.model), Format: tc.format, InputSize: tc.size})
			require.NoError(t, err)
			defer d.Close()
			dets, err := d.Detect(loadFrame(t, shared(t, tc.image), tc.width))
			require.NoError(t, err)
			t.Log(dets)
			for i, p := range tc.persons {
				require.True(t, hasBox(dets, "person", p, 0.6), "person %d at %v", i, p)
			}
			if tc.bus {
				require.True(t, hasBox(dets, "bus", busBus, 0.7), "the bus")
			}
			for _, d := range dets {
				require.Contains(t, []string{"person", "bus", "truck", "car"}, d.Class)
				require.GreaterOrEqual(t, d.Score, DefaultScoreThreshold)
				require.True(t, d.Box.X1 >= 0 && d.Box.X1 < d.Box.X2 && d.Box.X2 <= 1, "box %v", d.Box)
				require.True(t, d.Box.Y1 >= 0 && d.Box.Y1 < d.Box.Y2 && d.Box.Y2 <= 1, "box %v", d.Box)
			}
		})
	}
}

func TestONNXOptions(t *testing.T) {
	bus := loadFrame(t, shared(t, "images/bus.jpg"), 0)
	for _, tc := range []struct {
		name  string
		cfg   ONNXConfig
		check func(t *testing.T, dets []analytics.Detection)
	}{
		{
			name: "class map renames and drops",
			cfg:  ONNXConfig{Classes: map[int]string{5: "coach"}},
			check: func(t *testing.T, dets []analytics.Detection) {
				require.Len(t, dets, 1)
				require.Equal(t, "coach", dets[0].Class)
			},
		},
		{
			name:  "high threshold",
			cfg:   ONNXConfig{ScoreThreshold: 0.99},
			check: func(t *testing.T, dets []analytics.Detection) { require.Empty(t, dets) },
		},
		{
			name: "NMS IoU 1 keeps overlapping boxes",
			cfg:  ONNXConfig{NMSIoU: 1},
			check: func(t *testing.T, dets []analytics.Detection) {
				require.Greater(t, len(dets), 10, "raw candidates survive")
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Path, tc.cfg.Format = shared(t, yoloxModel), FormatYOLOX
			d, err := NewONNX(context.Background(), tc.cfg)
			require.NoError(t, err)
			defer d.Close()
			dets, err := d.Detect(bus)
			require.NoError(t, err)
			tc.check(t, dets)
		})
	}
}

func TestNewONNXRejects(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "garbage.onnx")
	require.NoError(t, os.WriteFile(garbage, []byte("not a model"), 0o600))
	for _, tc := range []struct {
		name    string
		cfg     ONNXConfig
		wantErr string
	}{
		{name: "size not a multiple of 32", cfg: ONNXConfig{Path: garbage, Format: FormatYOLOX, InputSize: 400}, wantErr: "multiple of 32"},
		{name: "score threshold", cfg: ONNXConfig{Path: garbage, Format: FormatYOLOX, ScoreThreshold: 2}, wantErr: "score threshold"},
		{name: "format", cfg: ONNXConfig{Path: garbage, Format: "ssd"}, wantErr: "unknown model format"},
		{name: "garbage file", cfg: ONNXConfig{Path: garbage, Format: FormatYOLOX}, wantErr: "OpenCV cannot load it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewONNX(context.Background(), tc.cfg)
			require.ErrorContains(t, err, tc.wantErr)
			require.Nil(t, d)
		})
	}
}

func TestNMS(t *testing.T) {
	box := func(x float64) analytics.Box { return analytics.Box{X1: x, Y1: 0, X2: x + 0.2, Y2: 0.4} }
	for _, tc := range []struct {
		name string
		in   []analytics.Detection
		want []analytics.Detection
	}{
		{
			name: "overlap of one class keeps the best",
			in:   []analytics.Detection{{Class: "car", Score: 0.5, Box: box(0)}, {Class: "car", Score: 0.9, Box: box(0.02)}},
			want: []analytics.Detection{{Class: "car", Score: 0.9, Box: box(0.02)}},
		},
		{
			name: "overlap of two classes keeps both",
			in:   []analytics.Detection{{Class: "car", Score: 0.5, Box: box(0)}, {Class: "truck", Score: 0.9, Box: box(0.02)}},
			want: []analytics.Detection{{Class: "truck", Score: 0.9, Box: box(0.02)}, {Class: "car", Score: 0.5, Box: box(0)}},
		},
		{
			name: "apart kept, best first",
			in:   []analytics.Detection{{Class: "car", Score: 0.5, Box: box(0)}, {Class: "car", Score: 0.9, Box: box(0.5)}},
			want: []analytics.Detection{{Class: "car", Score: 0.9, Box: box(0.5)}, {Class: "car", Score: 0.5, Box: box(0)}},
		},
		{name: "empty", in: nil, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, nms(tc.in, DefaultNMSIoU))
		})
	}
}
