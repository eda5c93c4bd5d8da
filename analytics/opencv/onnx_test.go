package opencv

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestONNXBus(t *testing.T) {
	for _, tc := range []struct {
		name, model, format string
		size                int
	}{
		{name: "yolox 416", model: "detect/yolox_nano.onnx", format: FormatYOLOX, size: 416},
		{name: "yolox 640", model: "detect/yolox_nano.onnx", format: FormatYOLOX, size: 640},
		{name: "nanodet 416", model: "detect/object_detection_nanodet_2022nov.onnx", format: FormatNanoDet, size: 416},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewONNX(context.Background(), ONNXConfig{Path: shared(t, tc.model), Format: tc.format, InputSize: tc.size})
			require.NoError(t, err)
			defer d.Close()
			f := loadFrame(t, shared(t, "images/bus.jpg"), 0)
			dets, err := d.Detect(f)
			require.NoError(t, err)
			for _, d := range dets {
				t.Logf("%s %.2f %.3f %.3f %.3f %.3f", d.Class, d.Score, d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2)
			}
		})
	}
}
