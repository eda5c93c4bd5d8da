package opencv

import (
	"image"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// TestMedianStandingAndLeaving: someone who stops is reported for a while, then
// fades into the background; when they walk off, the ground they uncover is not
// reported (the slow model still remembers it).
func TestMedianStandingAndLeaving(t *testing.T) {
	const arrive, leave = 40, 100 // frames at which the walker stops and walks on
	pos := func(i int) image.Rectangle {
		switch {
		case i < arrive:
			return walker(10, 100, i)
		case i < leave:
			return walker(10, 100, arrive)
		default:
			return walker(10, 100, arrive+i-leave)
		}
	}
	spot := toBox(walker(10, 100, arrive))
	m, err := NewMotion(MotionConfig{Background: BackgroundMedian})
	require.NoError(t, err)
	defer m.Close()
	var seen, faded int // frames the standing walker was reported, first frame it was not
	for i := range leave + 15 {
		dets, err := m.Detect(synthFrame(i, []image.Rectangle{pos(i)}))
		require.NoError(t, err)
		switch {
		case i >= medianBootFrames*medianBootEvery && i < arrive:
			require.True(t, hasBox(dets, "object", toBox(pos(i)), 0.7), "frame %d: walker missing in %v", i, dets)
		case i >= arrive && i < leave && hasBox(dets, "object", spot, 0.5):
			require.Zero(t, faded, "frame %d: reported again after fading at %d", i, faded)
			seen++
		case i >= arrive && i < leave && faded == 0:
			faded = i
		case i >= leave+5: // clear of where it stood
			require.False(t, hasBox(dets, "object", spot, 0.3), "frame %d: ghost where the walker stood: %v", i, dets)
			require.True(t, hasBox(dets, "object", toBox(pos(i)), 0.7), "frame %d: walker missing in %v", i, dets)
		}
	}
	// The walker is 36 grey levels darker than the ground: it takes about
	// 36 - threshold frames to fade in.
	require.GreaterOrEqual(t, seen, 10, "a person who stops is still reported for a while")
	require.NotZero(t, faded, "a person standing for %d frames fades into the background", leave-arrive)
}

// TestMedianLightChange: when most of the picture changes at once (lights, an
// exposure jump), the model starts again instead of reporting the whole frame.
func TestMedianLightChange(t *testing.T) {
	const jump = 40
	m, err := NewMotion(MotionConfig{Background: BackgroundMedian})
	require.NoError(t, err)
	defer m.Close()
	for i := range jump + 2*medianBootFrames*medianBootEvery {
		f := synthFrame(i, []image.Rectangle{walker(10, 100, i%40)})
		if i >= jump {
			brighten(f, 60)
		}
		dets, err := m.Detect(f)
		require.NoError(t, err)
		if i == jump {
			require.Empty(t, dets, "the frame the light changed in")
		}
		for _, d := range dets {
			require.Less(t, d.Box.W()*d.Box.H(), 0.1, "frame %d: no blob covers the frame: %v", i, dets)
		}
		if i >= jump+medianBootFrames*medianBootEvery {
			require.True(t, hasBox(dets, "object", toBox(walker(10, 100, i%40)), 0.7), "frame %d: walker missing after the restart: %v", i, dets)
		}
	}
}

// brighten adds v to every channel of f, saturating.
func brighten(f *analytics.Frame, v int) {
	for i, p := range f.Pix {
		f.Pix[i] = byte(min(int(p)+v, 255))
	}
}

func TestMedianOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		pics [][]byte
		want []byte
	}{
		{name: "one picture", pics: [][]byte{{1, 2, 3}}, want: []byte{1, 2, 3}},
		{name: "odd count", pics: [][]byte{{9, 0}, {1, 255}, {5, 7}}, want: []byte{5, 7}},
		{name: "a passer-by in one of three", pics: [][]byte{{100, 100}, {100, 30}, {100, 100}}, want: []byte{100, 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, medianOf(tc.pics))
			require.Equal(t, tc.want, sortMedian(tc.pics), "the vectorised median agrees with sorting")
		})
	}
}

