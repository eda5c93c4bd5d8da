package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGenerateCaches(t *testing.T) {
	dir := t.TempDir()
	a, err := Generate(tiny(), dir)
	require.NoError(t, err)
	require.Equal(t, dir, filepath.Dir(a.Path))
	require.True(t, strings.HasPrefix(filepath.Base(a.Path), "tiny-"))
	st1, err := os.Stat(a.Path)
	require.NoError(t, err)

	b, err := Generate(tiny(), dir)
	require.NoError(t, err)
	require.Equal(t, a.Path, b.Path)
	require.Equal(t, a.Truth, b.Truth)
	st2, err := os.Stat(b.Path)
	require.NoError(t, err)
	require.Equal(t, st1.ModTime(), st2.ModTime(), "the second call reuses the file")

	other := tiny()
	other.Seed++
	c, err := Generate(other, dir)
	require.NoError(t, err)
	require.NotEqual(t, a.Path, c.Path)

	env := t.TempDir()
	t.Setenv(CacheEnv, env)
	d, err := Generate(tiny(), "")
	require.NoError(t, err)
	require.Equal(t, env, filepath.Dir(d.Path))
}

// TestGenerateConcurrent: callers racing for the same clip serialise on the lock file
// and all get the same, complete clip.
func TestGenerateConcurrent(t *testing.T) {
	dir := t.TempDir()
	s := tiny()
	s.Seed = 99
	type result struct {
		c   Clip
		err error
	}
	res := make(chan result, 3)
	for range 3 {
		go func() {
			c, err := Generate(s, dir)
			res <- result{c, err}
		}()
	}
	var paths []string
	for range 3 {
		r := <-res
		require.NoError(t, r.err)
		require.Equal(t, r.c.Frames, r.c.Truth.Frames)
		paths = append(paths, r.c.Path)
	}
	require.Equal(t, paths[0], paths[1])
	require.Equal(t, paths[0], paths[2])
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".tmp", "no temporary file is left behind")
	}
}

// TestClipDecodes checks each built-in clip with ffprobe: frame count, size, an AUD
// before every access unit, and a keyframe every 2 s.
func TestClipDecodes(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			c := ForTest(t, name)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "v:0",
				"-show_entries", "frame=pict_type,width,height", "-of", "json", c.Path).Output()
			require.NoError(t, err)
			var probe struct {
				Frames []struct {
					Width, Height int
					PictType      string `json:"pict_type"`
				}
			}
			require.NoError(t, json.Unmarshal(out, &probe))
			require.Len(t, probe.Frames, c.Truth.Frames)
			require.Equal(t, c.Frames, c.Truth.Frames)
			for i, f := range probe.Frames {
				require.Equal(t, [2]int{c.Width, c.Height}, [2]int{f.Width, f.Height})
				require.Equal(t, i%(2*c.FPS) == 0, f.PictType == "I", "frame %d is %s", i, f.PictType)
			}

			es, err := os.ReadFile(c.Path)
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(es, []byte{0, 0, 0, 1, 9}), "stream starts with an AUD")
			require.Equal(t, c.Frames, bytes.Count(es, []byte{0, 0, 1, 9}), "one AUD per access unit")

			var meta ClipMeta
			b, err := os.ReadFile(c.MetaPath)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &meta))
			require.Equal(t, ClipMeta{Scene: name, Hash: c.Truth.Hash, FPS: c.FPS, Width: c.Width, Height: c.Height,
				Frames: c.Frames, Codec: "h264", Format: "annexb", GOP: 2 * c.FPS}, meta)
		})
	}
}
