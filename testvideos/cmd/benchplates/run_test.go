package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// fakeEngine is an engine whose answers come from function fields; the real engines
// run in TestRunRealEngines.
type fakeEngine struct {
	read      func(pic plate.Picture) ([]plate.Finding, error)
	recognize func(pic plate.Picture) (plate.Finding, error)
}

func (f *fakeEngine) Read(pic plate.Picture, _ image.Rectangle, _ int) ([]plate.Finding, error) {
	return f.read(pic)
}
func (f *fakeEngine) Recognize(pic plate.Picture) (plate.Finding, error) { return f.recognize(pic) }
func (f *fakeEngine) Engine() string                                     { return "fake" }
func (f *fakeEngine) Close() error                                       { return nil }

// TestRunDetect scores a scripted engine on real synthetic stills: picture 0 read
// right, picture 1 with one wrong character and the wrong colour, picture 2 found in
// the wrong place, picture 3 a Read error, picture 4 right plus a false finding.
func TestRunDetect(t *testing.T) {
	set, err := synth.WriteStills(context.Background(), synth.StillOptions{N: 5, Seed: 4}, t.TempDir())
	require.NoError(t, err)
	pics, err := loadEasyPR(set.TruthPath)
	require.NoError(t, err)
	require.Len(t, pics, 5)

	i := -1
	eng := &fakeEngine{read: func(pic plate.Picture) ([]plate.Finding, error) {
		i++
		require.Equal(t, [2]int{640, 480}, [2]int{pic.W, pic.H})
		tp := pics[i].Plates[0]
		right := plate.Finding{Text: tp.Text, Color: tp.Color, Box: tp.Box}
		switch i {
		case 1:
			rs := []rune(tp.Text)
			rs[len(rs)-1] = '#'
			right.Text, right.Color = string(rs), plate.ColorWhite
		case 2:
			right.Box = right.Box.Add(image.Pt(right.Box.Dx(), 0))
		case 3:
			return nil, errors.New("boom")
		case 4:
			return []plate.Finding{{Text: "X", Box: image.Rect(0, 0, 5, 5)}, right}, nil
		}
		return []plate.Finding{right}, nil
	}}
	total, byKind, err := runDetect(context.Background(), eng, pics)
	require.NoError(t, err)
	chars := 0
	for _, k := range []int{0, 1, 4} {
		chars += len([]rune(pics[k].Plates[0].Text))
	}
	all := chars + len([]rune(pics[2].Plates[0].Text)) + len([]rune(pics[3].Plates[0].Text))
	require.Equal(t, 5, total.Images)
	require.Equal(t, [8]int{5, 5, 3, 2, chars - 1, all, 3, 2}, [8]int{
		total.Plates, total.Findings, total.Detected, total.Exact, total.CharsRight, total.Chars, total.ColorJudged, total.ColorRight,
	})
	require.Equal(t, 1, total.Errors)
	require.Len(t, byKind, 3, "ordinary (three looks), new_energy_small, new_energy_large")
	sum := 0
	for _, k := range byKind {
		sum += k.Counts.Plates
	}
	require.Equal(t, 5, sum)
}

func TestRunCrops(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"皖A12345.jpg", "皖A23456.jpg", "皖A34567.jpg"} {
		writeImage(t, filepath.Join(dir, name), solid(94, 24, color.RGBA{B: 200, A: 255}), true)
	}
	crops, err := loadCrops(dir)
	require.NoError(t, err)
	i := -1
	eng := &fakeEngine{recognize: func(pic plate.Picture) (plate.Finding, error) {
		i++
		require.Equal(t, [2]int{94, 24}, [2]int{pic.W, pic.H})
		switch i {
		case 0:
			return plate.Finding{Text: "皖A12345"}, nil
		case 1:
			return plate.Finding{Text: "皖A2345"}, nil
		}
		return plate.Finding{}, errors.New("unreadable")
	}}
	total, err := runCrops(context.Background(), eng, crops)
	require.NoError(t, err)
	require.Equal(t, tally{Images: 3, Plates: 3, Findings: 2, Detected: 2, Exact: 1, CharsRight: 13, Chars: 21, Errors: 1, Seconds: total.Seconds}, total)
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		engines []string
		sets    []string
		err     string
	}{
		{name: "defaults", engines: engineNames(), sets: setNames},
		{name: "subset", args: []string{"-engines", "classic", "-sets", "synth, crops"}, engines: []string{"classic"}, sets: []string{"synth", "crops"}},
		{name: "unknown engine", args: []string{"-engines", "nope"}, err: `-engines: unknown "nope"`},
		{name: "unknown set", args: []string{"-sets", "easypr,ccpd"}, err: `-sets: unknown "ccpd"`},
		{name: "empty sets", args: []string{"-sets", ","}, err: "-sets: empty"},
		{name: "negative limit", args: []string{"-limit", "-1"}, err: "-limit"},
		{name: "synthetic count", args: []string{"-synth-n", "0"}, err: "-synth-n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseFlags(c.args)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.engines, o.Engines)
			require.Equal(t, c.sets, o.Sets)
		})
	}
}

// TestRunMissingShared: without ../shared the real-photo sets are reported n/a with
// the reason, the synthetic set still runs, and the ONNX engines say their models are
// missing.
func TestRunMissingShared(t *testing.T) {
	t.Setenv(synth.CacheEnv, t.TempDir())
	missing := filepath.Join(t.TempDir(), "no-shared")
	o := options{Engines: engineNames(), Sets: setNames, Shared: missing, SynthN: 14, Seed: 2, Limit: 3}
	var out, log bytes.Buffer
	err := run(context.Background(), o, &out, &log)
	text := out.String()
	require.Contains(t, text, "set easypr  n/a (shared data not found at "+missing)
	require.Contains(t, text, "set crops   n/a (shared data not found at "+missing)
	require.Contains(t, text, "set synth   3 pictures, 3 plates")
	require.Contains(t, text, "== onnx-320 on synth: n/a (model missing: "+filepath.Join(missing, "models", "plate"))
	require.NoError(t, err, "the no-model engine runs on the synthetic set")
	require.Contains(t, text, "== classic on synth: ok\n3 pictures, 3 plates,")
	require.Contains(t, text, "summary")

	o.Engines, o.Sets = []string{"onnx-320"}, []string{setEasyPR}
	out.Reset()
	require.ErrorContains(t, run(context.Background(), o, &out, &log), "no engine ran on any set")
}

// TestRunRealEngines runs every engine on two pictures of each set, with the shared
// data and models when they are there (skipped otherwise): each run must come out
// "ok" with every picture read. Accuracy is the benchmark's to report, not this
// test's.
func TestRunRealEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: loads every model")
	}
	o, err := parseFlags([]string{"-limit", "2", "-synth-n", "14"})
	require.NoError(t, err)
	shared := sharedDir(o)
	if _, err := os.Stat(filepath.Join(shared, "eval", "plates-cn-easypr")); err != nil {
		t.Skipf("shared data not found at %s", shared)
	}
	t.Setenv(synth.CacheEnv, t.TempDir())
	var out, log bytes.Buffer
	require.NoError(t, run(context.Background(), o, &out, &log), out.String())
	for _, e := range engineNames() {
		for _, s := range setNames {
			require.Contains(t, out.String(), "== "+e+" on "+s+": ok\n2 pictures,", out.String())
		}
	}
}
