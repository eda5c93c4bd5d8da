package opencv

import (
	"image"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

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
