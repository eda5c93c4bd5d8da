package main

import (
	"context"
	"image"
	"slices"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Set kinds: a detection set runs Read on whole pictures, a crops set Recognize on
// rectified plates.
const (
	kindDetect = "detect"
	kindCrops  = "crops"
)

// dataSet is one evaluation set, loaded (or the reason it is missing).
type dataSet struct {
	Name    string
	Kind    string
	Source  string // directory or truth file, for the report
	Missing string // non-empty: not available, and why
	pics    []picture
	crops   []crop
}

// size is the number of pictures.
func (d *dataSet) size() int { return len(d.pics) + len(d.crops) }

// limit keeps the first n pictures (n <= 0: all).
func (d *dataSet) limit(n int) {
	if n > 0 {
		d.pics = d.pics[:min(n, len(d.pics))]
		d.crops = d.crops[:min(n, len(d.crops))]
	}
}

// kindTally is the part of a detection result for one plate kind.
type kindTally struct {
	Kind    string  `json:"kind"`
	Counts  tally   `json:"counts"`
	Metrics metrics `json:"metrics"`
}

// runDetect reads every picture of a detection set with Read on the whole picture
// and scores the findings against the truth (see README: matching, accuracy). Time
// is Read's wall time only, decoding excluded. A Read error counts the picture's
// plates as missed.
func runDetect(ctx context.Context, eng plate.Reader, pics []picture) (tally, []kindTally, error) {
	var total tally
	byKind := map[plate.Kind]*tally{}
	for _, p := range pics {
		if err := ctx.Err(); err != nil {
			return total, nil, err
		}
		pic, err := decodePicture(p.Path)
		if err != nil {
			return total, nil, err
		}
		t0 := time.Now()
		found, err := eng.Read(pic, image.Rectangle{}, 0)
		total.Seconds += time.Since(t0).Seconds()
		total.Images++
		if err != nil {
			total.Errors++
			found = nil
		}
		total.Findings += len(found)
		boxes := make([]image.Rectangle, len(found))
		for i, f := range found {
			boxes[i] = f.Box
		}
		match := matchBoxes(truthBoxes(p.Plates), boxes)
		for i, tp := range p.Plates {
			var f plate.Finding
			if match[i] >= 0 {
				f = found[match[i]]
			}
			total.addPlate(tp.Text, tp.Color, match[i] >= 0, f.Text, f.Color)
			k := plate.Parse(tp.Text).Kind
			if byKind[k] == nil {
				byKind[k] = &tally{}
			}
			byKind[k].addPlate(tp.Text, tp.Color, match[i] >= 0, f.Text, f.Color)
		}
	}
	return total, kindTallies(byKind), nil
}

func truthBoxes(ps []truthPlate) []image.Rectangle {
	out := make([]image.Rectangle, len(ps))
	for i, p := range ps {
		out[i] = p.Box
	}
	return out
}

// kindTallies orders per-kind tallies by kind.
func kindTallies(m map[plate.Kind]*tally) []kindTally {
	var ks []plate.Kind
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	out := make([]kindTally, 0, len(ks))
	for _, k := range ks {
		out = append(out, kindTally{Kind: k.String(), Counts: *m[k], Metrics: m[k].metrics()})
	}
	return out
}

// runCrops recognises every crop. A crop counts as "detected" when Recognize
// returned without error; colour is not judged (the crops carry no colour label).
func runCrops(ctx context.Context, eng plate.Recognizer, crops []crop) (tally, error) {
	var total tally
	for _, c := range crops {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		pic, err := decodePicture(c.Path)
		if err != nil {
			return total, err
		}
		t0 := time.Now()
		f, err := eng.Recognize(pic)
		total.Seconds += time.Since(t0).Seconds()
		total.Images++
		if err != nil {
			total.Errors++
		} else {
			total.Findings++
		}
		total.addPlate(c.Text, plate.ColorUnknown, err == nil, f.Text, f.Color)
	}
	return total, nil
}
