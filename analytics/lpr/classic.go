// Package lpr holds the classic plate reader: the offline, no-model-file default engine
// of issue 5. It finds plates by colour and vertical-edge density, rectifies them,
// cuts the characters along the GA 36 geometry and classifies each with a small
// network trained on synthetic characters and embedded in the binary. Pure Go.
package lpr

import (
	"errors"
	"fmt"
	"image"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/mlp"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// ClassicOptions configures NewClassic. The zero value gives the defaults.
type ClassicOptions struct {
	// MinHeight is the smallest plate height in pixels Read looks for when its caller
	// passes 0 [16].
	MinHeight int
	// MaxCandidates bounds the candidate regions Read reads per picture, best first
	// [16].
	MaxCandidates int
	// MinConf drops findings of Read whose Conf is below it [0.2].
	MinConf float64
	// Model replaces the embedded character model (a file written by cmd/lprtrain).
	Model []byte
}

// Defaults of ClassicOptions.
const (
	DefaultMinHeight     = 16
	DefaultMaxCandidates = 16
	DefaultMinConf       = 0.2
)

// Classic is the classic engine. It implements plate.Reader and plate.Recognizer.
// Like every engine it is not safe for concurrent use: each camera worker owns one.
type Classic struct {
	opts    ClassicOptions
	nets    []*mlp.Net
	probs   []float32 // one net's probabilities
	scratch scratch   // Read's frame-sized buffers
}

var (
	_ plate.Reader     = (*Classic)(nil)
	_ plate.Recognizer = (*Classic)(nil)
)

// NewClassic builds the engine, checking opts and decoding the character model.
func NewClassic(opts ClassicOptions) (*Classic, error) {
	switch {
	case opts.MinHeight < 0:
		return nil, fmt.Errorf("lpr: MinHeight is %d, want >= 0", opts.MinHeight)
	case opts.MaxCandidates < 0:
		return nil, fmt.Errorf("lpr: MaxCandidates is %d, want >= 0", opts.MaxCandidates)
	case opts.MinConf < 0 || opts.MinConf > 1 || opts.MinConf != opts.MinConf:
		return nil, fmt.Errorf("lpr: MinConf is %g, want 0..1", opts.MinConf)
	}
	if opts.MinHeight == 0 {
		opts.MinHeight = DefaultMinHeight
	}
	if opts.MaxCandidates == 0 {
		opts.MaxCandidates = DefaultMaxCandidates
	}
	if opts.MinConf == 0 {
		opts.MinConf = DefaultMinConf
	}
	data := opts.Model
	if data == nil {
		data = charModel
	}
	nets, err := loadModel(data)
	if err != nil {
		return nil, fmt.Errorf("lpr: %w", err)
	}
	return &Classic{opts: opts, nets: nets, probs: make([]float32, len(glyph.Classes))}, nil
}

// Engine names the engine for logs and benchmarks.
func (c *Classic) Engine() string { return "classic" }

// Close releases nothing; it exists for plate.Reader.
func (c *Classic) Close() error { return nil }

// minCrop is the smallest crop Recognize reads.
const minCrop = 8

// Recognize reads a picture that is already a rectified plate crop. Box and Corners
// cover the whole crop; Crop is a copy of it.
func (c *Classic) Recognize(crop plate.Picture) (plate.Finding, error) {
	if !crop.Valid() {
		return plate.Finding{}, fmt.Errorf("lpr: recognize: crop %dx%d with %d bytes is not a BGR picture", crop.W, crop.H, len(crop.Pix))
	}
	if crop.W < minCrop || crop.H < minCrop {
		return plate.Finding{}, errors.New("lpr: recognize: crop smaller than 8x8 pixels")
	}
	r := c.readPlate(crop, false)
	box := image.Rect(0, 0, crop.W, crop.H)
	return plate.Finding{
		Text:       r.text,
		CharConf:   r.charConf,
		Conf:       r.conf,
		Color:      r.color,
		ColorConf:  r.colorConf,
		Box:        box,
		Corners:    corners(box),
		DetectConf: 1,
		Crop:       plate.Picture{W: crop.W, H: crop.H, Pix: append([]byte(nil), crop.Pix[:crop.W*crop.H*3]...)},
	}, nil
}

// corners lists r's corners top-left, top-right, bottom-right, bottom-left.
func corners(r image.Rectangle) [4]image.Point {
	return [4]image.Point{r.Min, {r.Max.X, r.Min.Y}, r.Max, {r.Min.X, r.Max.Y}}
}
