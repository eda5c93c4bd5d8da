package main

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestParseTruthLine(t *testing.T) {
	cases := []struct {
		name, line string
		image      string
		want       truthPlate
		err        string
	}{
		{name: "easypr", line: "京A88731.jpg\t蓝牌:京A88731\t170,184,96,27,-1", image: "京A88731.jpg",
			want: truthPlate{Text: "京A88731", Color: plate.ColorBlue, Box: rotatedBounds(170, 184, 96, 27, -1)}},
		{name: "separator in the plate", line: "x.jpg\t黄牌:沪C·3Q2R5\t10,10,40,12,0", image: "x.jpg",
			want: truthPlate{Text: "沪C3Q2R5", Color: plate.ColorYellow, Box: image.Rect(-10, 4, 30, 16)}},
		{name: "synthetic colours", line: "0001.jpg\t黑牌:粤Z1234港\t100,50,80,26,3", image: "0001.jpg",
			want: truthPlate{Text: "粤Z1234港", Color: plate.ColorBlack, Box: rotatedBounds(100, 50, 80, 26, 3)}},
		{name: "two columns", line: "x.jpg\t蓝牌:京A88731", err: "want 3 tab-separated columns"},
		{name: "no colour", line: "x.jpg\t京A88731\t1,1,1,1,0", err: "want colour:plate"},
		{name: "bad colour", line: "x.jpg\t紫牌:京A88731\t1,1,1,1,0", err: "unknown plate colour"},
		{name: "four numbers", line: "x.jpg\t蓝牌:京A88731\t1,1,1,1", err: "want x,y,width,height,rotation"},
		{name: "not a number", line: "x.jpg\t蓝牌:京A88731\t1,1,a,1,0", err: "box"},
		{name: "zero size", line: "x.jpg\t蓝牌:京A88731\t1,1,0,1,0", err: "width and height must be positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img, tp, err := parseTruthLine(c.line)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.image, img)
			require.Equal(t, c.want, tp)
		})
	}
}

// TestLoadEasyPR: rows of one image are grouped in file order, comments and blank
// lines are skipped, pictures are found in images/ (EasyPR) or next to the file
// (synthetic stills), and a bad line names the file and line.
func TestLoadEasyPR(t *testing.T) {
	dir := t.TempDir()
	tsv := "# image\tcolor:plate\tx,y,width,height,rotation\n" +
		"a.jpg\t蓝牌:津E24494\t873,598,145,46,6\n\n" +
		"b.jpg\t黄牌:浙A12210\t298,229,50,175,-86\n" +
		"a.jpg\t蓝牌:津JZ3999\t289,484,34,98,-86\n"
	path := filepath.Join(dir, "ground_truth.tsv")
	require.NoError(t, os.WriteFile(path, []byte(tsv), 0o644))
	pics, err := loadEasyPR(path)
	require.NoError(t, err)
	require.Len(t, pics, 2)
	require.Equal(t, filepath.Join(dir, "a.jpg"), pics[0].Path)
	require.Equal(t, []string{"津E24494", "津JZ3999"}, []string{pics[0].Plates[0].Text, pics[0].Plates[1].Text})
	require.Equal(t, image.Rect(209, 198, 387, 260), pics[1].Plates[0].Box)

	require.NoError(t, os.Mkdir(filepath.Join(dir, "images"), 0o755))
	pics, err = loadEasyPR(path)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "images", "a.jpg"), pics[0].Path)

	require.NoError(t, os.WriteFile(path, []byte(tsv+"c.jpg\t蓝牌\t1,1,1,1,0\n"), 0o644))
	_, err = loadEasyPR(path)
	require.ErrorContains(t, err, "ground_truth.tsv:6: label")

	require.NoError(t, os.WriteFile(path, []byte("# only a comment\n"), 0o644))
	_, err = loadEasyPR(path)
	require.ErrorContains(t, err, "no plates")
	_, err = loadEasyPR(filepath.Join(dir, "nope.tsv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadCropsAndDecode(t *testing.T) {
	dir := t.TempDir()
	writeImage(t, filepath.Join(dir, "皖A12345.jpg"), solid(94, 24, color.RGBA{R: 20, G: 60, B: 180, A: 255}), true)
	writeImage(t, filepath.Join(dir, "皖A12345_1.png"), solid(94, 24, color.RGBA{R: 200, G: 10, B: 30, A: 255}), false)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	crops, err := loadCrops(dir)
	require.NoError(t, err)
	require.Len(t, crops, 2)
	require.Equal(t, "皖A12345", crops[0].Text)
	require.Equal(t, "皖A12345", crops[1].Text, "a duplicate marker is dropped")

	pic, err := decodePicture(crops[1].Path) // the PNG: exact colours
	require.NoError(t, err)
	require.Equal(t, [2]int{94, 24}, [2]int{pic.W, pic.H})
	require.Equal(t, []byte{30, 10, 200}, pic.Pix[:3], "BGR order")
	pic, err = decodePicture(crops[0].Path) // the JPEG: YCbCr, close colours
	require.NoError(t, err)
	require.True(t, pic.Valid())
	require.InDelta(t, 180, int(pic.Pix[3*50]), 8)
	require.InDelta(t, 20, int(pic.Pix[3*50+2]), 8)

	_, err = loadCrops(t.TempDir())
	require.ErrorContains(t, err, "no .jpg or .png crops")
	_, err = decodePicture(filepath.Join(dir, "notes.txt"))
	require.ErrorContains(t, err, "decode")
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func writeImage(t *testing.T, path string, img image.Image, asJPEG bool) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	if asJPEG {
		require.NoError(t, jpeg.Encode(f, img, &jpeg.Options{Quality: 95}))
	} else {
		require.NoError(t, png.Encode(f, img))
	}
	require.NoError(t, f.Close())
}
