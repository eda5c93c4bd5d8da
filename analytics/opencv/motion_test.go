package opencv

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

const synthW, synthH = 320, 240

// synthFrame draws a static textured background with a little deterministic
// noise and solid rectangles on top, each its own colour (one walking on
// another's trail must not match what the model learnt there).
func synthFrame(seq int, rects []image.Rectangle) *analytics.Frame {
	f := &analytics.Frame{Width: synthW, Height: synthH, Pix: make([]byte, synthW*synthH*3), Seq: uint64(seq)}
	for y := range synthH {
		for x := range synthW {
			noise := byte((x*7 + y*13 + seq*31) % 5)
			i := (y*synthW + x) * 3
			f.Pix[i], f.Pix[i+1], f.Pix[i+2] = byte(80+x/8)+noise, byte(120+y/8)+noise, 100+noise
		}
	}
	colours := [][3]byte{{30, 30, 200}, {200, 40, 40}, {20, 200, 230}}
	for k, r := range rects {
		c := colours[k%len(colours)]
		r = r.Intersect(image.Rect(0, 0, synthW, synthH))
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				i := (y*synthW + x) * 3
				f.Pix[i], f.Pix[i+1], f.Pix[i+2] = c[0], c[1], c[2]
			}
		}
	}
	return f
}

func toBox(r image.Rectangle) analytics.Box { return normBox(r, synthW, synthH) }

// walker is a 24×48 rectangle moving right 5 px per frame from x0.
func walker(x0, y, i int) image.Rectangle { return image.Rect(x0+5*i, y, x0+5*i+24, y+48) }

func TestMotionSynthetic(t *testing.T) {
	rightHalf := [][]Point{{{0.5, 0}, {1, 0}, {1, 1}, {0.5, 1}}}
	for _, tc := range []struct {
		name  string
		cfg   MotionConfig
		rects func(i int) []image.Rectangle // drawn in frame i
		want  func(i int) []image.Rectangle // expected boxes in frame i
	}{
		{
			name:  "moving rectangle",
			rects: func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i)} },
			want:  func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i)} },
		},
		{
			name:  "class label",
			cfg:   MotionConfig{Class: "vehicle"},
			rects: func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i)} },
			want:  func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i)} },
		},
		{
			name:  "mask hides the right half",
			cfg:   MotionConfig{Masks: rightHalf},
			rects: func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i)} },
			want: func(i int) []image.Rectangle {
				if r := walker(10, 100, i); r.Max.X <= synthW/2 {
					return []image.Rectangle{r}
				}
				if r := walker(10, 100, i); r.Min.X >= synthW/2 {
					return nil
				}
				return []image.Rectangle{walker(10, 100, i).Intersect(image.Rect(0, 0, synthW/2, synthH))}
			},
		},
		{
			name:  "smaller than min area",
			cfg:   MotionConfig{MinArea: 0.05},
			rects: func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i)} },
			want:  func(int) []image.Rectangle { return nil },
		},
		{
			name: "stacked pieces merge",
			rects: func(i int) []image.Rectangle {
				return []image.Rectangle{image.Rect(16+5*i, 60, 28+5*i, 74), image.Rect(10+5*i, 80, 34+5*i, 130)}
			},
			want: func(i int) []image.Rectangle { return []image.Rectangle{image.Rect(10+5*i, 60, 34+5*i, 130)} },
		},
		{
			name: "stacked pieces apart without merging",
			cfg:  MotionConfig{MergeGap: -1},
			rects: func(i int) []image.Rectangle {
				return []image.Rectangle{image.Rect(16+5*i, 60, 28+5*i, 74), image.Rect(10+5*i, 80, 34+5*i, 130)}
			},
			want: func(i int) []image.Rectangle {
				return []image.Rectangle{image.Rect(16+5*i, 60, 28+5*i, 74), image.Rect(10+5*i, 80, 34+5*i, 130)}
			},
		},
		{
			name:  "side by side stay apart",
			rects: func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i), walker(44, 100, i)} },
			want:  func(i int) []image.Rectangle { return []image.Rectangle{walker(10, 100, i), walker(44, 100, i)} },
		},
	} {
		for _, bg := range []string{BackgroundMOG2, BackgroundMedian} {
			t.Run(tc.name+"/"+bg, func(t *testing.T) {
				cfg := tc.cfg
				cfg.Background = bg
				m, err := NewMotion(cfg)
				require.NoError(t, err)
				defer m.Close()
				class := tc.cfg.Class
				if class == "" {
					class = "object"
				}
				// Frames until the background is learnt and blobs have settled; the
				// running median starts from the median of its first pictures.
				settle := 20
				if bg == BackgroundMedian {
					settle = medianBootFrames * medianBootEvery
				}
				for i := range 45 {
					dets, err := m.Detect(synthFrame(i, tc.rects(i)))
					require.NoError(t, err)
					if i < settle {
						continue
					}
					want := tc.want(i)
					require.Len(t, dets, len(want), "frame %d: %v", i, dets)
					for _, w := range want {
						require.True(t, hasBox(dets, class, toBox(w), 0.7), "frame %d: no %s box near %v in %v", i, class, toBox(w), dets)
					}
				}
			})
		}
	}
}

