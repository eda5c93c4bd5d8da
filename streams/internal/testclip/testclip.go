// Package testclip encodes short synthetic elementary-stream clips with the ffmpeg CLI.
// Only tests import it.
package testclip

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// Options describes a clip. Zero fields take the defaults noted.
type Options struct {
	H265    bool // H.265 instead of H.264
	NoAUD   bool // leave out access-unit delimiters
	Seconds int  // default 3
	FPS     int  // default 10
	GOP     int  // keyframe interval in frames, default 10
}

// Write encodes the clip into t.TempDir() and returns its path. The clip has no B-frames.
func Write(t testing.TB, o Options) string {
	t.Helper()
	if o.Seconds == 0 {
		o.Seconds = 3
	}
	if o.FPS == 0 {
		o.FPS = 10
	}
	if o.GOP == 0 {
		o.GOP = 10
	}
	aud := "1"
	if o.NoAUD {
		aud = "0"
	}

	args := []string{
		"-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=320x180:rate=%d", o.FPS),
		"-t", strconv.Itoa(o.Seconds), "-pix_fmt", "yuv420p", "-g", strconv.Itoa(o.GOP), "-bf", "0",
	}
	var out string
	if o.H265 {
		out = filepath.Join(t.TempDir(), "clip.h265")
		args = append(args, "-c:v", "libx265",
			"-x265-params", fmt.Sprintf("aud=%s:bframes=0:keyint=%d:log-level=error", aud, o.GOP),
			"-f", "hevc", out)
	} else {
		out = filepath.Join(t.TempDir(), "clip.h264")
		args = append(args, "-c:v", "libx264", "-x264-params", "aud="+aud, "-f", "h264", out)
	}

	cmd := exec.Command("ffmpeg", args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg could not encode the test clip (is ffmpeg installed? scripts/setup.sh): %v\n%s", err, msg)
	}
	return out
}