func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		pics [][]byte
		want []byte
	}{
		{name: "still", pics: [][]byte{{100}, {100}, {100}}, want: []byte{0}},
		{name: "a passer-by in one of five", pics: [][]byte{{100}, {100}, {30}, {101}, {99}}, want: []byte{4}},
		{name: "leaves mostly in one place: left to the running spread", pics: [][]byte{{80}, {140}, {80}, {140}, {80}}, want: []byte{0}},
		{name: "leaves spread over a range", pics: [][]byte{{80}, {140}, {100}, {120}, {110}}, want: []byte{40}},
		{name: "saturates", pics: [][]byte{{0}, {255}, {128}, {0}, {255}}, want: []byte{255}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, spreadOf(tc.pics))
		})
	}
}

// medianOf and spreadOf call planesMedian on pictures given one by one.
func medianOf(pics [][]byte) []byte {
	med, _ := planesMedian(slices.Concat(pics...), len(pics), false)
	return med
}

func spreadOf(pics [][]byte) []byte {
	_, spr := planesMedian(slices.Concat(pics...), len(pics), true)
	return spr
}

// sortMedian is the plain per-byte median, by sorting.
func sortMedian(pics [][]byte) []byte {
	out := make([]byte, len(pics[0]))
	v := make([]byte, len(pics))
	for i := range out {
		for k, p := range pics {
			v[k] = p[i]
		}
		slices.Sort(v)
		out[i] = v[len(v)/2]
	}
	return out
}

// TestPlanesMedianLarge checks the vectorised median against sorting on
// pictures long enough for the vector loops, with an even count too.
func TestPlanesMedianLarge(t *testing.T) {
	rng := uint32(7)
	for _, k := range []int{15, 4, 1} {
		pics := make([][]byte, k)
		for j := range pics {
			pics[j] = make([]byte, 1000)
			for i := range pics[j] {
				rng = rng*1664525 + 1013904223
				pics[j][i] = byte(rng >> 24)
			}
		}
		require.Equal(t, sortMedian(pics), medianOf(pics), "k=%d", k)
	}
}

// BenchmarkStartMedian: the running median's start at 320×180, colour and grey
// (vectorised) against sorting each pixel's values in Go.
func BenchmarkStartMedian(b *testing.B) {
	const k, n = medianBootFrames, 320 * 180 * 4 // grey plus three colour channels
	pics := make([][]byte, k)
	rng := uint32(3)
	for j := range pics {
		pics[j] = make([]byte, n)
		for i := range pics[j] {
			rng = rng*1664525 + 1013904223
			pics[j][i] = byte(rng >> 24)
		}
	}
	b.Run("planes", func(b *testing.B) {
		for b.Loop() {
			planesMedian(slices.Concat(pics...), k, true)
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			sortMedian(pics)
		}
	})
}

