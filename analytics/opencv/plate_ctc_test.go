package opencv

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// accepts runs text through a grammar.
func accepts(g plateGrammar, text string) bool {
	s := g.start
	for _, r := range text {
		if s = g.step(s, r); s < 0 {
			return false
		}
	}
	return g.accept(s)
}

func TestPlateGrammar(t *testing.T) {
	for _, tc := range []struct {
		g    plateGrammar
		text string
		want bool
	}{
		{fullPlateGrammar, "皖A12345", true},
		{fullPlateGrammar, "京PL3N67", true},
		{fullPlateGrammar, "苏ED51712", true},  // new energy, small
		{fullPlateGrammar, "沪A12116D", true},  // new energy, large
		{fullPlateGrammar, "京A0001警", true},   // police
		{fullPlateGrammar, "粤A1234学", true},   // coach
		{fullPlateGrammar, "粤Z1234港", true},   // Hong Kong
		{fullPlateGrammar, "京Z1234港", false},  // 港 needs 粤Z
		{fullPlateGrammar, "粤B1234港", false},  // 港 needs 粤Z
		{fullPlateGrammar, "皖A皖1234", false},  // province in the middle
		{fullPlateGrammar, "皖112345", false},  // digit as authority
		{fullPlateGrammar, "皖A1234O", false},  // O never appears
		{fullPlateGrammar, "皖AI2345", false},  // nor I
		{fullPlateGrammar, "皖A1234", false},   // too short
		{fullPlateGrammar, "皖A123456", false}, // 8 characters but not new energy
		{fullPlateGrammar, "皖AD1234Z", false}, // new energy small ends in digits
		{fullPlateGrammar, "A123456", false},
		{fullPlateGrammar, "", false},
		{sevenPlateGrammar, "皖A12345", true},
		{sevenPlateGrammar, "粤A1234学", true},
		{sevenPlateGrammar, "苏ED51712", false}, // a blue plate is never new energy
		{sevenPlateGrammar, "沪A12116D", false},
		{sevenPlateGrammar, "皖A1234", false},
		{topRowGrammar, "粤A", true},
		{topRowGrammar, "粤", false},
		{topRowGrammar, "粤1", false},
		{bottomRowGrammar, "K9331", true},
		{bottomRowGrammar, "1234挂", true},
		{bottomRowGrammar, "K933", false},
		{bottomRowGrammar, "K933O", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			require.Equal(t, tc.want, accepts(tc.g, tc.text))
		})
	}
}

// TestPlateGrammarParses walks the compiled automaton at random: every text it
// accepts must be a valid plate for analytics/plate.
func TestPlateGrammarParses(t *testing.T) {
	chars := append([]rune(lprnetChars[:len(lprnetChars)-1]), []rune(plateSuffixes+plateHKMSuffix+"-")...)
	a := fullPlateGrammar.compile(chars)
	rng := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for range 20000 {
		s, text := 0, []rune{}
		for len(text) < plateMaxLen+1 {
			var moves []int
			for k, to := range a.next[s] {
				if to >= 0 {
					moves = append(moves, k)
				}
			}
			if len(moves) == 0 || a.accept[s] && rng.IntN(4) == 0 {
				break
			}
			k := moves[rng.IntN(len(moves))]
			text, s = append(text, chars[k]), a.next[s][k]
		}
		if a.accept[s] {
			accepted++
			p := plate.Parse(string(text))
			require.True(t, p.Valid, "%s: %s", string(text), p.Reason)
		}
	}
	require.Greater(t, accepted, 1000)
}

// ctcFrom builds probabilities from per-step best characters: each step gives
// its character p and shares the rest equally ('-' is the blank).
func ctcFrom(chars []rune, steps string, p float64) ctcProbs {
	idx := map[rune]int{}
	for i, r := range chars {
		idx[r] = i
	}
	rs := []rune(steps)
	c := ctcProbs{steps: len(rs), classes: len(chars), p: make([]float64, len(rs)*len(chars))}
	for t, r := range rs {
		row := c.row(t)
		for k := range row {
			row[k] = (1 - p) / float64(len(chars)-1)
		}
		row[idx[r]] = p
	}
	return c
}

// setStep overrides one step's probabilities of the given characters.
func setStep(c ctcProbs, chars []rune, t int, probs map[rune]float64) {
	row := c.row(t)
	for r, p := range probs {
		for k, x := range chars {
			if x == r {
				row[k] = p
			}
		}
	}
}

func labelsText(chars []rune, labels []int) string {
	out := make([]rune, len(labels))
	for i, k := range labels {
		out[i] = chars[k]
	}
	return string(out)
}

