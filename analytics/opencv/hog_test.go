package opencv

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// busPersons and busBus are the people and the bus in images/bus.jpg
// (normalized, checked by eye).
var (
	busPersons = []analytics.Box{
		{X1: 0.06, Y1: 0.37, X2: 0.27, Y2: 0.83},
		{X1: 0.27, Y1: 0.37, X2: 0.43, Y2: 0.79},
		{X1: 0.85, Y1: 0.40, X2: 1.00, Y2: 0.81},
	}
	busBus = analytics.Box{X1: 0.02, Y1: 0.21, X2: 0.99, Y2: 0.68}
)

func TestHOGFindsPerson(t *testing.T) {
	for _, tc := range []struct {
		name  string
		width int
	}{
		{name: "640 wide", width: 640},
		{name: "480 wide", width: 480},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewHOG(HOGConfig{})
			require.NoError(t, err)
			defer d.Close()
			dets, err := d.Detect(loadFrame(t, shared(t, "images/bus.jpg"), tc.width))
			require.NoError(t, err)
			t.Log(dets)
			require.True(t, hasBox(dets, "person", busPersons[0], 0.5), "the man in the light coat")
			for _, d := range dets {
				require.Greater(t, d.Score, 0.5)
				require.LessOrEqual(t, d.Score, 1.0)
			}
		})
	}
}

func TestHOGEmptyScene(t *testing.T) {
	d, err := NewHOG(HOGConfig{Upscale: 2})
	require.NoError(t, err)
	defer d.Close()
	dets, err := d.Detect(synthFrame(0, nil))
	require.NoError(t, err)
	require.Empty(t, dets)
	_, err = d.Detect(&analytics.Frame{})
	require.Error(t, err)
}

func TestHOGRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  HOGConfig
	}{
		{name: "stride 5", cfg: HOGConfig{Stride: 5}},
		{name: "padding 4", cfg: HOGConfig{Padding: 4}},
		{name: "scale 1", cfg: HOGConfig{Scale: 1}},
		{name: "upscale 8", cfg: HOGConfig{Upscale: 8}},
		{name: "negative min hits", cfg: HOGConfig{MinHits: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewHOG(tc.cfg)
			require.Error(t, err)
		})
	}
}

func TestGroupHits(t *testing.T) {
	win := func(x, y, w int) image.Rectangle { return image.Rect(x, y, x+w, y+2*w) }
	for _, tc := range []struct {
		name    string
		raw     []hogHit
		minHits int
		want    []image.Rectangle
	}{
		{
			name:    "near windows average",
			raw:     []hogHit{{window: win(100, 100, 64), weight: 0.5}, {window: win(104, 96, 64), weight: 1.0}},
			minHits: 2,
			want:    []image.Rectangle{win(102, 98, 64)},
		},
		{
			name:    "lone window below min hits",
			raw:     []hogHit{{window: win(100, 100, 64), weight: 2}},
			minHits: 2,
		},
		{
			name:    "far windows stay apart",
			raw:     []hogHit{{window: win(0, 0, 64), weight: 0.2}, {window: win(200, 0, 64), weight: 0.3}},
			minHits: 1,
			want:    []image.Rectangle{win(200, 0, 64), win(0, 0, 64)},
		},
		{
			name:    "window inside a better one dropped",
			raw:     []hogHit{{window: win(0, 0, 128), weight: 1}, {window: win(20, 40, 64), weight: 0.5}},
			minHits: 1,
			want:    []image.Rectangle{win(0, 0, 128)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := groupHits(tc.raw, tc.minHits, DefaultHOGNMSIoU)
			require.Len(t, got, len(tc.want))
			for i, w := range tc.want {
				require.Equal(t, w, got[i].window)
			}
		})
	}
}