// TestRestoreEnclosedNearBox: closing only near the cleared pixels, by the
// ellipse's rectangles, gives the mask that OpenCV's closing of the whole
// picture by the ellipse gives, with the cleared pixels anywhere, against the
// picture's edges too.
func TestRestoreEnclosedNearBox(t *testing.T) {
	const w, h = 160, 90
	rng := uint32(11)
	rand := func(n int) int {
		rng = rng*1664525 + 1013904223
		return int(rng>>8) % n
	}
	b := newMedianBackground(DefaultMotionGreyThreshold, w*h)
	defer b.close()
	for trial := range 40 {
		moving := make([]byte, w*h)
		for range 1 + rand(4) { // people-sized blocks with holes
			x0, y0 := rand(w), rand(h)
			for y := y0; y < min(h, y0+10+rand(30)); y++ {
				for x := x0; x < min(w, x0+4+rand(12)); x++ {
					if rand(5) > 0 {
						moving[y*w+x] = 255
					}
				}
			}
		}
		fg := slices.Clone(moving)
		cleared := image.Rectangle{}
		if trial%4 == 3 { // everything moving, a sparse part cleared: the bare closing
			sparse := 8 + rand(60) // one pixel in this many: the closing neither empty nor full
			for i := range moving {
				moving[i], fg[i] = 255, 0
				if rand(sparse) == 0 {
					fg[i] = 255
				}
			}
			cleared = image.Rect(0, 0, w, h)
		}
		for range 1 + rand(3) { // shadow-test clearings in clusters
			cx, cy := rand(w), rand(h)
			for range 30 {
				x, y := min(w-1, cx+rand(12)), min(h-1, cy+rand(20))
				if fg[y*w+x] != 0 {
					fg[y*w+x] = 0
					cleared = cleared.Union(image.Rect(x, y, x+1, y+1))
				}
			}
		}
		want := matOf(t, fg, w, h)
		defer want.Close()
		mov := matOf(t, moving, w, h)
		defer mov.Close()
		gocv.MorphologyEx(want, &want, gocv.MorphClose, b.enclose)
		gocv.BitwiseAnd(want, mov, &want)

		got := matOf(t, fg, w, h)
		defer got.Close()
		mov.CopyTo(&b.moving)
		require.NoError(t, b.restoreEnclosed(&got, cleared))
		require.Zero(t, differing(t, want, got), "trial %d, cleared in %v: pixels unlike the whole-picture closing", trial, cleared)
	}
}

// differing counts the bytes in which two Mats of one size and type differ.
func differing(t testing.TB, a, b gocv.Mat) int {
	t.Helper()
	ap, err := a.DataPtrUint8()
	require.NoError(t, err)
	bp, err := b.DataPtrUint8()
	require.NoError(t, err)
	require.Len(t, bp, len(ap))
	n := 0
	for i := range ap {
		if ap[i] != bp[i] {
			n++
		}
	}
	return n
}

// matOf returns a w×h one-channel Mat holding a copy of pix.
func matOf(t testing.TB, pix []byte, w, h int) gocv.Mat {
	t.Helper()
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8U, slices.Clone(pix))
	require.NoError(t, err)
	return m
}

