package plate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

func rd(text string, conf float64) Read {
	return Read{Text: text, Conf: conf}
}

func TestConsensus(t *testing.T) {
	cases := []struct {
		name     string
		opts     ConsensusOptions
		reads    []Read
		ok       bool
		text     string
		conf     float64 // checked when > 0
		charConf []float64
		voters   int
		color    Color
	}{
		{
			name:  "misread character outvoted",
			reads: []Read{rd("粤B12345", 0.9), rd("粤B12845", 0.9), rd("粤B12345", 0.9), rd("粤B12345", 0.9)},
			ok:    true, text: "粤B12345", voters: 4,
			// position 5: share 2.7/3.6 = 0.75; other positions 1. Confidence 0.9 everywhere.
			conf:     (6 + 0.75) / 7 * 0.9,
			charConf: []float64{0.9, 0.9, 0.9, 0.9, 0.75 * 0.9, 0.9, 0.9},
		},
		{
			name: "invalid reads weigh less",
			// 粤B1234O is not a valid plate (letter O): its two votes count 0.5 each.
			reads: []Read{rd("粤B1234O", 0.95), rd("粤B1234O", 0.95), rd("粤B12340", 0.9), rd("粤B12340", 0.9)},
			ok:    true, text: "粤B12340", voters: 4,
		},
		{
			name:  "longer plate wins conflicting lengths",
			reads: []Read{rd("粤BD12345", 0.9), rd("粤B12345", 0.9), rd("粤BD12345", 0.8), rd("粤B·D12345", 0.85), rd("粤B12345", 0.9)},
			ok:    true, text: "粤BD12345", voters: 3,
		},
		{
			name:  "one confident valid read beats two weak invalid ones of another length",
			reads: []Read{rd("粤B1234", 0.3), rd("粤B1234", 0.3), rd("粤B12345", 0.95)},
			ok:    true, text: "粤B12345", voters: 1, conf: 0.95,
		},
		{
			name:  "single confident read",
			reads: []Read{{Text: "粤D12345", CharConf: []float64{0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93}}},
			ok:    true, text: "粤D12345", voters: 1,
			conf:     (0.99 + 0.98 + 0.97 + 0.96 + 0.95 + 0.94 + 0.93) / 7,
			charConf: []float64{0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93},
		},
		{
			name: "character confidence decides a split position",
			reads: []Read{
				{Text: "粤B12345", CharConf: []float64{0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.3}},
				{Text: "粤B12348", CharConf: []float64{0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.95}},
			},
			ok: true, text: "粤B12348", voters: 2,
		},
		{
			name:  "all garbage",
			reads: []Read{rd("###", 0.6), rd("", 0.9), rd("1", 0.5), rd("##", 0.7)},
		},
		{
			name: "no reads",
		},
		{
			name:  "zero confidence",
			reads: []Read{rd("粤B12345", 0), rd("粤B12345", 0)},
		},
		{
			name:  "foreign plate rejected by default",
			reads: []Read{rd("B123ABC", 0.9), rd("B123ABC", 0.9)},
		},
		{
			name:  "foreign plate accepted with AcceptUnknown",
			opts:  ConsensusOptions{AcceptUnknown: true},
			reads: []Read{rd("B123ABC", 0.9), rd("B123ABC", 0.9)},
			ok:    true, text: "B123ABC", voters: 2,
			conf: 0.9,
		},
		{
			name:  "AcceptUnknown still rejects short garbage",
			opts:  ConsensusOptions{AcceptUnknown: true},
			reads: []Read{rd("AB1", 0.9)},
		},
		{
			name: "colour vote by confidence",
			reads: []Read{
				{Text: "粤B12345", Conf: 0.9, Color: ColorBlue, ColorConf: 0.6},
				{Text: "粤B12345", Conf: 0.9, Color: ColorBlue, ColorConf: 0.6},
				{Text: "粤B12345", Conf: 0.9, Color: ColorGreen, ColorConf: 0.9},
			},
			ok: true, text: "粤B12345", voters: 3, color: ColorBlue,
		},
		{
			name: "colour tie goes to the colour the kind expects",
			reads: []Read{
				{Text: "粤BD12345", Conf: 0.9, Color: ColorBlue, ColorConf: 0.7},
				{Text: "粤BD12345", Conf: 0.9, Color: ColorGreen, ColorConf: 0.7},
			},
			ok: true, text: "粤BD12345", voters: 2, color: ColorGreen,
		},
		{
			name: "colour by count without colour confidence",
			reads: []Read{
				{Text: "京A0001警", Conf: 0.9, Color: ColorWhite},
				{Text: "京A0001警", Conf: 0.9, Color: ColorWhite},
				{Text: "京A0001警", Conf: 0.9, Color: ColorBlue},
			},
			ok: true, text: "京A0001警", voters: 3, color: ColorWhite,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewConsensus(tc.opts)
			for i, r := range tc.reads {
				r.At = t0.Add(time.Duration(i) * 100 * time.Millisecond)
				c.Add(r)
			}
			res, ok := c.Result()
			require.Equal(t, tc.ok, ok, "result %+v", res)
			if !ok {
				require.Equal(t, Result{}, res)
				return
			}
			require.Equal(t, tc.text, res.Text)
			require.Equal(t, Parse(tc.text), res.Plate)
			require.Equal(t, tc.voters, res.Reads)
			require.Equal(t, tc.color, res.Color)
			require.Len(t, res.CharConf, len([]rune(tc.text)))
			require.Greater(t, res.Conf, 0.0)
			require.LessOrEqual(t, res.Conf, 1.0)
			if tc.conf > 0 {
				require.InDelta(t, tc.conf, res.Conf, 1e-9)
			}
			if tc.charConf != nil {
				require.InDeltaSlice(t, tc.charConf, res.CharConf, 1e-9)
			}
		})
	}
}

