package mlp

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// blobs returns n points around one centre per class in 4 dimensions.
func blobs(seed uint64, n, classes int) ([][]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var x [][]float32
	var y []int
	for i := range n {
		k := i % classes
		p := make([]float32, 4)
		for d := range p {
			centre := float32(0)
			if d == k%4 {
				centre = 3
			}
			if k >= 4 && d == (k+1)%4 {
				centre = -3
			}
			p[d] = centre + float32(rng.NormFloat64()*0.5)
		}
		x = append(x, p)
		y = append(y, k)
	}
	return x, y
}

func TestTrainSeparates(t *testing.T) {
	x, y := blobs(1, 600, 6)
	net, err := Train(x, y, []rune("abcdef"), TrainConfig{Hidden: 16, Epochs: 10, Seed: 3})
	require.NoError(t, err)
	tx, ty := blobs(2, 300, 6)
	ok := 0
	for i := range tx {
		p := net.Predict(tx[i], nil)
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		if best == ty[i] {
			ok++
		}
	}
	require.GreaterOrEqual(t, ok, 290, "held-out accuracy on separable blobs")
}

func TestTrainDeterministic(t *testing.T) {
	x, y := blobs(1, 200, 3)
	cfg := TrainConfig{Hidden: 8, Epochs: 3, Seed: 9}
	a, err := Train(x, y, []rune("abc"), cfg)
	require.NoError(t, err)
	b, err := Train(x, y, []rune("abc"), cfg)
	require.NoError(t, err)
	ea, err := a.MarshalBinary()
	require.NoError(t, err)
	eb, err := b.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, ea, eb)
	cfg.Seed = 10
	c, err := Train(x, y, []rune("abc"), cfg)
	require.NoError(t, err)
	ec, err := c.MarshalBinary()
	require.NoError(t, err)
	require.NotEqual(t, ea, ec, "another seed gives other weights")
}

func TestTrainRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		x    [][]float32
		y    []int
		want string
	}{
		{"no samples", nil, nil, "0 samples"},
		{"label count", [][]float32{{1}}, []int{0, 1}, "1 samples and 2 labels"},
		{"class range", [][]float32{{1}}, []int{5}, "class 5"},
		{"ragged", [][]float32{{1, 2}, {1}}, []int{0, 1}, "sample 1 has 1 inputs"},
		{"empty vectors", [][]float32{{}}, []int{0}, "no inputs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Train(tc.x, tc.y, []rune("ab"), TrainConfig{})
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestCodecRoundTrip(t *testing.T) {
	x, y := blobs(1, 300, 3)
	net, err := Train(x, y, []rune("京A1"), TrainConfig{Hidden: 8, Epochs: 4, Seed: 1})
	require.NoError(t, err)
	data, err := net.MarshalBinary()
	require.NoError(t, err)
	dec, err := Decode(data)
	require.NoError(t, err)
	require.Equal(t, net.Labels, dec.Labels)
	require.Equal(t, net.Mean, dec.Mean)
	// int8 weights: predictions agree closely
	for i := range 50 {
		p, q := net.Predict(x[i], nil), dec.Predict(x[i], nil)
		for k := range p {
			require.InDelta(t, p[k], q[k], 0.05)
		}
	}
	again, err := dec.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, again, "quantised weights encode to the same bytes")
}

func TestDecodeRejectsBadFiles(t *testing.T) {
	x, y := blobs(1, 30, 2)
	net, err := Train(x, y, []rune("ab"), TrainConfig{Hidden: 4, Epochs: 1, Seed: 1})
	require.NoError(t, err)
	good, err := net.MarshalBinary()
	require.NoError(t, err)
	zeroStd := append([]byte(nil), good...)
	// std starts after magic, 5 header words, 2 label bytes and the means
	off := 4 + 20 + 2 + 4*net.In
	copy(zeroStd[off:off+4], []byte{0, 0, 0, 0})
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"magic", []byte("NOPE...................."), "bad magic"},
		{"header", good[:10], "read header"},
		{"version", append(append([]byte("LPRM"), 9, 0, 0, 0), good[8:]...), "version 9"},
		{"truncated", good[:len(good)-3], "body has"},
		{"trailing", append(append([]byte(nil), good...), 0), "1 bytes after"},
		{"zero std", zeroStd, "std[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func FuzzDecode(f *testing.F) {
	x, y := blobs(1, 30, 2)
	net, err := Train(x, y, []rune("ab"), TrainConfig{Hidden: 4, Epochs: 1, Seed: 1})
	require.NoError(f, err)
	good, err := net.MarshalBinary()
	require.NoError(f, err)
	f.Add(good)
	f.Add([]byte("LPRM"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Decode(data)
		if err != nil {
			return
		}
		again, err := n.MarshalBinary()
		require.NoError(t, err)
		n2, err := Decode(again)
		require.NoError(t, err)
		require.Equal(t, n.Labels, n2.Labels)
	})
}

// TestLayerMatchesPlainSums checks that the piecewise layer gives, to the bit,
// the plain loop's sums, for input lengths around the piece size and layers
// narrower and wider than the piecewise bound.
func TestLayerMatchesPlainSums(t *testing.T) {
	cases := []struct {
		name    string
		in, out int
		relu    bool
	}{
		{"small", 3, 5, true},
		{"one piece", dotChunk, 7, false},
		{"piece and tail", dotChunk + 3, 9, true},
		{"glyph features", 874, 160, true},
		{"wider than the bound", 37, maxLayer + 1, false},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, in, b := make([]float32, tc.in*tc.out), make([]float32, tc.in), make([]float32, tc.out)
			for _, v := range [][]float32{w, in, b} {
				for i := range v {
					v[i] = float32(rng.NormFloat64())
				}
			}
			got := make([]float32, tc.out)
			layer(w, in, b, got, tc.relu)
			for j := range got {
				want := dot(w[j*tc.in:(j+1)*tc.in], in) + b[j]
				if tc.relu {
					want = max(0, want)
				}
				require.Equal(t, want, got[j], "output %d", j)
			}
		})
	}
}
