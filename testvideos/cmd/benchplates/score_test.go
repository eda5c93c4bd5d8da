package main

import (
	"image"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestMain(m *testing.M) {
	opencv.RunModelCheckIfRequested() // the ONNX engine's model check re-executes the test binary
	goleak.VerifyTestMain(m)
}

func TestCharsCorrect(t *testing.T) {
	cases := []struct {
		name, truth, read string
		correct, total    int
	}{
		{"exact", "粤B12345", "粤B12345", 7, 7},
		{"separator and case do not count", "粤B12345", "粤b·12345", 7, 7},
		{"one substitution", "粤B12345", "粤B12845", 6, 7},
		{"dropped character shifts nothing", "粤B12345", "粤B1345", 6, 7},
		{"extra character shifts nothing", "粤B12345", "粤B123345", 7, 7},
		{"extra leading character", "粤B12345", "1粤B12345", 7, 7},
		{"shifted by one", "ABCDEFG", "BCDEFGX", 6, 7},
		{"nothing read", "粤B12345", "", 0, 7},
		{"all wrong", "粤B12345", "XXXXXXX", 0, 7},
		{"new energy", "粤BD12345", "粤BD12346", 7, 8},
		{"empty truth", "", "ABC", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, total := charsCorrect(c.truth, c.read)
			require.Equal(t, [2]int{c.correct, c.total}, [2]int{got, total})
		})
	}
}

func TestIoU(t *testing.T) {
	a := image.Rect(0, 0, 10, 10)
	cases := []struct {
		name string
		b    image.Rectangle
		want float64
	}{
		{"same", a, 1},
		{"half overlap", image.Rect(5, 0, 15, 10), 50.0 / 150},
		{"inside", image.Rect(0, 0, 10, 5), 0.5},
		{"disjoint", image.Rect(20, 20, 30, 30), 0},
		{"touching", image.Rect(10, 0, 20, 10), 0},
		{"empty", image.Rectangle{}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.InDelta(t, c.want, iou(a, c.b), 1e-12) })
	}
}

func TestRotatedBounds(t *testing.T) {
	cases := []struct {
		name                string
		cx, cy, w, h, angle float64
		want                image.Rectangle
	}{
		{"upright", 170, 184, 96, 27, 0, image.Rect(122, 171, 218, 198)},
		// OpenCV's old convention: a nearly level 175x50 plate written as 50x175 at -86.
		{"opencv -86", 298, 229, 50, 175, -86, image.Rect(209, 198, 387, 260)},
		{"sign does not matter", 298, 229, 50, 175, 86, image.Rect(209, 198, 387, 260)},
		{"45 degrees", 0, 0, 10, 10, 45, image.Rect(-7, -7, 7, 7)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, rotatedBounds(c.cx, c.cy, c.w, c.h, c.angle))
		})
	}
}

func TestMatchBoxes(t *testing.T) {
	r := func(x0, y0, x1, y1 int) image.Rectangle { return image.Rect(x0, y0, x1, y1) }
	cases := []struct {
		name         string
		truth, found []image.Rectangle
		want         []int
	}{
		{"one to one", []image.Rectangle{r(0, 0, 10, 10), r(50, 0, 60, 10)}, []image.Rectangle{r(51, 0, 61, 10), r(1, 0, 11, 10)}, []int{1, 0}},
		{"below the threshold", []image.Rectangle{r(0, 0, 10, 10)}, []image.Rectangle{r(6, 0, 16, 10)}, []int{-1}},
		{"best overlap wins, each finding once", []image.Rectangle{r(0, 0, 10, 10), r(2, 0, 12, 10)}, []image.Rectangle{r(2, 0, 12, 10)}, []int{-1, 0}},
		{"nothing found", []image.Rectangle{r(0, 0, 10, 10)}, nil, []int{-1}},
		{"no truth", nil, []image.Rectangle{r(0, 0, 10, 10)}, []int{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, matchBoxes(c.truth, c.found)) })
	}
}

// TestTally scores hand-made outcomes: every counter and rate.
func TestTally(t *testing.T) {
	var tl tally
	tl.Images, tl.Findings, tl.Seconds = 2, 4, 0.5
	tl.addPlate("粤B12345", plate.ColorBlue, true, "粤B12345", plate.ColorBlue)    // right
	tl.addPlate("京A6K789", plate.ColorBlue, true, "京A6K780", plate.ColorYellow)  // one char, wrong colour
	tl.addPlate("沪C3Q2R5", plate.ColorYellow, false, "", plate.ColorUnknown)     // missed
	tl.addPlate("浙B88D16", plate.ColorUnknown, true, "浙B88D16", plate.ColorBlue) // colour not judged
	require.Equal(t, tally{
		Images: 2, Plates: 4, Findings: 4, Detected: 3, Exact: 2, CharsRight: 20, Chars: 28,
		ColorJudged: 2, ColorRight: 1, Seconds: 0.5,
	}, tl)
	m := tl.metrics()
	require.InDelta(t, 0.75, float64(m.Recall), 1e-12)
	require.InDelta(t, 0.75, float64(m.Precision), 1e-12)
	require.InDelta(t, 0.5, float64(m.Exact), 1e-12)
	require.InDelta(t, 20.0/28, float64(m.Chars), 1e-12)
	require.InDelta(t, 0.5, float64(m.Color), 1e-12)
	require.InDelta(t, 250, m.MsPerImage, 1e-9)

	empty := tally{}.metrics()
	require.True(t, math.IsNaN(float64(empty.Recall)))
	b, err := empty.Recall.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, "null", string(b))
	require.Equal(t, "-", pct(empty.Color))
	require.Equal(t, "75.0%", pct(m.Recall))
}
