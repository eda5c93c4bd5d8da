package pets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/testvideos/score"
)

func loadGT(t *testing.T) *GT {
	t.Helper()
	p, err := GTPath()
	if errors.Is(err, ErrNotFound) {
		t.Skipf("PETS ground truth missing: %v", err)
	}
	require.NoError(t, err)
	gt, err := LoadGT(p)
	require.NoError(t, err)
	return gt
}

// TestReadmeCrossings reproduces the numbers in ../shared/eval/README.md.
func TestReadmeCrossings(t *testing.T) {
	gt := loadGT(t)
	cases := []struct {
		name              string
		line              Line
		total, aToB, bToA int
	}{
		{"horizontal y=0.6", Line{"h", Point{X: 0, Y: 0.6}, Point{X: 1, Y: 0.6}}, 20, 8, 12},
		{"vertical x=0.4505", Line{"v", Point{X: 0.4505, Y: 0}, Point{X: 0.4505, Y: 1}}, 31, 18, 13},
		{"horizontal drawn right to left swaps sides", Line{"h", Point{X: 1, Y: 0.6}, Point{X: 0, Y: 0.6}}, 20, 12, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := gt.Crossings(c.line)
			total, ab, ba := Count(cs)
			require.Equal(t, [3]int{c.total, c.aToB, c.bToA}, [3]int{total, ab, ba})
			for i, x := range cs {
				require.Equal(t, c.line.Name, x.Line)
				require.GreaterOrEqual(t, x.T, 0.0)
				require.LessOrEqual(t, x.T, float64(Frames-1)/FPS)
				require.InDelta(t, float64(x.Frame)/FPS, x.T, 1.0/FPS+1e-9, "time lies within the frame step before Frame")
				if i > 0 {
					require.GreaterOrEqual(t, x.T, cs[i-1].T)
				}
			}
		})
	}
}

func TestGTShape(t *testing.T) {
	gt := loadGT(t)
	require.Len(t, gt.IDs(), 19)
	whole := []Point{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1.01}, {X: 0, Y: 1.01}}
	counts := gt.CountInPolygon(whole)
	require.Len(t, counts, Frames)
	sum := 0
	for _, n := range counts {
		sum += n
	}
	require.Equal(t, len(gt.Boxes), sum, "every box's foot lies inside the whole picture")
	require.Equal(t, 8, maxOf(counts), "README: up to 8 people at once")

	left := []Point{{X: 0, Y: 0}, {X: 0.4505, Y: 0}, {X: 0.4505, Y: 1.01}, {X: 0, Y: 1.01}}
	right := []Point{{X: 0.4505, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1.01}, {X: 0.4505, Y: 1.01}}
	l, r := gt.CountInPolygon(left), gt.CountInPolygon(right)
	for f := range counts {
		require.Equal(t, counts[f], l[f]+r[f], "frame %d", f)
	}
}

func TestParseGT(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		boxes []Box
		err   string
	}{
		{"mot15 line", "1,9,499,158,31.03,75.17,1,-4.1,-7.3,0\n", []Box{{1, 9, 499, 158, 31.03, 75.17}}, ""},
		{"six fields and blank lines", "\n2,3,1,2,3,4\n\n", []Box{{2, 3, 1, 2, 3, 4}}, ""},
		{"too few fields", "1,2,3\n", nil, "line 1: want at least 6 fields"},
		{"frame zero", "0,2,1,2,3,4\n", nil, "line 1: bad frame"},
		{"bad number", "1,2,1,x,3,4\n", nil, "line 1: bad field 4"},
		{"empty box", "1,2,1,2,0,4\n", nil, "line 1: empty box"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gt, err := ParseGT(strings.NewReader(c.in))
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.boxes, gt.Boxes)
		})
	}
}

func TestFootAndFrame(t *testing.T) {
	b := Box{Frame: 8, ID: 1, Left: 100, Top: 200, Width: 40, Height: 88}
	require.Equal(t, Point{X: 120.0 / 768, Y: 288.0 / 576}, b.Foot())
	require.Equal(t, 7, b.VideoFrame())
}

// TestScoreSubsampled uses the scorer the way a benchmark does: crossings seen at half
// the frame rate must still match the full-rate truth within a second.
func TestScoreSubsampled(t *testing.T) {
	gt := loadGT(t)
	line := Line{"h", Point{X: 0, Y: 0.6}, Point{X: 1, Y: 0.6}}
	truth := ScoreCrossings(gt.Crossings(line))
	half := &GT{}
	for _, b := range gt.Boxes {
		if b.VideoFrame()%2 == 0 {
			half.Boxes = append(half.Boxes, b)
		}
	}
	pred := ScoreCrossings(half.Crossings(line))
	rep := score.Score(pred, truth, 1.0)
	require.Equal(t, 1.0, rep.Undirected.Recall)
	require.Equal(t, 1.0, rep.Directed.F1)
	require.Less(t, rep.Directed.MeanAbsDT, 1.0/FPS)

	self := score.Score(truth, truth, 0)
	require.Equal(t, 1.0, self.Directed.F1)
	require.Zero(t, self.Directed.MeanAbsDT)
}

func TestH264(t *testing.T) {
	if _, err := VideoPath(); errors.Is(err, ErrNotFound) {
		t.Skipf("vtest.avi missing: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := H264(ctx)
	require.NoError(t, err)
	head := make([]byte, 5)
	f, err := os.Open(c.Path)
	require.NoError(t, err)
	_, err = f.Read(head)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Equal(t, []byte{0, 0, 0, 1, 9}, head, "stream starts with an access-unit delimiter")

	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", c.Path).Output()
	require.NoError(t, err)
	require.Equal(t, "768,576,795", string(bytes.TrimSpace(out)))
	meta, err := os.ReadFile(c.MetaPath)
	require.NoError(t, err)
	require.Contains(t, string(meta), `"fps": 7`)
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// FuzzParseGT: whatever parses re-parses to the same boxes after formatting.
func FuzzParseGT(f *testing.F) {
	f.Add("1,9,499,158,31.03,75.17,1,-4.1,-7.3,0\n")
	f.Add("\n2,3,1,2,3,4\n\n")
	f.Add("1,2,3\n")
	f.Fuzz(func(t *testing.T, in string) {
		gt, err := ParseGT(strings.NewReader(in))
		if err != nil {
			return
		}
		var sb strings.Builder
		for _, b := range gt.Boxes {
			fmt.Fprintf(&sb, "%d,%d,%s,%s,%s,%s\n", b.Frame, b.ID, ftoa(b.Left), ftoa(b.Top), ftoa(b.Width), ftoa(b.Height))
		}
		again, err := ParseGT(strings.NewReader(sb.String()))
		require.NoError(t, err)
		require.Equal(t, gt.Boxes, again.Boxes)
	})
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
