package opencv

import (
	"fmt"
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

// TestMotionShadow: a walker in low sun casts a shadow across the ground beside
// its feet. Both background models must report the walker's own box, not one
// stretched over its shadow, whose bottom-centre would be the wrong foot point.
func TestMotionShadow(t *testing.T) {
	for _, bg := range []string{BackgroundMOG2, BackgroundMedian} {
		for _, dim := range []int{55, 65, 80} { // shade brightness, percent of the ground's (both models take 50 % and darker for objects)
			t.Run(fmt.Sprintf("%s/%d%%", bg, dim), func(t *testing.T) {
				m, err := NewMotion(MotionConfig{Background: bg})
				require.NoError(t, err)
				defer m.Close()
				var stretched int
				for i := range 45 {
					w := walker(10, 100, i)
					// The shadow falls to the right of the feet, 1.5 walker widths long.
					shade := image.Rect(w.Max.X, w.Max.Y-12, w.Max.X+36, w.Max.Y)
					f := synthFrame(i, nil)
					darken(f, shade, dim)
					drawRect(f, w, [3]byte{30, 30, 200})
					dets, err := m.Detect(f)
					require.NoError(t, err)
					if i < medianBootFrames*medianBootEvery {
						continue
					}
					require.Len(t, dets, 1, "frame %d: %v", i, dets)
					if !hasBox(dets, "object", toBox(w), 0.7) {
						stretched++
						t.Logf("frame %d: box %v, walker %v", i, dets[0].Box, toBox(w))
					}
				}
				require.Zero(t, stretched, "frames whose box took in the shadow")
			})
		}
	}
}

// darken scales the pixels of f inside r to pct percent of their brightness.
func darken(f *analytics.Frame, r image.Rectangle, pct int) {
	r = r.Intersect(image.Rect(0, 0, f.Width, f.Height))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := (y*f.Width + x) * 3
			for c := range 3 {
				f.Pix[i+c] = byte(int(f.Pix[i+c]) * pct / 100)
			}
		}
	}
}

// drawRect fills r with one colour.
func drawRect(f *analytics.Frame, r image.Rectangle, c [3]byte) {
	r = r.Intersect(image.Rect(0, 0, f.Width, f.Height))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := (y*f.Width + x) * 3
			f.Pix[i], f.Pix[i+1], f.Pix[i+2] = c[0], c[1], c[2]
		}
	}
}

// TestMotionDynamicBackground: a patch of foliage flickers between leaf and sky
// every frame in small blocks. Once the models have seen it for a while it is
// no longer motion, while a walker elsewhere still is.
func TestMotionDynamicBackground(t *testing.T) {
	foliage := image.Rect(200, 20, 280, 90)
	const learn = 80 // frames to learn the flicker: 16 s at 5 fps
	for _, bg := range []string{BackgroundMOG2, BackgroundMedian} {
		t.Run(bg, func(t *testing.T) {
			m, err := NewMotion(MotionConfig{Background: bg})
			require.NoError(t, err)
			defer m.Close()
			rng := uint32(1)
			// Frames after learning with a blob on the foliage, and whether two came
			// in a row (what the tracker needs to confirm a track, MinHits 2).
			var flicker int
			var last, twice bool
			for i := range learn + 40 {
				w := walker(10, 150, i-learn) // walks in once the flicker is learnt
				f := synthFrame(i, nil)
				if i >= learn {
					drawRect(f, w, [3]byte{30, 30, 200})
				}
				for y := foliage.Min.Y; y < foliage.Max.Y; y += 4 {
					for x := foliage.Min.X; x < foliage.Max.X; x += 4 {
						rng = rng*1664525 + 1013904223
						c := [3]byte{40, 110, 50} // leaf
						if rng>>31 == 1 {
							c = [3]byte{190, 170, 140} // sky between the leaves
						}
						drawRect(f, image.Rect(x, y, x+4, y+4), c)
					}
				}
				dets, err := m.Detect(f)
				require.NoError(t, err)
				if i < learn {
					continue
				}
				require.True(t, hasBox(dets, "object", toBox(w), 0.6), "frame %d: walker missing in %v", i, dets)
				hit := false
				for _, d := range dets {
					if overlaps(d.Box, toBox(foliage)) {
						hit = true
						t.Logf("frame %d: %v", i, d.Box)
					}
				}
				if hit {
					flicker++
				}
				twice = twice || hit && last
				last = hit
			}
			require.LessOrEqual(t, flicker, 2, "frames of the last 40 with motion reported on the foliage")
			require.False(t, twice, "motion on the foliage in two frames in a row")
		})
	}
}

// overlaps tells whether two boxes share any area.
func overlaps(a, b analytics.Box) bool {
	return a.X1 < b.X2 && b.X1 < a.X2 && a.Y1 < b.Y2 && b.Y1 < a.Y2
}
