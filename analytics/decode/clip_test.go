package decode

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// clipFPS is the frame rate of every encoded test clip.
const clipFPS = 10

// encodeArgs are the ffmpeg encoder arguments per codec: every 10th picture a
// keyframe with parameter sets, no B-frames, an AUD in front of each unit.
var encodeArgs = map[unit.Codec][]string{
	unit.CodecH264: {"-c:v", "libx264", "-g", "10", "-bf", "0", "-x264-params", "aud=1", "-f", "h264"},
	unit.CodecH265: {"-c:v", "libx265", "-x265-params", "keyint=10:min-keyint=10:bframes=0:aud=1:repeat-headers=1:log-level=error", "-f", "hevc"},
}

// encodeClip encodes the lavfi source src for secs seconds and returns its units.
func encodeClip(t testing.TB, codec unit.Codec, src string, secs int) []*unit.AccessUnit {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clip."+codec.String())
	args := append([]string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", src,
		"-t", strconv.Itoa(secs), "-pix_fmt", "yuv420p"}, encodeArgs[codec]...)
	cmd := exec.Command("ffmpeg", append(args, out)...)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "ffmpeg: %s", msg)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return splitAnnexB(codec, data)
}

// referenceBGR decodes the same lavfi source with the ffmpeg CLI, scaled to w×h,
// as raw BGR24 frames.
func referenceBGR(t testing.TB, src string, secs, w, h int) [][]byte {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", src,
		"-t", strconv.Itoa(secs), "-vf", "scale="+strconv.Itoa(w)+":"+strconv.Itoa(h), "-pix_fmt", "bgr24", "-f", "rawvideo", "-")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), "ffmpeg: %s", errb.String())
	var frames [][]byte
	for b := out.Bytes(); len(b) >= w*h*3; b = b[w*h*3:] {
		frames = append(frames, b[:w*h*3])
	}
	return frames
}

// splitAnnexB cuts an Annex-B stream into access units at AUD NAL units, drops
// the AUDs and marks units holding an IDR/IRAP picture as keyframes.
func splitAnnexB(codec unit.Codec, data []byte) []*unit.AccessUnit {
	var units []*unit.AccessUnit
	var cur *unit.AccessUnit
	for _, n := range splitNALUs(data) {
		typ, aud := nalType(codec, n)
		if aud {
			cur = &unit.AccessUnit{Codec: codec}
			units = append(units, cur)
			continue
		}
		if cur == nil {
			continue
		}
		cur.NALUs = append(cur.NALUs, n)
		if isKey(codec, typ) {
			cur.Keyframe = true
		}
	}
	start := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, u := range units {
		u.PTS = time.Duration(i) * time.Second / clipFPS
		u.CaptureTime = start.Add(u.PTS)
	}
	return units
}

func nalType(codec unit.Codec, n []byte) (typ int, aud bool) {
	if codec == unit.CodecH265 {
		typ = int(n[0]>>1) & 0x3f
		return typ, typ == 35
	}
	typ = int(n[0] & 0x1f)
	return typ, typ == 9
}

func isKey(codec unit.Codec, typ int) bool {
	if codec == unit.CodecH265 {
		return typ >= 16 && typ <= 23
	}
	return typ == 5
}

// splitNALUs returns the NAL units of an Annex-B stream without start codes.
func splitNALUs(data []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(data); i++ {
		if data[i] != 0 || data[i+1] != 0 || data[i+2] != 1 {
			continue
		}
		if start >= 0 {
			out = append(out, bytes.TrimRight(data[start:i], "\x00"))
		}
		start = i + 3
		i += 2
	}
	if start >= 0 && start < len(data) {
		out = append(out, data[start:])
	}
	return out
}
