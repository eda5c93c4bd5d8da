package lpr

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
)

// probsFor builds per-position probabilities that favour the runes of want (0.6)
// and give 0.3 to the runes of rival.
func probsFor(want, rival string) [][]float32 {
	w, r := []rune(want), []rune(rival)
	out := make([][]float32, len(w))
	for i := range w {
		p := make([]float32, len(glyph.Classes))
		p[glyph.Index(w[i])] = 0.6
		if i < len(r) && r[i] != w[i] {
			p[glyph.Index(r[i])] = 0.3
		}
		out[i] = p
	}
	return out
}

func TestDecodeAppliesGrammar(t *testing.T) {
	cases := []struct {
		name, best, rival, want string
	}{
		{"valid read kept", "粤B12345", "", "粤B12345"},
		{"digit in the province slot loses to a province", "8B12345", "粤B12345", "粤B12345"},
		{"digit in the authority slot loses to a letter", "粤812345", "粤B12345", "粤B12345"},
		{"suffix only at the end", "粤B警2345", "粤B12345", "粤B12345"},
		{"police suffix", "京A0001警", "", "京A0001警"},
		{"embassy", "使014578", "", "使014578"},
		{"small new-energy", "沪AD12345", "", "沪AD12345"},
		{"large new-energy", "沪A12116D", "", "沪A12116D"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := decode(probsFor(tc.best, tc.rival))
			require.Equal(t, tc.want, d.text)
			require.Len(t, d.charConf, len([]rune(tc.want)))
			for _, c := range d.charConf {
				require.Greater(t, c, 0.2)
			}
		})
	}
}

func TestDecodeOtherLengths(t *testing.T) {
	require.Empty(t, decode(probsFor("粤B1234", "")).text, "no grammar for 6 characters")
}
