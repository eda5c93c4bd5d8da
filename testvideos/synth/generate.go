package synth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// CacheEnv names the environment variable that overrides the clip cache directory
// (default: <os.TempDir()>/sharpeyes-testvideos).
const CacheEnv = "SHARPEYES_TESTVIDEO_CACHE"

// Clip is a generated clip on disk.
type Clip struct {
	Path      string // H.264 Annex-B elementary stream, AUD before each access unit
	TruthPath string // ground truth JSON (Truth)
	MetaPath  string // clip.json sidecar (ClipMeta)
	FPS       int
	Width     int
	Height    int
	Frames    int
	Truth     *Truth
}

// ClipMeta is the clip.json sidecar.
type ClipMeta struct {
	Scene  string `json:"scene"`
	Hash   string `json:"hash"`
	FPS    int    `json:"fps"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Frames int    `json:"frames"`
	Codec  string `json:"codec"`  // "h264"
	Format string `json:"format"` // "annexb": start codes, AUD before each access unit
	GOP    int    `json:"gop"`    // frames between keyframes (2 s)
}

// Generate returns the clip for scene in dir (the cache directory when dir is ""),
// named <name>-<hash12>.{h264,truth.json,clip.json}. When those files already exist for
// the same scene hash they are reused, so tests can call it freely; otherwise the clip
// is rendered and encoded, which takes a few seconds. Concurrent callers, in this or
// other processes, serialise on a lock file next to the clip.
func Generate(scene Scene, dir string) (Clip, error) {
	return GenerateContext(context.Background(), scene, dir)
}

// GenerateContext is Generate with a context that bounds the ffmpeg runs.
func GenerateContext(ctx context.Context, scene Scene, dir string) (Clip, error) {
	hash, err := Hash(scene)
	if err != nil {
		return Clip{}, fmt.Errorf("scene %q: %w", scene.Name, err)
	}
	if dir == "" {
		dir = CacheDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Clip{}, fmt.Errorf("create clip directory: %w", err)
	}
	name := scene.Name
	if name == "" {
		name = "scene"
	}
	base := filepath.Join(dir, fmt.Sprintf("%s-%s", name, hash[:12]))
	unlock, err := lockFile(base + ".lock")
	if err != nil {
		return Clip{}, err
	}
	defer unlock()
	if c, err := loadClip(base, hash); err == nil {
		return c, nil
	}
	return GenerateFiles(ctx, scene, base)
}

// CacheDir returns the clip cache directory: $SHARPEYES_TESTVIDEO_CACHE, else
// <os.TempDir()>/sharpeyes-testvideos.
func CacheDir() string {
	if d := os.Getenv(CacheEnv); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "sharpeyes-testvideos")
}

// GenerateFiles renders and encodes scene unconditionally to base+".h264",
// base+".truth.json" and base+".clip.json". Each file is written under a temporary name
// and renamed, the truth last, so a reader that finds the truth finds a whole clip.
func GenerateFiles(ctx context.Context, scene Scene, base string) (Clip, error) {
	r, err := NewRenderer(ctx, scene)
	if err != nil {
		return Clip{}, err
	}
	hash := r.hash
	c := clipFor(base, r.scene, hash)
	c.Truth = r.truth()
	tmp := fmt.Sprintf("%s.h264.tmp%d", base, os.Getpid())
	defer os.Remove(tmp)
	if err := encode(ctx, r, tmp); err != nil {
		return Clip{}, fmt.Errorf("scene %q: %w", scene.Name, err)
	}
	if err := os.Rename(tmp, c.Path); err != nil {
		return Clip{}, fmt.Errorf("store clip: %w", err)
	}
	meta := ClipMeta{
		Scene: c.Truth.Scene, Hash: hash, FPS: c.FPS, Width: c.Width, Height: c.Height, Frames: c.Frames,
		Codec: "h264", Format: "annexb", GOP: 2 * c.FPS,
	}
	if err := writeJSON(c.MetaPath, meta); err != nil {
		return Clip{}, err
	}
	if err := writeJSON(c.TruthPath, c.Truth); err != nil {
		return Clip{}, err
	}
	return c, nil
}

func clipFor(base string, s Scene, hash string) Clip {
	return Clip{
		Path: base + ".h264", TruthPath: base + ".truth.json", MetaPath: base + ".clip.json",
		FPS: s.FPS, Width: s.Width, Height: s.Height, Frames: s.Frames(),
	}
}

// LoadTruth reads a .truth.json file.
func LoadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read truth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("decode truth %s: %w", path, err)
	}
	return &t, nil
}

// loadClip returns the cached clip at base when all three files are there and the truth
// carries the expected hash.
func loadClip(base, hash string) (Clip, error) {
	t, err := LoadTruth(base + ".truth.json")
	if err != nil {
		return Clip{}, err
	}
	if t.Hash != hash {
		return Clip{}, errors.New("cached truth has another hash")
	}
	for _, p := range []string{base + ".h264", base + ".clip.json"} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			return Clip{}, fmt.Errorf("cached clip incomplete: %s", p)
		}
	}
	c := Clip{
		Path: base + ".h264", TruthPath: base + ".truth.json", MetaPath: base + ".clip.json",
		FPS: t.FPS, Width: t.Width, Height: t.Height, Frames: t.Frames, Truth: t,
	}
	return c, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store %s: %w", path, err)
	}
	return nil
}

// lockFile takes an exclusive flock on path, waiting for other holders; flocks on
// separately opened files exclude each other within one process too.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