// BenchmarkRestoreEnclosed: giving back enclosed shadow pixels on a 320×180
// mask with four people and a shadow beside one, by OpenCV's elliptic
// closing of the whole picture (the baseline) against the closing near the
// cleared pixels by the ellipse's row runs.
func BenchmarkRestoreEnclosed(b *testing.B) {
	defer SetThreads(SetThreads(1))
	const w, h = 320, 180
	moving := make([]byte, w*h)
	for _, p := range []image.Rectangle{image.Rect(40, 60, 52, 100), image.Rect(150, 30, 160, 62), image.Rect(200, 100, 216, 150), image.Rect(290, 120, 302, 170)} {
		for y := p.Min.Y; y < p.Max.Y; y++ {
			for x := p.Min.X; x < p.Max.X; x++ {
				moving[y*w+x] = 255
			}
		}
	}
	fg := slices.Clone(moving)
	cleared := image.Rect(204, 120, 230, 150) // grey trousers and a shadow beside them
	for y := cleared.Min.Y; y < cleared.Max.Y; y++ {
		for x := cleared.Min.X; x < cleared.Max.X; x++ {
			fg[y*w+x] = 0
		}
	}
	bg := newMedianBackground(DefaultMotionGreyThreshold, w*h)
	defer bg.close()
	mov := matOf(b, moving, w, h)
	defer mov.Close()
	mov.CopyTo(&bg.moving)
	m := matOf(b, fg, w, h)
	defer m.Close()
	orig := m.Clone()
	defer orig.Close()
	b.Run("ellipse-whole", func(b *testing.B) {
		for b.Loop() {
			orig.CopyTo(&m)
			gocv.MorphologyEx(m, &m, gocv.MorphClose, bg.enclose)
			gocv.BitwiseAnd(m, mov, &m)
		}
	})
	b.Run("runs-near", func(b *testing.B) {
		for b.Loop() {
			orig.CopyTo(&m)
			if err := bg.restoreEnclosed(&m, cleared); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("runs-whole", func(b *testing.B) {
		for b.Loop() {
			orig.CopyTo(&m)
			if err := bg.restoreEnclosed(&m, image.Rect(0, 0, w, h)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestMaskMorph: opening and closing by row runs give OpenCV's
// morphologyEx result bit for bit, for the elements motion uses at several
// widths, an even-sized ellipse and one that is not row runs (OpenCV does it).
func TestMaskMorph(t *testing.T) {
	rng := uint32(5)
	kernels := map[string]gocv.Mat{
		"ellipse 3x3":      gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(3, 3)),
		"ellipse 3x5":      gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(3, 5)),
		"ellipse 7x15":     gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(7, 15)),
		"ellipse 4x6":      gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(4, 6)),
		"rect 5x3":         gocv.GetStructuringElement(gocv.MorphRect, image.Pt(5, 3)),
		"cross 5x5":        gocv.GetStructuringElement(gocv.MorphCross, image.Pt(5, 5)),
		"not row runs 3x3": matOf(t, []byte{1, 0, 1, 0, 1, 0, 1, 0, 1}, 3, 3),
	}
	defer func() {
		for _, k := range kernels {
			k.Close()
		}
	}()
	scratch := gocv.NewMat()
	defer scratch.Close()
	for name, k := range kernels {
		for _, size := range []image.Point{{160, 90}, {7, 5}, {1, 9}} {
			for _, density := range []uint32{3, 12, 40} {
				pix := make([]byte, size.X*size.Y)
				for i := range pix {
					rng = rng*1664525 + 1013904223
					if (rng>>8)%density == 0 {
						pix[i] = 255
					}
				}
				for _, close := range []bool{false, true} {
					want := matOf(t, pix, size.X, size.Y)
					op := gocv.MorphOpen
					if close {
						op = gocv.MorphClose
					}
					gocv.MorphologyEx(want, &want, op, k)
					got := matOf(t, pix, size.X, size.Y)
					require.NoError(t, maskMorph(&got, k, &scratch, close))
					differ := differing(t, want, got)
					want.Close()
					got.Close()
					require.Zero(t, differ, "%s, %v, one in %d set, close %v: pixels unlike OpenCV's", name, size, density, close)
				}
			}
		}
	}
}

// BenchmarkMaskMorph: motion's opening (3×3 ellipse) and closing (3×5) of a
// 320×180 mask, by OpenCV's morphologyEx and by row runs.
func BenchmarkMaskMorph(b *testing.B) {
	defer SetThreads(SetThreads(1))
	const w, h = 320, 180
	pix := make([]byte, w*h)
	rng := uint32(9)
	for i := range pix {
		rng = rng*1664525 + 1013904223
		if (rng>>8)%20 == 0 {
			pix[i] = 255
		}
	}
	open := gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(3, 3))
	defer open.Close()
	close := gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(3, 5))
	defer close.Close()
	m := matOf(b, pix, w, h)
	defer m.Close()
	orig := m.Clone()
	defer orig.Close()
	scratch := gocv.NewMat()
	defer scratch.Close()
	b.Run("opencv", func(b *testing.B) {
		for b.Loop() {
			orig.CopyTo(&m)
			gocv.MorphologyEx(m, &m, gocv.MorphOpen, open)
			gocv.MorphologyEx(m, &m, gocv.MorphClose, close)
		}
	})
	b.Run("row-runs", func(b *testing.B) {
		for b.Loop() {
			orig.CopyTo(&m)
			if err := maskMorph(&m, open, &scratch, false); err != nil {
				b.Fatal(err)
			}
			if err := maskMorph(&m, close, &scratch, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