// hasBox tells whether dets holds a box of class overlapping want by IoU ≥ iou.
func hasBox(dets []analytics.Detection, class string, want analytics.Box, iou float64) bool {
	for _, d := range dets {
		if d.Class == class && d.Box.IoU(want) >= iou {
			return true
		}
	}
	return false
}

func TestMotionWarmupAndResize(t *testing.T) {
	for _, bg := range []string{BackgroundMOG2, BackgroundMedian} {
		t.Run(bg, func(t *testing.T) {
			m, err := NewMotion(MotionConfig{Warmup: 5, Background: bg})
			require.NoError(t, err)
			defer m.Close()
			for i := range 5 {
				dets, err := m.Detect(synthFrame(i, []image.Rectangle{walker(10, 100, i)}))
				require.NoError(t, err)
				require.Empty(t, dets, "frame %d is learnt, not reported", i)
			}
			// A new frame size restarts the model, warm-up included.
			small := &analytics.Frame{Width: 160, Height: 120, Pix: make([]byte, 160*120*3)}
			dets, err := m.Detect(small)
			require.NoError(t, err)
			require.Empty(t, dets)
		})
	}
}

func TestMotionRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  MotionConfig
	}{
		{name: "min area 1", cfg: MotionConfig{MinArea: 1}},
		{name: "negative history", cfg: MotionConfig{History: -1}},
		{name: "two-point mask", cfg: MotionConfig{Masks: [][]Point{{{0, 0}, {1, 1}}}}},
		{name: "unknown background", cfg: MotionConfig{Background: "average"}},
		{name: "grey threshold too high", cfg: MotionConfig{Background: BackgroundMedian, GreyThreshold: 255}},
		{name: "negative grey threshold", cfg: MotionConfig{Background: BackgroundMedian, GreyThreshold: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMotion(tc.cfg)
			require.Error(t, err)
		})
	}
	m, err := NewMotion(MotionConfig{})
	require.NoError(t, err)
	defer m.Close()
	_, err = m.Detect(&analytics.Frame{Width: 10, Height: 10, Pix: make([]byte, 5)})
	require.ErrorContains(t, err, "want 300")
}

func TestMotionPETS(t *testing.T) {
	for _, bg := range []string{BackgroundMOG2, BackgroundMedian} {
		t.Run(bg, func(t *testing.T) {
			m, err := NewMotion(MotionConfig{Background: bg})
			require.NoError(t, err)
			defer m.Close()
			s := runPETS(t, m)
			t.Logf("motion boxes %d: one person %.2f, none %.2f, several %.2f; persons moving %.2f",
				s.boxes, frac(s.one, s.boxes), frac(s.none, s.boxes), frac(s.multi, s.boxes), frac(s.moving, s.refs))
			require.Greater(t, frac(s.one, s.boxes), 0.75, "most blobs are one person")
			require.Less(t, frac(s.none, s.boxes), 0.15, "few blobs are no person")
			require.Greater(t, frac(s.moving, s.refs), 0.7, "most people are found moving")
		})
	}
}
