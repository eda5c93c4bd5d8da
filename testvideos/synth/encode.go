package synth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
)

// encode renders every frame and pipes it as raw rgb24 into the ffmpeg CLI, which writes
// an H.264 Annex-B elementary stream: libx264 veryfast/zerolatency, a keyframe every
// 2 s, no B-frames, an access-unit delimiter before each access unit, one encoder
// thread (so the bytes are reproducible), yuv420p.
func encode(ctx context.Context, r *Renderer, out string) error {
	s := r.scene
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", s.Width, s.Height),
		"-r", fmt.Sprint(s.FPS), "-i", "-",
		"-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
		"-g", fmt.Sprint(2*s.FPS), "-bf", "0", "-x264-params", "aud=1:threads=1",
		"-pix_fmt", "yuv420p", "-f", "h264", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ffmpeg: %w", err)
	}
	werr := writeFrames(r, stdin)
	cerr := stdin.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("encode %s with ffmpeg: %w: %s", out, err, bytes.TrimSpace(stderr.Bytes()))
	}
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("feed frames to ffmpeg: %w", err)
	}
	return nil
}

func writeFrames(r *Renderer, w interface{ Write([]byte) (int, error) }) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	frame := make([]byte, r.scene.Width*r.scene.Height*3)
	for i := range r.Frames() {
		r.Render(i, frame)
		if _, err := bw.Write(frame); err != nil {
			return err
		}
	}
	return bw.Flush()
}
