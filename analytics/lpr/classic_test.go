package lpr

import (
	"image"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestNewClassicOptions(t *testing.T) {
	cases := []struct {
		name string
		opts ClassicOptions
		want string
	}{
		{"defaults", ClassicOptions{}, ""},
		{"negative min height", ClassicOptions{MinHeight: -1}, "MinHeight"},
		{"negative candidates", ClassicOptions{MaxCandidates: -2}, "MaxCandidates"},
		{"confidence above 1", ClassicOptions{MinConf: 1.5}, "MinConf"},
		{"confidence NaN", ClassicOptions{MinConf: math.NaN()}, "MinConf"},
		{"model garbage", ClassicOptions{Model: []byte("not a model")}, "decode character model"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClassic(tc.opts)
			if tc.want != "" {
				require.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "classic", c.Engine())
			require.Equal(t, DefaultMinHeight, c.opts.MinHeight)
			require.Equal(t, DefaultMaxCandidates, c.opts.MaxCandidates)
			require.Equal(t, DefaultMinConf, c.opts.MinConf)
			require.NoError(t, c.Close())
		})
	}
}

func grey(w, h int, v byte) plate.Picture {
	p := plate.Picture{W: w, H: h, Pix: make([]byte, w*h*3)}
	for i := range p.Pix {
		p.Pix[i] = v
	}
	return p
}

func TestReadRejectsBadInput(t *testing.T) {
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	cases := []struct {
		name      string
		pic       plate.Picture
		roi       image.Rectangle
		minHeight int
		want      string
	}{
		{"short pixel buffer", plate.Picture{W: 10, H: 10, Pix: make([]byte, 20)}, image.Rectangle{}, 0, "not a BGR picture"},
		{"zero size", plate.Picture{}, image.Rectangle{}, 0, "not a BGR picture"},
		{"negative min height", grey(64, 64, 0), image.Rectangle{}, -3, "minHeight"},
		{"roi outside", grey(64, 64, 0), image.Rect(100, 100, 200, 200), 0, "roi"},
		{"roi too small", grey(64, 64, 0), image.Rect(0, 0, 4, 64), 0, "roi"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Read(tc.pic, tc.roi, tc.minHeight)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestReadBlankPicture(t *testing.T) {
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	for _, v := range []byte{0, 128, 255} {
		got, err := c.Read(grey(320, 180, v), image.Rectangle{}, 0)
		require.NoError(t, err)
		require.Empty(t, got, "a uniform picture holds no plate")
	}
}

func TestRecognizeRejectsBadInput(t *testing.T) {
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	_, err = c.Recognize(plate.Picture{W: 94, H: 24, Pix: make([]byte, 10)})
	require.ErrorContains(t, err, "not a BGR picture")
	_, err = c.Recognize(grey(6, 24, 0))
	require.ErrorContains(t, err, "smaller than 8x8")
	f, err := c.Recognize(grey(94, 24, 40))
	require.NoError(t, err, "a blank crop is read, just badly")
	require.Equal(t, image.Rect(0, 0, 94, 24), f.Box)
	require.Less(t, f.Conf, 0.5)
}

func TestRecognizeOddShapes(t *testing.T) {
	c, err := NewClassic(ClassicOptions{})
	require.NoError(t, err)
	for _, sz := range []image.Point{{8, 8}, {8, 300}, {300, 8}, {1500, 20}, {94, 24}} {
		p := grey(sz.X, sz.Y, 0)
		for i := range p.Pix {
			p.Pix[i] = byte(i * 7 % 251) // some texture
		}
		f, err := c.Recognize(p)
		require.NoError(t, err, "%v", sz)
		require.Equal(t, image.Rect(0, 0, sz.X, sz.Y), f.Box)
		require.Len(t, f.CharConf, len([]rune(f.Text)))
	}
}
