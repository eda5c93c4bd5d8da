package main

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // EasyPR pictures and the crops
	_ "image/png"  // a few EasyPR ".jpg" files are PNG
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// truthPlate is one labelled plate of a picture.
type truthPlate struct {
	Text  string
	Color plate.Color
	// Box is the bounding box of the labelled rotated rectangle.
	Box image.Rectangle
}

// picture is one image of a detection set with its plates.
type picture struct {
	Path   string
	Plates []truthPlate
}

// loadEasyPR reads an EasyPR-format ground truth (image<TAB>colour:plate<TAB>
// x,y,width,height,rotation: centre, size and angle of a rotated rectangle; '#'
// starts a comment line) and groups its rows by image, in file order. Images are
// looked up in dir/images, else next to the file.
func loadEasyPR(truthPath string) ([]picture, error) {
	f, err := os.Open(truthPath)
	if err != nil {
		return nil, fmt.Errorf("open ground truth: %w", err)
	}
	defer f.Close()
	imgDir := filepath.Join(filepath.Dir(truthPath), "images")
	if st, err := os.Stat(imgDir); err != nil || !st.IsDir() {
		imgDir = filepath.Dir(truthPath)
	}
	var pics []picture
	index := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, tp, err := parseTruthLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", truthPath, n, err)
		}
		i, ok := index[name]
		if !ok {
			i = len(pics)
			index[name] = i
			pics = append(pics, picture{Path: filepath.Join(imgDir, name)})
		}
		pics[i].Plates = append(pics[i].Plates, tp)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", truthPath, err)
	}
	if len(pics) == 0 {
		return nil, fmt.Errorf("%s: no plates", truthPath)
	}
	return pics, nil
}

func parseTruthLine(line string) (string, truthPlate, error) {
	cols := strings.Split(line, "\t")
	if len(cols) != 3 {
		return "", truthPlate{}, fmt.Errorf("want 3 tab-separated columns, got %d", len(cols))
	}
	colour, text, ok := strings.Cut(cols[1], ":")
	if !ok || text == "" {
		return "", truthPlate{}, fmt.Errorf("label %q: want colour:plate", cols[1])
	}
	c, err := plate.ParseColor(colour)
	if err != nil {
		return "", truthPlate{}, fmt.Errorf("label %q: %w", cols[1], err)
	}
	nums := strings.Split(cols[2], ",")
	if len(nums) != 5 {
		return "", truthPlate{}, fmt.Errorf("box %q: want x,y,width,height,rotation", cols[2])
	}
	var v [5]float64
	for i, s := range nums {
		if v[i], err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return "", truthPlate{}, fmt.Errorf("box %q: %w", cols[2], err)
		}
	}
	if v[2] <= 0 || v[3] <= 0 {
		return "", truthPlate{}, fmt.Errorf("box %q: width and height must be positive", cols[2])
	}
	return cols[0], truthPlate{Text: plate.Normalize(text), Color: c, Box: rotatedBounds(v[0], v[1], v[2], v[3], v[4])}, nil
}

// crop is one picture of the crops set: a rectified plate labelled by its file name.
type crop struct {
	Path, Text string
}

// loadCrops lists dir's .jpg/.png files; the label is the name without extension
// (anything after a '_' is a duplicate marker and dropped).
func loadCrops(dir string) ([]crop, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list crops: %w", err)
	}
	var out []crop
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".jpg" && ext != ".jpeg" && ext != ".png") {
			continue
		}
		label, _, _ := strings.Cut(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())), "_")
		out = append(out, crop{Path: filepath.Join(dir, e.Name()), Text: plate.Normalize(label)})
	}
	if len(out) == 0 {
		return nil, errors.New("no .jpg or .png crops in " + dir)
	}
	slices.SortFunc(out, func(a, b crop) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// decodePicture reads a JPEG or PNG file into a BGR plate.Picture.
func decodePicture(path string) (plate.Picture, error) {
	f, err := os.Open(path)
	if err != nil {
		return plate.Picture{}, fmt.Errorf("open picture: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return plate.Picture{}, fmt.Errorf("decode %s: %w", path, err)
	}
	return toBGR(img), nil
}

// toBGR converts any image to packed BGR, with a fast path for JPEG's YCbCr.
func toBGR(img image.Image) plate.Picture {
	b := img.Bounds()
	pic := plate.Picture{W: b.Dx(), H: b.Dy(), Pix: make([]byte, b.Dx()*b.Dy()*3)}
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var r, g, bl uint8
			if yc, ok := img.(*image.YCbCr); ok {
				yi, ci := yc.YOffset(x, y), yc.COffset(x, y)
				r, g, bl = color.YCbCrToRGB(yc.Y[yi], yc.Cb[ci], yc.Cr[ci])
			} else {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				r, g, bl = c.R, c.G, c.B
			}
			pic.Pix[i], pic.Pix[i+1], pic.Pix[i+2] = bl, g, r
			i += 3
		}
	}
	return pic
}
