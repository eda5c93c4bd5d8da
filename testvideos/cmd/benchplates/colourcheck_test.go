package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

// TestCheckColours runs the pixel colour classifier on the labelled boxes of
// synthetic stills (every colour in turn) and tallies a confusion.
func TestCheckColours(t *testing.T) {
	set, err := synth.WriteStills(context.Background(), synth.StillOptions{N: 10, Seed: 9}, t.TempDir())
	require.NoError(t, err)
	pics, err := loadEasyPR(set.TruthPath)
	require.NoError(t, err)
	cs, err := checkColours(context.Background(), []dataSet{
		{Name: "synthetic", Kind: kindDetect, pics: pics},
		{Name: "crops", Kind: kindCrops},                         // no colour labels: skipped
		{Name: "easypr", Kind: kindDetect, Missing: "not there"}, // skipped
	})
	require.NoError(t, err)
	require.Len(t, cs, 1)
	require.Equal(t, "synthetic", cs[0].Set)
	require.Equal(t, 10, cs[0].Plates)
	require.GreaterOrEqual(t, cs[0].Correct, 9, "synthetic plates are clean: %v", cs[0].Confusion)

	var c colourCheck
	c.add(plate.ColorBlue, plate.ColorBlue)
	c.add(plate.ColorYellow, plate.ColorWhite)
	require.Equal(t, 2, c.Plates)
	require.Equal(t, 1, c.Correct)
	require.Equal(t, map[string]map[string]int{plate.ColorYellow.String(): {plate.ColorWhite.String(): 1}}, c.Confusion)
}