func TestConsensusBestRead(t *testing.T) {
	c := NewConsensus(ConsensusOptions{})
	c.Add(Read{Text: "粤B12345", Conf: 0.9, Area: 800, Crop: "small"})
	c.Add(Read{Text: "粤B12845", Conf: 0.9, Area: 5000, Crop: "misread-large"})
	c.Add(Read{Text: "粤B12345", Conf: 0.8, Area: 2400, Crop: "large"})
	c.Add(Read{Text: "粤B12345", Conf: 0.95, Area: 2400, Crop: "large-confident"})
	res, ok := c.Result()
	require.True(t, ok)
	require.Equal(t, "粤B12345", res.Text)
	// The misread crop is larger, but its text differs; between equal areas the more
	// confident read wins.
	require.Equal(t, "large-confident", res.Best.Crop)
}

func TestConsensusBound(t *testing.T) {
	var dropped []any
	c := NewConsensus(ConsensusOptions{MaxReads: 3, Drop: func(r Read) { dropped = append(dropped, r.Crop) }})
	confs := []float64{0.9, 0.5, 0.95, 0.4, 0.8}
	for i, conf := range confs {
		c.Add(Read{Text: "粤B12345", Conf: conf, Crop: i, At: t0.Add(time.Duration(i) * time.Second)})
		require.LessOrEqual(t, c.Len(), 3)
	}
	// Read 3 (0.4) is the weakest as it arrives and is dropped at once; read 4 (0.8)
	// then pushes out read 1 (0.5).
	require.Equal(t, []any{3, 1}, dropped)
	var kept []any
	for _, r := range c.Reads() {
		kept = append(kept, r.Crop)
	}
	require.Equal(t, []any{0, 2, 4}, kept)

	// An empty read goes straight to Drop.
	c.Add(Read{Text: " · ", Crop: "empty"})
	require.Equal(t, "empty", dropped[len(dropped)-1])
	require.Equal(t, 3, c.Len())
}

func TestConsensusBoundDropsOldestAmongEquals(t *testing.T) {
	var dropped []any
	c := NewConsensus(ConsensusOptions{MaxReads: 2, Drop: func(r Read) { dropped = append(dropped, r.Crop) }})
	c.Add(Read{Text: "粤B12345", Conf: 0.9, Crop: "late", At: t0.Add(time.Second)})
	c.Add(Read{Text: "粤B12345", Conf: 0.9, Crop: "early", At: t0})
	c.Add(Read{Text: "粤B12345", Conf: 0.9, Crop: "latest", At: t0.Add(2 * time.Second)})
	require.Equal(t, []any{"early"}, dropped)
}

func TestConsensusClampsConfidence(t *testing.T) {
	c := NewConsensus(ConsensusOptions{})
	c.Add(Read{Text: "粤B12345", Conf: 7, CharConf: []float64{2, -1, 0.5, 0.5, 0.5, 0.5, 0.5}})
	res, ok := c.Result()
	require.True(t, ok)
	require.LessOrEqual(t, res.Conf, 1.0)
	require.Equal(t, 1.0, res.CharConf[0])
	require.Equal(t, 0.0, res.CharConf[1])
}
