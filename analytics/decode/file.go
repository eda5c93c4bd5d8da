package decode

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// DefaultFileFPS is the frame rate assumed for a stream that declares none, such as a
// raw H.264 elementary stream without VUI timing (FFmpeg's own default too).
const DefaultFileFPS = 25

// FileInfo describes an opened video file.
type FileInfo struct {
	// Width and Height are the size of the frames Next returns.
	Width, Height int
	// SrcWidth and SrcHeight are the coded picture size.
	SrcWidth, SrcHeight int
	// FPS is the stream's average frame rate, else its base rate, else DefaultFileFPS.
	FPS float64
	// Frames is the frame count from the container header or its duration; 0 when
	// unknown (raw elementary streams).
	Frames int64
	// Codec is libavcodec's short codec name, such as "h264" or "mpeg4".
	Codec string
}

// FileStats counts what a FileReader has read so far.
type FileStats struct {
	Packets int64 // video packets read from the container
	Frames  int64 // frames returned by Next
	// DecodeErrors counts packets or pictures the decoder rejected; they are skipped.
	DecodeErrors int64
	// CorruptFrames counts pictures the decoder flagged as damaged or concealed;
	// they are dropped, so their time shows as a gap in PTS.
	CorruptFrames int64
}

// FileReader reads the video stream of a file (any container and codec FFmpeg's
// libavformat and libavcodec handle) as BGR24 frames for offline analysis
// (`sharpeyes analyze --video`). It owns no goroutine and is not safe for
// concurrent use: one goroutine calls Next, Info, Stats and finally Close.
type FileReader struct {
	path     string
	av       *fileAV
	info     FileInfo
	frameDur time.Duration

	base    int64 // stream timestamp of PTS 0; noTS until known
	lastPTS time.Duration
	seq     uint64
	err     error     // sticky: io.EOF or the error that ended the file
	closed  FileStats // the counters at Close, when av is gone
}

// OpenFile opens path and prepares to decode its best video stream, scaling frames
// to outWidth pixels wide with the source aspect ratio and an even height
// (outWidth 0 keeps the coded width). Errors name the file; a missing file's
// error matches fs.ErrNotExist.
func OpenFile(path string, outWidth int) (*FileReader, error) {
	if outWidth < 0 {
		return nil, fmt.Errorf("video file %q: negative output width %d", path, outWidth)
	}
	if err := fileCheckRegular(path); err != nil {
		return nil, fmt.Errorf("video file %q: %w", path, err)
	}
	av, err := fileOpen(path)
	if err != nil {
		return nil, fmt.Errorf("video file %q: %w", path, err)
	}
	r := &FileReader{path: path, av: av}
	if err := r.describe(outWidth); err != nil {
		av.close()
		return nil, fmt.Errorf("video file %q: %w", path, err)
	}
	return r, nil
}

// fileCheckRegular rejects a missing path or a directory before FFmpeg sees it,
// so the error is the operating system's and not a demuxer's guess.
func fileCheckRegular(path string) error {
	st, err := os.Stat(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}

// describe fills r.info and the timing state from the opened stream.
func (r *FileReader) describe(outWidth int) error {
	in := r.av.info()
	if in.width <= 0 || in.height <= 0 {
		return fmt.Errorf("%s stream of unknown picture size", in.codec)
	}
	fps := in.fps
	if fps <= 0 || fps > 1000 {
		fps = DefaultFileFPS
	}
	ow, oh := outSize(in.width, in.height, outWidth)
	frames := in.frames
	if frames <= 0 && in.duration > 0 {
		frames = int64(math.Round(in.duration.Seconds() * fps))
	}
	r.info = FileInfo{Width: ow, Height: oh, SrcWidth: in.width, SrcHeight: in.height,
		FPS: fps, Frames: frames, Codec: in.codec}
	r.frameDur = time.Duration(float64(time.Second) / fps)
	r.base = in.startTS
	return nil
}

// Info describes the file and the frames Next returns.
func (r *FileReader) Info() FileInfo { return r.info }

// Stats returns the counters so far.
func (r *FileReader) Stats() FileStats {
	st := r.closed
	if r.av != nil {
		st.Packets, st.DecodeErrors, st.CorruptFrames = r.av.counters()
	}
	st.Frames = int64(r.seq)
	return st
}

// Next returns the next frame in presentation order as a new frame owned by the
// caller. At the end of the file it returns io.EOF; a file cut short returns the
// frames it holds, then the read error. Packets the decoder rejects and pictures
// it flags as corrupt are skipped and counted in Stats.
//
// Frame.Seq counts returned frames from 0. Frame.PTS is the stream's presentation
// time relative to the stream start; where timestamps are missing (raw elementary
// streams) or go backwards, it is the previous PTS plus one frame at Info().FPS,
// so PTS always increases. CaptureTime is left zero: a file has no wall clock.
func (r *FileReader) Next() (*analytics.Frame, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.av == nil {
		return nil, fmt.Errorf("video file %q: reader closed", r.path)
	}
	ow, oh := r.info.Width, r.info.Height
	// Spare capacity guards against SIMD writes past the last row.
	pix := make([]byte, ow*oh*3, ow*oh*3+padding)
	ts, err := r.av.next(pix, ow, oh)
	if errors.Is(err, io.EOF) {
		r.err = io.EOF
		return nil, io.EOF
	}
	if err != nil {
		r.err = fmt.Errorf("video file %q: after frame %d: %w", r.path, r.seq, err)
		return nil, r.err
	}
	f := &analytics.Frame{Width: ow, Height: oh, Pix: pix, Seq: r.seq, PTS: r.ptsOf(ts)}
	r.seq++
	r.lastPTS = f.PTS
	return f, nil
}

// ptsOf turns a stream timestamp into the PTS of frame r.seq, keeping PTS
// increasing (see Next).
func (r *FileReader) ptsOf(ts int64) time.Duration {
	if ts != noTS && r.base == noTS {
		r.base = ts
	}
	next := time.Duration(0)
	if r.seq > 0 {
		next = r.lastPTS + r.frameDur
	}
	if ts == noTS {
		return next
	}
	pts := max(r.av.duration(ts-r.base), 0)
	if r.seq > 0 && pts <= r.lastPTS {
		return next
	}
	return pts
}

// Close frees the demuxer and decoder. It is safe to call twice.
func (r *FileReader) Close() error {
	if r.av != nil {
		r.closed = r.Stats()
		r.av.close()
		r.av = nil
	}
	return nil
}
