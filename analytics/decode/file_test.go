package decode

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// fileVTest is the PETS 2009 clip scripts/setup.sh fetches, relative to this package.
const fileVTest = "../../testvideos/data/vtest.avi"

// fileEncode runs the ffmpeg CLI on a lavfi source into dir/name and returns the path.
func fileEncode(t testing.TB, dir, name, src string, args ...string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	all := append([]string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", src, "-t", "2"}, args...)
	msg, err := exec.Command("ffmpeg", append(all, "-y", out)...).CombinedOutput()
	require.NoError(t, err, "ffmpeg: %s", msg)
	return out
}

// fileReference decodes path with the ffmpeg CLI, scaled bilinearly to w×h, as raw
// BGR24 frames.
func fileReference(t testing.TB, path string, w, h int) [][]byte {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path,
		"-vf", "scale="+strconv.Itoa(w)+":"+strconv.Itoa(h)+":flags=bilinear",
		"-pix_fmt", "bgr24", "-f", "rawvideo", "-")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), "ffmpeg: %s", errb.String())
	var frames [][]byte
	for b := out.Bytes(); len(b) >= w*h*3; b = b[w*h*3:] {
		frames = append(frames, b[:w*h*3])
	}
	return frames
}

func fileMeanAbsDiff(a, b []byte) float64 {
	var sum int
	for i := range a {
		d := int(a[i]) - int(b[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(a))
}

// fileReadAll reads r to its end and returns the frames and the final error
// (io.EOF on a clean end). It gives up after limit frames.
func fileReadAll(t testing.TB, r *FileReader, limit int) ([]*analytics.Frame, error) {
	t.Helper()
	var frames []*analytics.Frame
	for len(frames) <= limit {
		f, err := r.Next()
		if err != nil {
			return frames, err
		}
		require.Equal(t, uint64(len(frames)), f.Seq)
		require.Len(t, f.Pix, f.Width*f.Height*3)
		frames = append(frames, f)
	}
	t.Fatalf("more than %d frames", limit)
	return nil, nil
}

// fileRequireIncreasing checks that PTS starts at 0 and always increases.
func fileRequireIncreasing(t testing.TB, frames []*analytics.Frame) {
	t.Helper()
	for i, f := range frames {
		if i == 0 {
			require.Zero(t, f.PTS, "first PTS")
			continue
		}
		require.Greater(t, f.PTS, frames[i-1].PTS, "PTS of frame %d", i)
	}
}

const fileSrc = "testsrc2=size=320x180:rate=10"

func TestFileReadClips(t *testing.T) {
	dir := t.TempDir()
	h264 := []string{"-c:v", "libx264", "-pix_fmt", "yuv420p"}
	for _, tc := range []struct {
		name, file string
		args       []string
		codec      string
		fps        float64
		frames     int64 // Info().Frames
	}{
		{"mp4 h264", "clip.mp4", h264, "h264", 10, 20},
		{"avi mpeg4", "clip.avi", []string{"-c:v", "mpeg4", "-q:v", "3"}, "mpeg4", 10, 20},
		// No timestamps; the rate comes from the SPS timing info.
		{"raw h264", "clip.h264", h264, "h264", 10, 0},
		{"mkv mjpeg full range", "clip.mkv", []string{"-c:v", "mjpeg", "-q:v", "3"}, "mjpeg", 10, 20},
		// A raw MJPEG stream declares no rate: FFmpeg assumes 25 frames/s.
		{"raw mjpeg without a rate", "clip.mjpeg", []string{"-c:v", "mjpeg", "-q:v", "3"}, "mjpeg", 25, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := fileEncode(t, dir, tc.file, fileSrc, tc.args...)
			r, err := OpenFile(path, 160)
			require.NoError(t, err)
			defer r.Close()
			require.Equal(t, FileInfo{Width: 160, Height: 90, SrcWidth: 320, SrcHeight: 180,
				FPS: tc.fps, Frames: tc.frames, Codec: tc.codec}, r.Info())

			frames, err := fileReadAll(t, r, 100)
			require.ErrorIs(t, err, io.EOF)
			require.Len(t, frames, 20)
			step := time.Duration(float64(time.Second) / tc.fps)
			for i, f := range frames {
				require.Equal(t, 160, f.Width)
				require.Equal(t, 90, f.Height)
				require.Equal(t, time.Duration(i)*step, f.PTS, "PTS of frame %d", i)
				require.True(t, f.CaptureTime.IsZero())
			}
			want := fileReference(t, path, 160, 90)
			require.Len(t, want, 20)
			for _, i := range []int{0, 19} {
				require.Less(t, fileMeanAbsDiff(frames[i].Pix, want[i]), 3.0, "frame %d differs from ffmpeg's", i)
			}
			require.Equal(t, FileStats{Packets: 20, Frames: 20}, r.Stats())

			_, err = r.Next()
			require.ErrorIs(t, err, io.EOF, "Next after the end")
		})
	}
}

func TestFileColourOrder(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, colour, file string
		args               []string
		bgr                [3]int
	}{
		{"red h264 mp4", "red", "red.mp4", []string{"-c:v", "libx264", "-pix_fmt", "yuv420p"}, [3]int{0, 0, 255}},
		{"blue mjpeg mkv", "blue", "blue.mkv", []string{"-c:v", "mjpeg"}, [3]int{255, 0, 0}},
		{"lime mpeg4 avi", "lime", "lime.avi", []string{"-c:v", "mpeg4"}, [3]int{0, 255, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := fileEncode(t, dir, tc.file, "color=c="+tc.colour+":size=64x48:rate=10", tc.args...)
			r, err := OpenFile(path, 0)
			require.NoError(t, err)
			defer r.Close()
			f, err := r.Next()
			require.NoError(t, err)
			require.Equal(t, 64, f.Width)
			require.Equal(t, 48, f.Height)
			mid := (f.Height/2*f.Width + f.Width/2) * 3
			for c := range 3 {
				require.InDelta(t, tc.bgr[c], int(f.Pix[mid+c]), 12, "channel %d of %v", c, f.Pix[mid:mid+3])
			}
		})
	}
}

func TestFileOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) func() string {
		return func() string {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
			return p
		}
	}
	const notes = "camera notes, not a video\n"
	for _, tc := range []struct {
		name     string
		path     func() string
		outWidth int
		is       error  // when set, errors.Is must hold
		contains string // part of the message besides the path
	}{
		{"missing", func() string { return filepath.Join(dir, "nope.avi") }, 320, fs.ErrNotExist, "no such file"},
		{"directory", func() string { return dir }, 320, nil, "not a regular file"},
		{"text file", write("notes.txt", notes), 320, nil, "not a recognised video file"},
		{"text file named mp4", write("fake.mp4", notes), 320, nil, "video file"},
		{"empty file", write("empty.avi", ""), 320, nil, "video file"},
		{"audio only", func() string {
			return fileEncode(t, dir, "tone.wav", "sine=frequency=440")
		}, 320, nil, "no video stream"},
		{"audio with cover art", func() string {
			out := filepath.Join(dir, "cover.mp3")
			msg, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error",
				"-f", "lavfi", "-i", "sine=frequency=440", "-f", "lavfi", "-i", "color=c=red:size=64x64",
				"-t", "1", "-map", "0:a", "-map", "1:v", "-frames:v", "1", "-c:a", "libmp3lame",
				"-c:v", "mjpeg", "-disposition:v", "attached_pic", "-y", out).CombinedOutput()
			require.NoError(t, err, "ffmpeg: %s", msg)
			return out
		}, 320, nil, "no video stream"},
		{"negative width", func() string { return fileEncode(t, dir, "ok.avi", fileSrc, "-c:v", "mpeg4") }, -1, nil, "negative output width"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path()
			r, err := OpenFile(path, tc.outWidth)
			require.Error(t, err)
			require.Nil(t, r)
			t.Log(err)
			require.Contains(t, err.Error(), strconv.Quote(path))
			require.Contains(t, err.Error(), tc.contains)
			if tc.is != nil {
				require.True(t, errors.Is(err, tc.is), "%v is not %v", err, tc.is)
			}
		})
	}
}

// TestFileDamaged reads cut and scribbled-over files: whatever they hold comes out
// with increasing PTS, and the reader ends with io.EOF or an error, never a crash.
func TestFileDamaged(t *testing.T) {
	dir := t.TempDir()
	h264 := []string{"-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "5"}
	for _, tc := range []struct {
		name, file string
		args       []string
		damage     func(b []byte) []byte
		minFrames  int
		counted    bool // decode errors or corrupt frames must have been counted
	}{
		{"avi cut at 60%", "cut.avi", []string{"-c:v", "mpeg4"}, fileCut(0.6), 8, false},
		{"mp4 faststart cut at 50%", "cut.mp4", append([]string{"-movflags", "+faststart"}, h264...), fileCut(0.5), 5, false},
		{"raw h264 cut at 50%", "cut.h264", h264, fileCut(0.5), 5, false},
		{"raw h264 scribbled", "scrib.h264", h264, fileScribble(0.5, 400), 10, true},
		{"avi scribbled", "scrib.avi", []string{"-c:v", "mpeg4", "-g", "5"}, fileScribble(0.5, 400), 10, true},
		{"mkv scribbled", "scrib.mkv", h264, fileScribble(0.4, 2000), 5, false},
		{"mp4 header only", "head.mp4", append([]string{"-movflags", "+faststart"}, h264...), fileCut(0.02), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := fileEncode(t, dir, tc.file, fileSrc, tc.args...)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, tc.damage(b), 0o600))

			r, err := OpenFile(path, 160)
			if err != nil {
				require.Zero(t, tc.minFrames, "open failed: %v", err)
				require.Contains(t, err.Error(), strconv.Quote(path))
				return
			}
			defer r.Close()
			frames, err := fileReadAll(t, r, 40)
			require.Error(t, err)
			t.Logf("%d frames, end: %v, stats %+v", len(frames), err, r.Stats())
			require.GreaterOrEqual(t, len(frames), tc.minFrames)
			require.LessOrEqual(t, len(frames), 20)
			fileRequireIncreasing(t, frames)
			if tc.counted {
				st := r.Stats()
				require.Positive(t, st.DecodeErrors+st.CorruptFrames, "%+v", st)
			}
			_, again := r.Next()
			require.Equal(t, err, again, "the end is sticky")

			r2, err := OpenFile(path, 160)
			require.NoError(t, err)
			defer r2.Close()
			frames2, _ := fileReadAll(t, r2, 40)
			require.Len(t, frames2, len(frames), "a second read gives the same frames")
			for i := range frames {
				require.Equal(t, frames[i].PTS, frames2[i].PTS)
				require.True(t, bytes.Equal(frames[i].Pix, frames2[i].Pix), "frame %d differs on a second read", i)
			}
		})
	}
}

