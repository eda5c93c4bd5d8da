package lpr

import (
	"fmt"
	"image"
	_ "image/jpeg" // truth pictures
	_ "image/png"  // a few .jpg files are PNG
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// evalDir is the shared evaluation data (never used for training).
const evalDir = "../../../shared/eval"

func loadJPEG(t testing.TB, path string) plate.Picture {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, _, err := image.Decode(f)
	require.NoError(t, err)
	return toPicture(img)
}

func toPicture(img image.Image) plate.Picture {
	b := img.Bounds()
	p := plate.Picture{W: b.Dx(), H: b.Dy(), Pix: make([]byte, b.Dx()*b.Dy()*3)}
	for y := range p.H {
		for x := range p.W {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := (y*p.W + x) * 3
			p.Pix[i], p.Pix[i+1], p.Pix[i+2] = byte(bl>>8), byte(g>>8), byte(r>>8)
		}
	}
	return p
}

// Accuracy floors on the shared evaluation sets, about 5 points under the figures
// measured when the model was generated (README.md, "Measured").
const (
	cropsWholeFloor  = 0.37
	cropsCharFloor   = 0.75
	easyPRRecallMin  = 0.80
	easyPRWholeFloor = 0.59
	easyPRCharFloor  = 0.73
)

func TestCropsAccuracy(t *testing.T) {
	dir := filepath.Join(evalDir, "plates-cn-crops")
	files, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if len(files) == 0 {
		t.Skipf("evaluation crops not found in %s", dir)
	}
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	var whole, chars, total int
	posOK := make([]int, 7)
	var elapsed time.Duration
	for _, f := range files {
		want := strings.TrimSuffix(filepath.Base(f), ".jpg")
		crop := loadJPEG(t, f)
		start := time.Now()
		got, err := c.Recognize(crop)
		elapsed += time.Since(start)
		require.NoError(t, err)
		if got.Text == want {
			whole++
		} else if os.Getenv("LPR_VERBOSE") != "" {
			t.Logf("%s read as %s (%.2f)", want, got.Text, got.Conf)
		}
		w, g := []rune(want), []rune(got.Text)
		for i := range w {
			if i < len(g) && g[i] == w[i] {
				chars++
				if i < len(posOK) {
					posOK[i]++
				}
			}
		}
		total += utf8.RuneCountInString(want)
	}
	wp, cp := float64(whole)/float64(len(files)), float64(chars)/float64(total)
	t.Logf("crops: %d files, whole-plate %.1f%%, chars %.1f%%, right per position %v, %.2f ms/crop",
		len(files), 100*wp, 100*cp, posOK, float64(elapsed.Microseconds())/1000/float64(len(files)))
	require.GreaterOrEqual(t, wp, cropsWholeFloor)
	require.GreaterOrEqual(t, cp, cropsCharFloor)
}

// easyPRTruth is one plate of plates-cn-easypr/ground_truth.tsv.
type easyPRTruth struct {
	image, text string
	box         image.Rectangle // bounding box of the rotated truth box
}

func loadEasyPR(t testing.TB, dir string) []easyPRTruth {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "ground_truth.tsv"))
	require.NoError(t, err)
	var out []easyPRTruth
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 3, line)
		_, text, ok := strings.Cut(f[1], ":")
		require.True(t, ok, line)
		var cx, cy, w, h, rot float64
		_, err := fmt.Sscanf(f[2], "%g,%g,%g,%g,%g", &cx, &cy, &w, &h, &rot)
		require.NoError(t, err, line)
		a := rot * math.Pi / 180
		hx := math.Abs(w/2*math.Cos(a)) + math.Abs(h/2*math.Sin(a))
		hy := math.Abs(w/2*math.Sin(a)) + math.Abs(h/2*math.Cos(a))
		out = append(out, easyPRTruth{image: f[0], text: text,
			box: image.Rect(int(math.Round(cx-hx)), int(math.Round(cy-hy)), int(math.Round(cx+hx)), int(math.Round(cy+hy)))})
	}
	return out
}

// easyPRScore is detection recall, whole-plate and character accuracy over all
// truth plates, and the mean time per image.
type easyPRScore struct {
	plates, found, whole, chars, totalChars, images int
	elapsed                                         time.Duration
}

func scoreEasyPR(t testing.TB, c *Classic, dir string, verbose bool) easyPRScore {
	truth := loadEasyPR(t, dir)
	byImage := map[string][]easyPRTruth{}
	var names []string
	for _, tr := range truth {
		if byImage[tr.image] == nil {
			names = append(names, tr.image)
		}
		byImage[tr.image] = append(byImage[tr.image], tr)
	}
	var s easyPRScore
	for _, name := range names {
		pic := loadJPEG(t, filepath.Join(dir, "images", name))
		start := time.Now()
		got, err := c.Read(pic, image.Rectangle{}, 0)
		s.elapsed += time.Since(start)
		require.NoError(t, err)
		s.images++
		used := make([]bool, len(got))
		for _, tr := range byImage[name] {
			s.plates++
			s.totalChars += utf8.RuneCountInString(tr.text)
			best, bestIoU := -1, 0.5
			for i, f := range got {
				if v := iou(f.Box, tr.box); !used[i] && v >= bestIoU {
					best, bestIoU = i, v
				}
			}
			if best < 0 {
				if verbose {
					t.Logf("%s: %s not found (%d findings)", name, tr.text, len(got))
					for _, f := range got {
						t.Logf("   finding %s %.2f box %v, truth %v, iou %.2f", f.Text, f.Conf, f.Box, tr.box, iou(f.Box, tr.box))
					}
				}
				continue
			}
			used[best] = true
			s.found++
			g, w := []rune(got[best].Text), []rune(tr.text)
			if got[best].Text == tr.text {
				s.whole++
			} else if verbose {
				t.Logf("%s: %s read as %s (%.2f)", name, tr.text, got[best].Text, got[best].Conf)
			}
			for i := range w {
				if i < len(g) && g[i] == w[i] {
					s.chars++
				}
			}
		}
	}
	return s
}

func TestEasyPRAccuracy(t *testing.T) {
	dir := filepath.Join(evalDir, "plates-cn-easypr")
	if _, err := os.Stat(filepath.Join(dir, "ground_truth.tsv")); err != nil {
		t.Skipf("EasyPR evaluation set not found in %s", dir)
	}
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	s := scoreEasyPR(t, c, dir, os.Getenv("LPR_VERBOSE") != "")
	share := func(a, b int) float64 { return float64(a) / float64(max(1, b)) }
	t.Logf("easypr: %d images, %d plates: recall %.1f%%, whole-plate %.1f%%, chars %.1f%%, %.1f ms/image",
		s.images, s.plates, 100*share(s.found, s.plates), 100*share(s.whole, s.plates),
		100*share(s.chars, s.totalChars), float64(s.elapsed.Milliseconds())/float64(max(1, s.images)))
	require.GreaterOrEqual(t, share(s.found, s.plates), easyPRRecallMin)
	require.GreaterOrEqual(t, share(s.whole, s.plates), easyPRWholeFloor)
	require.GreaterOrEqual(t, share(s.chars, s.totalChars), easyPRCharFloor)
}
