package lpr

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// checkpointFrame is one rendered frame of a synthetic checkpoint clip with the
// plates fully in it.
type checkpointFrame struct {
	index  int
	pic    plate.Picture
	plates []checkpointPlate
}

type checkpointPlate struct {
	text string
	box  image.Rectangle
}

// checkpointFrames renders every step-th frame of a built-in checkpoint scene
// (1280×720) that shows at least one whole plate, as BGR pictures with their truth.
func checkpointFrames(tb testing.TB, scene string, step int) []checkpointFrame {
	tb.Helper()
	s, err := synth.Builtin(scene)
	require.NoError(tb, err)
	truth, err := synth.ComputeTruth(s)
	require.NoError(tb, err)
	r, err := synth.NewRenderer(context.Background(), s)
	require.NoError(tb, err, "checkpoint frames need ffmpeg and the fonts of scripts/setup.sh")
	texts := map[int]string{}
	for _, o := range truth.Objects {
		texts[o.ID] = plate.Normalize(o.Plate)
	}
	w, h := truth.Width, truth.Height
	var out []checkpointFrame
	for i := 0; i < r.Frames(); i += step {
		var ps []checkpointPlate
		for _, o := range truth.PerFrame[i].Objects {
			if b := o.PlateBox; b != nil && texts[o.ID] != "" {
				ps = append(ps, checkpointPlate{texts[o.ID], image.Rect(int(b.X1*float64(w)), int(b.Y1*float64(h)), int(b.X2*float64(w)), int(b.Y2*float64(h)))})
			}
		}
		if len(ps) == 0 {
			continue
		}
		pix := make([]byte, w*h*3)
		r.Render(i, pix)
		for k := 0; k < len(pix); k += 3 {
			pix[k], pix[k+2] = pix[k+2], pix[k] // rgb24 → BGR
		}
		out = append(out, checkpointFrame{index: i, pic: plate.Picture{W: w, H: h, Pix: pix}, plates: ps})
	}
	return out
}

// scoreCheckpoint reads every frame and counts the plates read exactly (found at
// IoU ≥ 0.5 with the right text) and the findings that match no plate.
func scoreCheckpoint(tb testing.TB, c *Classic, frames []checkpointFrame) (right, total, stray int) {
	tb.Helper()
	for _, f := range frames {
		fs, err := c.Read(f.pic, image.Rectangle{}, 0)
		require.NoError(tb, err)
		used := make([]bool, len(fs))
		for _, p := range f.plates {
			total++
			for k, fd := range fs {
				if !used[k] && iou(fd.Box, p.box) >= 0.5 && plate.Normalize(fd.Text) == p.text {
					used[k] = true
					right++
					break
				}
			}
		}
		for k, fd := range fs {
			if used[k] {
				continue
			}
			hit := false
			for _, p := range f.plates {
				hit = hit || iou(fd.Box, p.box) >= 0.5
			}
			if !hit {
				stray++
				tb.Logf("frame %d: stray %q at %v", f.index, fd.Text, fd.Box)
			}
		}
	}
	return right, total, stray
}

// TestCheckpointFrames reads frames of the synthetic checkpoint clips (the
// gateway's end-to-end scene and the one with every plate kind) in full: the whole
// plates must be read and little else found.
func TestCheckpointFrames(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and reads 1280×720 frames")
	}
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	cases := []struct {
		scene     string
		step      int
		minRight  float64 // share of the whole plates read exactly
		maxStrays int
	}{
		{synth.SceneCheckpoint, 4, 0.8, 4},
		{synth.SceneCheckpointAll, 8, 0.5, 4},
	}
	for _, tc := range cases {
		t.Run(tc.scene, func(t *testing.T) {
			frames := checkpointFrames(t, tc.scene, tc.step)
			start := time.Now()
			right, total, stray := scoreCheckpoint(t, c, frames)
			t.Logf("%s: %d of %d whole plates read, %d stray findings, %.0f ms/frame",
				tc.scene, right, total, stray, float64(time.Since(start).Milliseconds())/float64(len(frames)))
			require.GreaterOrEqual(t, float64(right), tc.minRight*float64(total))
			require.LessOrEqual(t, stray, tc.maxStrays)
		})
	}
}

// BenchmarkReadCheckpoint1280x720 reads whole frames of the gateway's synthetic
// checkpoint clip, each with one or two plates about 112×36 px.
func BenchmarkReadCheckpoint1280x720(b *testing.B) {
	frames := checkpointFrames(b, synth.SceneCheckpoint, 10)
	c, err := NewClassic(ClassicOptions{})
	require.NoError(b, err)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		f := frames[n%len(frames)]
		n++
		if _, err := c.Read(f.pic, image.Rectangle{}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadReusesBuffers reads pictures of different sizes and regions with one
// engine, whose scratch buffers carry over from call to call, and with a fresh
// engine each time: the findings must be the same.
func TestReadReusesBuffers(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and reads 1280×720 frames")
	}
	frames := checkpointFrames(t, synth.SceneCheckpoint, 25)
	require.GreaterOrEqual(t, len(frames), 3)
	small := frames[1].pic.Crop(image.Rect(200, 100, 840, 460)) // 640×360
	cases := []struct {
		name string
		pic  plate.Picture
		roi  image.Rectangle
	}{
		{"whole frame", frames[0].pic, image.Rectangle{}},
		{"smaller picture", small, image.Rectangle{}},
		{"roi", frames[2].pic, image.Rect(300, 250, 1100, 700)},
		{"whole frame again", frames[2].pic, image.Rectangle{}},
		{"small roi", frames[1].pic, image.Rect(0, 0, 200, 120)},
		{"first frame again", frames[0].pic, image.Rectangle{}},
	}
	reused, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	found := 0
	for _, tc := range cases {
		fresh, err := NewClassic(ClassicOptions{})
		require.NoError(t, err)
		want, err := fresh.Read(tc.pic, tc.roi, 0)
		require.NoError(t, err)
		got, err := reused.Read(tc.pic, tc.roi, 0)
		require.NoError(t, err)
		require.Equal(t, want, got, tc.name)
		found += len(want)
	}
	require.GreaterOrEqual(t, found, 4, "the cases hold plates")
}
