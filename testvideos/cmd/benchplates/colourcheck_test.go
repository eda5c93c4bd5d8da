package main

import (
	"context"
	"image"
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

func TestCropPicture(t *testing.T) {
	p := plate.Picture{W: 4, H: 3, Pix: make([]byte, 4*3*3)}
	for i := range p.Pix {
		p.Pix[i] = byte(i)
	}
	sub, ok := cropPicture(p, image.Rect(1, 1, 3, 5)) // clipped at the bottom
	require.True(t, ok)
	require.Equal(t, 2, sub.W)
	require.Equal(t, 2, sub.H)
	require.Equal(t, []byte{15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32}, sub.Pix)
	_, ok = cropPicture(p, image.Rect(5, 5, 8, 8))
	require.False(t, ok)
}