// fileCut keeps the first share of the bytes.
func fileCut(share float64) func([]byte) []byte {
	return func(b []byte) []byte { return b[:int(float64(len(b))*share)] }
}

// fileScribble overwrites n bytes at share of the file with seeded noise.
func fileScribble(share float64, n int) func([]byte) []byte {
	return func(b []byte) []byte {
		rng := rand.New(rand.NewPCG(1, 2))
		at := int(float64(len(b)) * share)
		for i := at; i < at+n && i < len(b); i++ {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
}

func TestFileCloseTwice(t *testing.T) {
	path := fileEncode(t, t.TempDir(), "clip.avi", fileSrc, "-c:v", "mpeg4")
	r, err := OpenFile(path, 160)
	require.NoError(t, err)
	_, err = r.Next()
	require.NoError(t, err)
	require.NoError(t, r.Close())
	require.NoError(t, r.Close())
	_, err = r.Next()
	require.ErrorContains(t, err, "reader closed")
	st := r.Stats()
	require.Equal(t, int64(1), st.Frames, "counters survive Close")
	require.Positive(t, st.Packets, "counters survive Close")
}

func TestFileVTest(t *testing.T) {
	if _, err := os.Stat(fileVTest); err != nil {
		t.Skipf("%s missing (run make setup): %v", fileVTest, err)
	}
	r, err := OpenFile(fileVTest, 640)
	require.NoError(t, err)
	defer r.Close()
	require.Equal(t, FileInfo{Width: 640, Height: 480, SrcWidth: 768, SrcHeight: 576,
		FPS: 10, Frames: 795, Codec: "msmpeg4v3"}, r.Info())
	frames, err := fileReadAll(t, r, 1000)
	require.ErrorIs(t, err, io.EOF)
	require.Len(t, frames, 795)
	fileRequireIncreasing(t, frames)
	require.Equal(t, 794*100*time.Millisecond, frames[794].PTS)
	require.Equal(t, FileStats{Packets: 795, Frames: 795}, r.Stats())
}

func BenchmarkFileVTest640(b *testing.B) {
	if _, err := os.Stat(fileVTest); err != nil {
		b.Skipf("%s missing (run make setup): %v", fileVTest, err)
	}
	frames := 0
	for b.Loop() {
		r, err := OpenFile(fileVTest, 640)
		require.NoError(b, err)
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(b, err)
			frames++
		}
		require.NoError(b, r.Close())
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

// FuzzFileReader feeds arbitrary bytes as a file: OpenFile either fails or yields
// well-formed frames with increasing PTS and then an end, and never crashes.
func FuzzFileReader(f *testing.F) {
	dir := f.TempDir()
	for _, c := range []struct{ name, codec string }{{"seed.avi", "mpeg4"}, {"seed.h264", "libx264"}, {"seed.mkv", "mjpeg"}} {
		path := fileEncode(f, dir, c.name, "testsrc2=size=32x24:rate=5", "-frames:v", "3", "-c:v", c.codec, "-pix_fmt", "yuv420p")
		b, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// No extension: the demuxer is chosen by content alone.
		path := filepath.Join(t.TempDir(), "input")
		require.NoError(t, os.WriteFile(path, data, 0o600))
		r, err := OpenFile(path, 16)
		if err != nil {
			return
		}
		defer r.Close()
		require.Equal(t, 16, r.Info().Width)
		for i := 0; i < 50; i++ {
			fr, err := r.Next()
			if err != nil {
				return
			}
			require.Len(t, fr.Pix, 16*r.Info().Height*3)
		}
	})
}
