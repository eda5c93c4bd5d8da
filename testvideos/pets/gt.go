package pets

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Box is one ground-truth box: a MOT15 line `frame,id,left,top,width,height,conf,x,y,z`.
type Box struct {
	// Frame is the 1-based MOT frame; video frame Frame-1.
	Frame int
	ID    int
	// Left, Top, Width, Height are pixels in the 768x576 picture.
	Left, Top, Width, Height float64
}

// Foot returns the bottom-centre of the box in normalized coordinates.
func (b Box) Foot() Point {
	return Point{X: (b.Left + b.Width/2) / Width, Y: (b.Top + b.Height) / Height}
}

// VideoFrame returns the 0-based frame index in vtest.avi.
func (b Box) VideoFrame() int { return b.Frame - 1 }

// GT is a parsed ground-truth file.
type GT struct {
	Boxes []Box
}

// LoadGT reads and parses a MOT ground-truth file.
func LoadGT(path string) (*GT, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open ground truth: %w", err)
	}
	defer f.Close()
	gt, err := ParseGT(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return gt, nil
}

// ParseGT parses MOT lines. Blank lines are skipped; anything else malformed is an error
// naming the line.
func ParseGT(r io.Reader) (*GT, error) {
	gt := &GT{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		b, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		gt.Boxes = append(gt.Boxes, b)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return gt, nil
}

func parseLine(line string) (Box, error) {
	f := strings.Split(line, ",")
	if len(f) < 6 {
		return Box{}, fmt.Errorf("want at least 6 fields, got %d", len(f))
	}
	var b Box
	var err error
	if b.Frame, err = strconv.Atoi(strings.TrimSpace(f[0])); err != nil || b.Frame < 1 {
		return Box{}, fmt.Errorf("bad frame %q", f[0])
	}
	if b.ID, err = strconv.Atoi(strings.TrimSpace(f[1])); err != nil {
		return Box{}, fmt.Errorf("bad id %q", f[1])
	}
	dst := []*float64{&b.Left, &b.Top, &b.Width, &b.Height}
	for i, p := range dst {
		if *p, err = strconv.ParseFloat(strings.TrimSpace(f[2+i]), 64); err != nil {
			return Box{}, fmt.Errorf("bad field %d %q", 3+i, f[2+i])
		}
	}
	if b.Width <= 0 || b.Height <= 0 {
		return Box{}, fmt.Errorf("empty box %gx%g", b.Width, b.Height)
	}
	return b, nil
}

// Tracks groups the boxes by track ID, each track sorted by frame.
func (g *GT) Tracks() map[int][]Box {
	tr := map[int][]Box{}
	for _, b := range g.Boxes {
		tr[b.ID] = append(tr[b.ID], b)
	}
	for _, bs := range tr {
		slices.SortFunc(bs, func(a, b Box) int { return cmp.Compare(a.Frame, b.Frame) })
	}
	return tr
}

// IDs returns the track IDs in ascending order.
func (g *GT) IDs() []int {
	var ids []int
	for id := range g.Tracks() {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