// mustGrammarCTC decodes c with the automaton a, which must fit a text.
func mustGrammarCTC(t *testing.T, c ctcProbs, a ctcAutomaton) []int {
	t.Helper()
	best, ok := grammarCTC(c, a)
	require.True(t, ok, "no text of the grammar fits")
	return best
}

func TestPlateCTCDecode(t *testing.T) {
	chars := []rune(lprnetChars)
	full := fullPlateGrammar.compile(chars)
	for _, tc := range []struct {
		name        string
		steps       string
		fix         func(c ctcProbs)
		greedy, got string
	}{
		{name: "clean", steps: "-皖-A-1-2-3-4-5-", greedy: "皖A12345", got: "皖A12345"},
		{name: "repeats merge", steps: "皖皖AA-12-33455-", greedy: "皖A12345", got: "皖A12345"},
		{
			name: "province in the middle", steps: "-皖-A-皖-2-3-4-5-",
			fix:    func(c ctcProbs) { setStep(c, chars, 5, map[rune]float64{'皖': 0.5, '1': 0.4}) },
			greedy: "皖A皖2345", got: "皖A12345",
		},
		{
			name: "dropped repeat restored", steps: "-皖-A-1-2-3-444-",
			fix:    func(c ctcProbs) { setStep(c, chars, 12, map[rune]float64{'-': 0.45, '4': 0.5}) },
			greedy: "皖A1234", got: "皖A12344",
		},
		{
			name: "letter O read for 0 is not allowed", steps: "-皖-A-1-2-3-4-O-",
			fix:    func(c ctcProbs) { setStep(c, chars, 13, map[rune]float64{'O': 0.6, '0': 0.3}) },
			greedy: "皖A1234O", got: "皖A12340",
		},
		{name: "new energy", steps: "苏-E-D-5-1-7-1-2", greedy: "苏ED51712", got: "苏ED51712"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ctcFrom(chars, tc.steps, 0.9)
			if tc.fix != nil {
				tc.fix(c)
			}
			g, conf := greedyCTC(c)
			require.Equal(t, tc.greedy, labelsText(chars, g))
			require.Len(t, conf, len(g))
			best := mustGrammarCTC(t, c, full)
			require.Equal(t, tc.got, labelsText(chars, best))
			ac := alignConf(c, best)
			require.Len(t, ac, len(best))
			for _, p := range ac {
				require.Greater(t, p, 0.0)
				require.LessOrEqual(t, p, 1.0)
			}
		})
	}
	t.Run("nothing fits", func(t *testing.T) {
		_, ok := grammarCTC(ctcFrom(chars, "-皖-A-1", 0.9), full) // 6 steps: no room for 7 characters
		require.False(t, ok)
	})
	t.Run("a blue plate has 7 characters", func(t *testing.T) {
		// A stray 0 between D and 8 makes a new-energy-shaped read; the
		// 7-character grammar of a blue plate drops it.
		c := ctcFrom(chars, "湘-A-E-D-0-8-5-5-", 0.9)
		setStep(c, chars, 8, map[rune]float64{'0': 0.5, '-': 0.45})
		require.Equal(t, "湘AED0855", labelsText(chars, mustGrammarCTC(t, c, full)))
		require.Equal(t, "湘AED855", labelsText(chars, mustGrammarCTC(t, c, sevenPlateGrammar.compile(chars))))
	})
	t.Run("summed over alignments", func(t *testing.T) {
		// The last character: 8 is the best single step (8 then a blank:
		// 0.5 × 0.55), but 6 is more probable over its three alignments
		// (66, 6-, -6: 0.25×0.45 + 0.25×0.55 + 0.25×0.45).
		c := ctcFrom(chars, "-皖-A-1-2-3-4-5-", 0.9)
		setStep(c, chars, 13, map[rune]float64{'5': 0, '8': 0.5, '6': 0.25, '-': 0.25})
		setStep(c, chars, 14, map[rune]float64{'-': 0.55, '6': 0.45})
		g, _ := greedyCTC(c)
		require.Equal(t, "皖A12348", labelsText(chars, g))
		require.Equal(t, "皖A12346", labelsText(chars, mustGrammarCTC(t, c, full)))
	})
	t.Run("a narrow beam keeps a prefix that can still finish", func(t *testing.T) {
		// Seven steps for seven characters: after the third, a blank is the
		// most probable step, but a prefix that takes it cannot finish.
		c := ctcFrom(chars, "皖A12345", 0.9)
		setStep(c, chars, 3, map[rune]float64{'-': 0.6, '2': 0.35})
		best, ok := beamCTC(c, full, 1, 1)
		require.True(t, ok)
		require.Equal(t, "皖A12345", labelsText(chars, best))
	})
	t.Run("long and unsure", func(t *testing.T) {
		// 1400 steps whose best class has 0.3: any one alignment's
		// probability is far below the smallest float64. (The 7-character
		// grammar: over so many unsure steps, an eighth character somewhere
		// does become more probable than none.)
		steps := strings.Repeat("-", 100) + strings.Join(strings.Split("皖A12345", ""), strings.Repeat("-", 200)) + strings.Repeat("-", 100)
		c := ctcFrom(chars, steps, 0.3)
		require.Equal(t, "皖A12345", labelsText(chars, mustGrammarCTC(t, c, sevenPlateGrammar.compile(chars))))
	})
	t.Run("confidence of a weak character", func(t *testing.T) {
		c := ctcFrom(chars, "-皖-A-1-2-3-4-5-", 0.9)
		setStep(c, chars, 9, map[rune]float64{'3': 0.3, '8': 0.25})
		best := mustGrammarCTC(t, c, full)
		require.Equal(t, "皖A12345", labelsText(chars, best))
		ac := alignConf(c, best)
		require.InDelta(t, 0.3, ac[4], 1e-9)
		require.InDelta(t, 0.9, ac[0], 1e-9)
	})
}

