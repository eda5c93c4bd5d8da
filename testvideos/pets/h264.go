package pets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Clip describes the converted H.264 Annex-B stream.
type Clip struct {
	Path     string // .h264 elementary stream, an access-unit delimiter before each AU
	MetaPath string // clip.json sidecar
	FPS      int
	Width    int
	Height   int
	Frames   int
}

// clipMeta is the clip.json sidecar, the same shape synth writes.
type clipMeta struct {
	FPS    int    `json:"fps"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Frames int    `json:"frames"`
	Codec  string `json:"codec"`
	Format string `json:"format"`
	GOP    int    `json:"gop"`
	Source string `json:"source"`
}

// H264 returns testvideos/data/vtest.h264 (+ vtest.clip.json), converting vtest.avi
// with the ffmpeg CLI the first time: libx264, 7 fps timing, GOP of 2 s, no B-frames,
// AUD before each access unit. The conversion writes a temporary file and renames it,
// so concurrent test processes at worst convert twice.
func H264(ctx context.Context) (Clip, error) {
	src, err := VideoPath()
	if err != nil {
		return Clip{}, err
	}
	data, err := DataDir()
	if err != nil {
		return Clip{}, err
	}
	c := Clip{
		Path: filepath.Join(data, "vtest.h264"), MetaPath: filepath.Join(data, "vtest.clip.json"),
		FPS: FPS, Width: Width, Height: Height, Frames: Frames,
	}
	if fileExists(c.Path) && fileExists(c.MetaPath) {
		return c, nil
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return Clip{}, fmt.Errorf("create %s: %w", data, err)
	}
	if err := convert(ctx, src, c.Path); err != nil {
		return Clip{}, err
	}
	meta, err := json.MarshalIndent(clipMeta{
		FPS: FPS, Width: Width, Height: Height, Frames: Frames, Codec: "h264", Format: "annexb",
		GOP: 2 * FPS, Source: "PETS 2009 S2L1 (vtest.avi from Debian opencv-doc)",
	}, "", "  ")
	if err != nil {
		return Clip{}, err
	}
	if err := writeAtomic(c.MetaPath, append(meta, '\n')); err != nil {
		return Clip{}, err
	}
	return c, nil
}

func convert(ctx context.Context, src, dst string) error {
	tmp := fmt.Sprintf("%s.tmp%d", dst, os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-y",
		"-r", fmt.Sprint(FPS), "-i", src,
		"-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
		"-g", fmt.Sprint(2*FPS), "-bf", "0", "-x264-params", "aud=1:threads=1",
		"-pix_fmt", "yuv420p", "-f", "h264", tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("convert %s to H.264 with ffmpeg: %w: %s", src, err, bytes.TrimSpace(stderr.Bytes()))
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("store %s: %w", dst, err)
	}
	return nil
}

func writeAtomic(path string, b []byte) error {
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store %s: %w", path, err)
	}
	return nil
}
