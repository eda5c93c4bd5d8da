package main

import (
	"context"
	"fmt"
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
				sub := pic.Crop(tp.Box)
				if !sub.Valid() {
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
