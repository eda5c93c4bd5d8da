package opencv

import (
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/require"
	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestPlateExpandQuad(t *testing.T) {
	c := [4]corner{{10, 20}, {110, 20}, {110, 50}, {10, 50}}
	q, w, h := expandQuad(c, 0.06, 0.12)
	require.InDeltaSlice(t, []float64{7, 18.2, 113, 18.2, 113, 51.8, 7, 51.8},
		[]float64{q[0].x, q[0].y, q[1].x, q[1].y, q[2].x, q[2].y, q[3].x, q[3].y}, 1e-9)
	require.InDelta(t, 106, w, 1e-9)
	require.InDelta(t, 33.6, h, 1e-9)
	w, h = quadSize(c)
	require.Equal(t, []float64{100, 30}, []float64{w, h})
}

// bgrPicture draws filled rectangles of colours (BGR) on a background.
func bgrPicture(w, h int, bg color.RGBA, rects map[image.Rectangle]color.RGBA) gocv.Mat {
	m := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(float64(bg.B), float64(bg.G), float64(bg.R), 0), h, w, gocv.MatTypeCV8UC3)
	for r, c := range rects {
		gocv.Rectangle(&m, r, c, -1)
	}
	return m
}

func TestPlateRectify(t *testing.T) {
	white := color.RGBA{255, 255, 255, 0}
	for _, tc := range []struct {
		name    string
		rect    image.Rectangle
		corners [4]corner
		w, h    int
	}{
		{name: "upright", rect: image.Rect(50, 30, 150, 60), corners: [4]corner{{50, 30}, {150, 30}, {150, 60}, {50, 60}}, w: 100, h: 30},
		{name: "standing on end is turned", rect: image.Rect(80, 10, 110, 110), corners: [4]corner{{80, 10}, {110, 10}, {110, 110}, {80, 110}}, w: 100, h: 30},
		{name: "wide plates are scaled down", rect: image.Rect(0, 40, 600, 100), corners: [4]corner{{0, 40}, {600, 40}, {600, 100}, {0, 100}}, w: plateMaxCropW, h: 38},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := bgrPicture(640, 200, color.RGBA{}, map[image.Rectangle]color.RGBA{tc.rect: white})
			defer img.Close()
			out := rectifyPlate(img, tc.corners, 0, 0)
			defer out.Close()
			require.Equal(t, []int{tc.w, tc.h}, []int{out.Cols(), out.Rows()})
			mean := out.Mean()
			require.Greater(t, mean.Val1, 240.0, "the plate fills the crop")
		})
	}
	t.Run("two rows side by side", func(t *testing.T) {
		img := bgrPicture(100, 50, white, nil)
		defer img.Close()
		top, bottom := plateRows(img)
		defer top.Close()
		defer bottom.Close()
		require.Equal(t, []int{100, 20, 100, 30}, []int{top.Cols(), top.Rows(), bottom.Cols(), bottom.Rows()})
		line := sideBySide(top, bottom)
		defer line.Close()
		require.Equal(t, []int{200, 30}, []int{line.Cols(), line.Rows()})
	})
}

func TestPlateNMS(t *testing.T) {
	boxes := []plateBox{
		{x1: 0, y1: 0, x2: 100, y2: 30, score: 0.6},
		{x1: 5, y1: 0, x2: 105, y2: 30, score: 0.9},   // same plate, better
		{x1: 200, y1: 0, x2: 300, y2: 30, score: 0.4}, // another plate
	}
	kept := plateNMS(boxes, plateNMSIoU)
	require.Len(t, kept, 2)
	require.Equal(t, 0.9, kept[0].score)
	require.Equal(t, 0.4, kept[1].score)
	require.Empty(t, plateNMS(nil, plateNMSIoU))
}

// TestPlateColor checks the colour rule on drawn plates: the model for blue,
// the pixel classifier for white and black, which the model cannot name.
func TestPlateColor(t *testing.T) {
	chars := func(c color.RGBA) map[image.Rectangle]color.RGBA {
		m := map[image.Rectangle]color.RGBA{}
		for i := range 7 {
			m[image.Rect(12+i*24, 10, 24+i*24, 38)] = c
		}
		return m
	}
	white, black := color.RGBA{240, 240, 240, 0}, color.RGBA{15, 15, 15, 0}
	blue := color.RGBA{20, 60, 200, 0}
	withModel := newTestPlateEngine(t, func(c *PlateONNXConfig) { c.Detector = "" })
	pixelsOnly := newTestPlateEngine(t, func(c *PlateONNXConfig) { c.Detector, c.Color = "", "" })
	for _, tc := range []struct {
		name   string
		bg, fg color.RGBA
		want   plate.Color
	}{
		{name: "blue", bg: blue, fg: white, want: plate.ColorBlue},
		{name: "white", bg: white, fg: black, want: plate.ColorWhite},
		{name: "black", bg: black, fg: white, want: plate.ColorBlack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := bgrPicture(188, 48, tc.bg, chars(tc.fg))
			defer img.Close()
			for _, e := range []*PlateONNX{withModel, pixelsOnly} {
				f, err := e.Recognize(matPicture(img))
				require.NoError(t, err)
				require.Equal(t, tc.want, f.Color, e.Engine())
				require.Greater(t, f.ColorConf, 0.5)
				require.Equal(t, image.Rect(0, 0, 188, 48), f.Box)
				require.Equal(t, 1.0, f.DetectConf)
				require.Equal(t, 188, f.Crop.W)
			}
		})
	}
}