func TestPlateAutomatonToAccept(t *testing.T) {
	chars := []rune(lprnetChars)
	for _, tc := range []struct {
		g      plateGrammar
		prefix string
		want   int
	}{
		{fullPlateGrammar, "", 7},
		{fullPlateGrammar, "皖", 6},
		{fullPlateGrammar, "皖A1234", 1},
		{fullPlateGrammar, "皖A12345", 0}, // accepting, and a new-energy plate could go on
		{sevenPlateGrammar, "", 7},
		{topRowGrammar, "", 2},
		{bottomRowGrammar, "", 5},
	} {
		a := tc.g.compile(chars)
		s := 0
		for _, r := range tc.prefix {
			s = a.next[s][slices.Index(chars, r)]
			require.GreaterOrEqual(t, s, 0, "%s", tc.prefix)
		}
		require.Equal(t, tc.want, a.toAccept[s], "%q", tc.prefix)
	}
}

func TestPlateCTCProbs(t *testing.T) {
	t.Run("logits get a softmax", func(t *testing.T) {
		// classes × steps, class-major: 3 classes, 2 steps.
		c, err := newCTCProbs(tensor{shape: []int{3, 2}, data: []float32{2, 0, 1, 0, 0, 0}}, 3)
		require.NoError(t, err)
		e := math.E
		require.InDelta(t, e*e/(e*e+e+1), c.row(0)[0], 1e-6)
		require.InDelta(t, 1.0/3, c.row(1)[2], 1e-6)
	})
	t.Run("probabilities stay", func(t *testing.T) {
		c, err := newCTCProbs(tensor{shape: []int{1, 2, 2}, data: []float32{0.25, 1, 0.75, 0}}, 2)
		require.NoError(t, err)
		require.Equal(t, []float64{0.25, 0.75}, c.row(0))
		require.Equal(t, []float64{1, 0}, c.row(1))
	})
	t.Run("wrong class count", func(t *testing.T) {
		_, err := newCTCProbs(tensor{shape: []int{68, 18}, data: make([]float32, 68*18)}, 70)
		require.ErrorContains(t, err, "want [70 T] for 70 characters")
	})
}

// manyChars lists n distinct characters, one per line.
func manyChars(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteRune(rune(0x10000 + i))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestPlateCharset(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	for _, tc := range []struct {
		name, path string
		want       string
		wantErr    string
	}{
		{name: "built in", want: lprnetChars},
		{name: "file", path: write("ok.txt", "京\r\nA\n1\n-\n\n"), want: "京A1-"},
		{name: "two on a line", path: write("two.txt", "京\nAB\n-\n"), wantErr: `line 2: "AB": want exactly one character`},
		{name: "empty line", path: write("gap.txt", "京\n\nA\n-\n"), wantErr: `line 2: "": want exactly one character`},
		{name: "twice", path: write("twice.txt", "京\nA\n京\n-\n"), wantErr: `line 3: "京" listed twice`},
		{name: "too few", path: write("one.txt", "-\n"), wantErr: "want at least one class and the blank"},
		{name: "too many", path: write("many.txt", manyChars(maxPlateClasses+1)), wantErr: "65537 characters: at most 65536"},
		{name: "missing", path: filepath.Join(dir, "nope.txt"), wantErr: "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loadCharset(tc.path)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
		})
	}
	t.Run("shared lprnet_chars.txt is the built-in order", func(t *testing.T) {
		got, err := loadCharset(shared(t, plateCharset))
		require.NoError(t, err)
		require.Equal(t, lprnetChars, string(got))
	})
}
