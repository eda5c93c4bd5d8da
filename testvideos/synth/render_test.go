package synth

import (
	"bytes"
	"context"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// tiny is a short scene with a walker and a car with a plate, for the tests that encode.
func tiny() Scene {
	return Scene{
		Name: "tiny", Width: 320, Height: 180, FPS: 10, Duration: 2, Seed: 7,
		Lines:   []Line{{Name: "mid", A: Point{X: 0, Y: 0.5}, B: Point{X: 1, Y: 0.5}}},
		Regions: []Region{{Name: "left", Polygon: []Point{{X: 0, Y: 0}, {X: 0.5, Y: 0}, {X: 0.5, Y: 1}, {X: 0, Y: 1}}}},
		Actors: []Actor{
			{ID: 1, Start: 0, Speed: 0.2, Path: []Waypoint{{X: 0.2, Y: 0.3}, {X: 0.25, Y: 0.9, Wait: 1}}},
			{ID: 2, Class: ClassCar, Start: 0, Speed: 0.05, Plate: "粤D·12345", Path: []Waypoint{{X: 0.7, Y: 0.6}, {X: 0.75, Y: 0.8}}},
		},
	}
}

// TestBoxesBoundDrawing renders noise-free frames and checks that what differs from
// the background lies inside the truth boxes, and fills them to within a pixel.
func TestBoxesBoundDrawing(t *testing.T) {
	s := tiny()
	s.Background.Noise = -1
	r, err := NewRenderer(context.Background(), s)
	require.NoError(t, err)
	tr := r.truth()
	frame := make([]byte, s.Width*s.Height*3)
	for _, i := range []int{0, 7, 13, 19} {
		r.Render(i, frame)
		objs := tr.PerFrame[i].Objects
		require.Len(t, objs, 2)
		for _, o := range objs {
			x0, y0, x1, y1 := inkBounds(frame, r.bg, s.Width, s.Height, o.Box)
			require.InDelta(t, o.Box.X1*float64(s.Width), x0, 1.01, "frame %d id %d left", i, o.ID)
			require.InDelta(t, o.Box.X2*float64(s.Width), x1, 1.01, "frame %d id %d right", i, o.ID)
			require.InDelta(t, o.Box.Y1*float64(s.Height), y0, 1.01, "frame %d id %d top", i, o.ID)
			require.InDelta(t, o.Box.Y2*float64(s.Height), y1, 1.01, "frame %d id %d bottom", i, o.ID)
		}
		// Nothing outside the boxes changed.
		for y := range s.Height {
			for x := range s.Width {
				k := (y*s.Width + x) * 3
				if bytes.Equal(frame[k:k+3], r.bg[k:k+3]) {
					continue
				}
				px, py := (float64(x)+0.5)/float64(s.Width), (float64(y)+0.5)/float64(s.Height)
				in := false
				for _, o := range objs {
					in = in || (px >= o.Box.X1 && px <= o.Box.X2 && py >= o.Box.Y1 && py <= o.Box.Y2)
				}
				require.True(t, in, "frame %d: pixel %d,%d drawn outside every box", i, x, y)
			}
		}
	}
}

// inkBounds returns the pixel-edge bounds of the changed pixels within a box grown by
// two pixels.
func inkBounds(frame, bg []byte, w, h int, b Box) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for y := max(0, int(b.Y1*float64(h))-2); y < min(h, int(b.Y2*float64(h))+2); y++ {
		for x := max(0, int(b.X1*float64(w))-2); x < min(w, int(b.X2*float64(w))+2); x++ {
			k := (y*w + x) * 3
			if !bytes.Equal(frame[k:k+3], bg[k:k+3]) {
				x0, y0 = min(x0, float64(x)), min(y0, float64(y))
				x1, y1 = max(x1, float64(x+1)), max(y1, float64(y+1))
			}
		}
	}
	return x0, y0, x1, y1
}

func TestRenderIsAFunctionOfTheFrameIndex(t *testing.T) {
	r, err := NewRenderer(context.Background(), tiny())
	require.NoError(t, err)
	n := len(r.bg)
	a, b, c := make([]byte, n), make([]byte, n), make([]byte, n)
	r.Render(5, a)
	r.Render(11, b)
	r.Render(5, c)
	require.Equal(t, a, c)
	require.NotEqual(t, a, b)
	require.NotEqual(t, r.bg, a, "noise and actors change the picture")
}

// TestDeterminism encodes the same scene twice, in different directories, and expects
// the same bytes.
func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	a, err := GenerateFiles(ctx, tiny(), t.TempDir()+"/a")
	require.NoError(t, err)
	b, err := GenerateFiles(ctx, tiny(), t.TempDir()+"/b")
	require.NoError(t, err)
	for _, p := range [][2]string{{a.Path, b.Path}, {a.TruthPath, b.TruthPath}, {a.MetaPath, b.MetaPath}} {
		x, err := os.ReadFile(p[0])
		require.NoError(t, err)
		y, err := os.ReadFile(p[1])
		require.NoError(t, err)
		require.NotEmpty(t, x)
		require.Equal(t, x, y, "%s and %s differ", p[0], p[1])
	}
	loaded, err := LoadTruth(a.TruthPath)
	require.NoError(t, err)
	require.Equal(t, a.Truth, loaded, "the in-memory truth is what the file holds")
	require.Len(t, loaded.Crossings, 1)
	require.Equal(t, AToB, loaded.Crossings[0].Direction)
	require.Len(t, loaded.Plates, 1)
}
