package opencv

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHOGPictures(t *testing.T) {
	for _, tc := range []struct {
		name, image string
		width       int
		upscale     float64
	}{
		{name: "bus", image: "images/bus.jpg", width: 0},
		{name: "bus 640", image: "images/bus.jpg", width: 640},
		{name: "zidane", image: "images/zidane.jpg", width: 0},
		{name: "zidane 640", image: "images/zidane.jpg", width: 640},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewHOG(HOGConfig{Upscale: tc.upscale})
			require.NoError(t, err)
			defer d.Close()
			f := loadFrame(t, shared(t, tc.image), tc.width)
			dets, err := d.Detect(f)
			require.NoError(t, err)
			t.Logf("%dx%d", f.Width, f.Height)
			for _, d := range dets {
				t.Logf("%s %.2f %.3f %.3f %.3f %.3f", d.Class, d.Score, d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2)
			}
		})
	}
}
