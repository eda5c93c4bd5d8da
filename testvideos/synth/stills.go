package synth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// StillsTruthFile is the EasyPR-format ground truth written next to the pictures:
// image<TAB>colour:plate<TAB>x,y,width,height,rotation (centre, size along the plate's
// axes and clockwise rotation in degrees, like OpenCV's RotatedRect).
const StillsTruthFile = "ground_truth.tsv"

// stillsVersion is part of a still set's cache key: bump it whenever the pictures or
// their truth change.
const stillsVersion = "stills-2"

// StillOptions selects a set of still pictures of plates.
type StillOptions struct {
	// N is the number of pictures, 1..10000. Picture i shows a plate of
	// style i mod 14 (every kind and colour), so N >= 14 covers them all.
	N int `json:"n"`
	// Seed drives everything drawn; the same options give the same files.
	Seed uint64 `json:"seed"`
	// Width and Height of each picture, default 640x480 (at least 480x360).
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// RotatedBox is a plate's outline in picture pixels: centre, width and height along
// its own axes, and rotation in degrees (clockwise on screen).
type RotatedBox struct {
	CX, CY, W, H, Angle float64
}

// Bounds returns the axis-aligned bounding box of the rotated rectangle.
func (b RotatedBox) Bounds() image.Rectangle {
	s, c := math.Sincos(b.Angle * math.Pi / 180)
	hw := (b.W*math.Abs(c) + b.H*math.Abs(s)) / 2
	hh := (b.W*math.Abs(s) + b.H*math.Abs(c)) / 2
	return image.Rect(int(math.Round(b.CX-hw)), int(math.Round(b.CY-hh)), int(math.Round(b.CX+hw)), int(math.Round(b.CY+hh)))
}

// Still is the truth of one picture.
type Still struct {
	// Image is the JPEG's file name in the set's directory.
	Image string `json:"image"`
	// Text is the plate number, normalised (plate.Normalize: no separator).
	Text  string `json:"text"`
	Color string `json:"color"`
	// Rows is 1, or 2 for a double-row plate.
	Rows int        `json:"rows"`
	Box  RotatedBox `json:"box"`
	// Mode is StillCar or StillCloseUp.
	Mode string `json:"mode"`
}

// StillSet is a directory of generated pictures with their truth.
type StillSet struct {
	Dir string
	// TruthPath is the EasyPR-format ground_truth.tsv.
	TruthPath string
	Stills    []Still
}

func (o StillOptions) normalize() (StillOptions, error) {
	o.Width, o.Height = orInt(o.Width, 640), orInt(o.Height, 480)
	switch {
	case o.N < 1 || o.N > 10000:
		return o, fmt.Errorf("stills: n: %d out of 1..10000", o.N)
	case o.Width < 480 || o.Height < 360 || o.Width > 3840 || o.Height > 2160:
		return o, fmt.Errorf("stills: width/height: %dx%d out of 480x360..3840x2160", o.Width, o.Height)
	}
	return o, nil
}

// Stills returns the still set for o from the cache directory (see CacheDir),
// generating it on first use; concurrent callers serialise on a lock file.
func Stills(ctx context.Context, o StillOptions) (StillSet, error) {
	o, err := o.normalize()
	if err != nil {
		return StillSet{}, err
	}
	b, err := json.Marshal(o)
	if err != nil {
		return StillSet{}, err
	}
	sum := sha256.Sum256(append([]byte(stillsVersion+"\n"), b...))
	dir := filepath.Join(CacheDir(), "plates-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return StillSet{}, fmt.Errorf("create stills directory: %w", err)
	}
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return StillSet{}, err
	}
	defer unlock()
	if set, err := loadStills(dir); err == nil && len(set.Stills) == o.N {
		return set, nil
	}
	return WriteStills(ctx, o, dir)
}

// WriteStills renders the pictures of o into dir unconditionally: NNNN.jpg,
// ground_truth.tsv (EasyPR format) and stills.json (the exact truth, []Still). The
// truth files are written last, each under a temporary name and renamed.
func WriteStills(ctx context.Context, o StillOptions, dir string) (StillSet, error) {
	o, err := o.normalize()
	if err != nil {
		return StillSet{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return StillSet{}, fmt.Errorf("create stills directory: %w", err)
	}
	plans := make([]stillPlan, o.N)
	var runes []rune
	for i := range plans {
		plans[i] = planStill(o, i)
		for _, r := range plateRunes(plans[i].text) {
			if !slices.Contains(runes, r) {
				runes = append(runes, r)
			}
		}
	}
	glyphs, err := rasterGlyphs(ctx, runes)
	if err != nil {
		return StillSet{}, fmt.Errorf("stills: %w", err)
	}
	set := StillSet{Dir: dir, TruthPath: filepath.Join(dir, StillsTruthFile)}
	for i, p := range plans {
		if err := ctx.Err(); err != nil {
			return StillSet{}, err
		}
		st := Still{Image: fmt.Sprintf("%04d.jpg", i), Text: plate.Normalize(p.text), Color: p.style.color,
			Rows: p.style.rows, Box: p.box(), Mode: p.mode}
		if err := writeJPEG(filepath.Join(dir, st.Image), p.render(o, i, glyphs), p.quality); err != nil {
			return StillSet{}, err
		}
		set.Stills = append(set.Stills, st)
	}
	if err := writeJSON(filepath.Join(dir, "stills.json"), set.Stills); err != nil {
		return StillSet{}, err
	}
	return set, writeStillsTSV(set.TruthPath, set.Stills)
}

func loadStills(dir string) (StillSet, error) {
	set := StillSet{Dir: dir, TruthPath: filepath.Join(dir, StillsTruthFile)}
	if _, err := os.Stat(set.TruthPath); err != nil {
		return set, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "stills.json"))
	if err != nil {
		return set, err
	}
	if err := json.Unmarshal(b, &set.Stills); err != nil {
		return set, fmt.Errorf("decode %s/stills.json: %w", dir, err)
	}
	return set, nil
}

// writeStillsTSV writes the EasyPR ground truth (integers, like EasyPR's own file).
func writeStillsTSV(path string, stills []Still) error {
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# image\tcolor:plate (蓝牌=blue, 黄牌=yellow, 绿牌=green, 白牌=white, 黑牌=black)\tx,y,width,height,rotation_degrees (centre, size, clockwise)")
	for _, s := range stills {
		b := s.Box
		r := func(v float64) int { return int(math.Round(v)) }
		fmt.Fprintf(w, "%s\t%s:%s\t%d,%d,%d,%d,%d\n", s.Image, chineseColor(s.Color), s.Text, r(b.CX), r(b.CY), r(b.W), r(b.H), r(b.Angle))
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("store %s: %w", path, err)
	}
	return nil
}

// writeJPEG encodes an rgb24 canvas.
func writeJPEG(path string, c *canvas, quality int) error {
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	for p := range c.w * c.h {
		copy(img.Pix[p*4:], c.pix[p*3:p*3+3])
		img.Pix[p*4+3] = 255
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write picture: %w", err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: quality}); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
