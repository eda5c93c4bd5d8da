package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"slices"
	"strings"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// colourCheck is plate.ClassifyColor alone, on the labelled box of every plate
// of a detection set that has a colour label: how well the pixel classifier
// both engines share names the colour when the plate is where the truth says.
type colourCheck struct {
	Set     string `json:"set"`
	Plates  int    `json:"plates"`
	Correct int    `json:"correct"`
	// Confusion counts truth colour → classified colour, for the wrong ones.
	Confusion map[string]map[string]int `json:"confusion,omitempty"`
}

// checkColours runs the colour check on every loaded detection set.
func checkColours(ctx context.Context, sets []dataSet) ([]colourCheck, error) {
	var out []colourCheck
	for _, d := range sets {
		if d.Kind != kindDetect || d.Missing != "" {
			continue
		}
		c := colourCheck{Set: d.Name}
		for _, p := range d.pics {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			pic, err := decodePicture(p.Path)
			if err != nil {
				return out, err
			}
			for _, tp := range p.Plates {
				if tp.Color == plate.ColorUnknown {
					continue
				}
				sub, ok := cropPicture(pic, tp.Box)
				if !ok {
					continue
				}
				got, _ := plate.ClassifyColor(sub)
				c.add(tp.Color, got)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func (c *colourCheck) add(want, got plate.Color) {
	c.Plates++
	if got == want {
		c.Correct++
		return
	}
	if c.Confusion == nil {
		c.Confusion = map[string]map[string]int{}
	}
	if c.Confusion[want.String()] == nil {
		c.Confusion[want.String()] = map[string]int{}
	}
	c.Confusion[want.String()][got.String()]++
}

// cropPicture copies r (clipped to the picture) out of p; false when nothing
// is left.
func cropPicture(p plate.Picture, r image.Rectangle) (plate.Picture, bool) {
	r = r.Intersect(image.Rect(0, 0, p.W, p.H))
	if r.Empty() {
		return plate.Picture{}, false
	}
	out := plate.Picture{W: r.Dx(), H: r.Dy(), Pix: make([]byte, 0, r.Dx()*r.Dy()*3)}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := (y*p.W + r.Min.X) * 3
		out.Pix = append(out.Pix, p.Pix[row:row+r.Dx()*3]...)
	}
	return out, true
}

func printColourChecks(w io.Writer, cs []colourCheck) {
	for _, c := range cs {
		fmt.Fprintf(w, "colour classifier alone on the labelled boxes of %s: %d/%d (%s)", c.Set, c.Correct, c.Plates,
			pct(rate(float64(c.Correct)/float64(max(c.Plates, 1)))))
		var wrong []string
		for want, gots := range c.Confusion {
			for got, n := range gots {
				wrong = append(wrong, fmt.Sprintf("%s→%s %d", want, got, n))
			}
		}
		slices.Sort(wrong)
		if len(wrong) > 0 {
			fmt.Fprintf(w, "; wrong: %s", strings.Join(wrong, ", "))
		}
		fmt.Fprintln(w)
	}
	if len(cs) > 0 {
		fmt.Fprintln(w)
	}
}
