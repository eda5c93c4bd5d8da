package trainer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/mlp"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBuildIsDeterministic trains a tiny model twice with one seed and once with
// another, with different worker counts: the seed alone decides the bytes.
func TestBuildIsDeterministic(t *testing.T) {
	cfg := Config{Seed: 5, Plates: 40, PerClass: 2, HeldOut: 10, Net: mlp.TrainConfig{Hidden: 12, Epochs: 2}, Nets: 2, Workers: 1}
	a, err := Build(context.Background(), cfg)
	require.NoError(t, err, "needs ffmpeg and the fonts of scripts/setup.sh")
	cfg.Workers = 3
	b, err := Build(context.Background(), cfg)
	require.NoError(t, err)
	require.Equal(t, a.Model, b.Model)
	require.Equal(t, a.Train, b.Train)
	require.Positive(t, a.Train)
	require.Positive(t, a.HeldOut)

	cfg.Seed = 6
	c, err := Build(context.Background(), cfg)
	require.NoError(t, err)
	require.NotEqual(t, a.Model, c.Model)

	nets, err := mlp.DecodeAll(a.Model)
	require.NoError(t, err)
	require.Len(t, nets, 2)
	for _, net := range nets {
		require.Equal(t, glyph.FeatureLen, net.In)
		require.Equal(t, string(glyph.Classes), string(net.Labels))
	}
}

func TestBuildRejectsEmptyConfig(t *testing.T) {
	_, err := Build(context.Background(), Config{})
	require.ErrorContains(t, err, "PerClass")
}

func TestBuildStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Build(ctx, Config{Seed: 1, PerClass: 5})
	require.ErrorIs(t, err, context.Canceled)
}
