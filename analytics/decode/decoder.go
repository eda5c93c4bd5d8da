// Package decode turns compressed H.264/H.265 access units into BGR24 frames for
// analytics, through a small cgo wrapper over libavcodec and libswscale.
package decode

import (
	"errors"
	"fmt"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// padding is the zeroed tail libavcodec wants after input data
// (AV_INPUT_BUFFER_PADDING_SIZE).
const padding = 64

// timesLen is how many in-flight units the decoder remembers to give each picture
// the times of the unit it came from (more than any reorder depth).
const timesLen = 32

// maxStashed bounds the picture-less NAL units kept for the next picture.
const maxStashed = 16

var (
	startCode = []byte{0, 0, 0, 1}
	zeros     [padding]byte
)

// unitTimes are the times of one unit sent to the decoder.
type unitTimes struct {
	seq     int64
	capture time.Time
	pts     time.Duration
}

// Decoder decodes one camera's access units. It is not safe for concurrent use:
// one goroutine (the camera's analytics reader) owns it and calls Close.
//
// It starts at the first keyframe and, after any decoding error, skips units
// until the next keyframe, so it never hands out a smeared picture.
type Decoder struct {
	codec    unit.Codec
	outWidth int
	av       *avDec

	buf     []byte   // Annex-B of the current unit, reused
	stashed [][]byte // NAL units of picture-less units, sent with the next picture
	sent    int64    // units sent so far; used as the packet pts
	times   [timesLen]unitTimes
	seq     uint64 // frames handed out so far
	needKey bool
	pool    *analytics.FramePool // where frame buffers come from; nil allocates
}

// New opens a decoder for codec whose frames are scaled to outWidth pixels wide,
// keeping the aspect ratio with an even height. outWidth 0 keeps the coded width.
func New(codec unit.Codec, outWidth int) (*Decoder, error) {
	if outWidth < 0 {
		return nil, fmt.Errorf("decoder %v: negative output width %d", codec, outWidth)
	}
	av, err := avOpen(codec)
	if err != nil {
		return nil, fmt.Errorf("decoder %v: %w", codec, err)
	}
	return &Decoder{codec: codec, outWidth: outWidth, av: av, needKey: true}, nil
}

// UsePool makes Decode take frame buffers from p (nil: allocate each). Whoever
// ends up owning a frame may hand its pixels back with p.Put.
func (d *Decoder) UsePool(p *analytics.FramePool) { d.pool = p }

// Close frees the decoder. It is safe to call twice.
func (d *Decoder) Close() {
	d.av.close()
}

// SkipToKeyframe makes the decoder ignore units until the next keyframe; a
// reader calls it after its queue dropped units.
func (d *Decoder) SkipToKeyframe() {
	if !d.needKey {
		d.needKey = true
		d.av.flush()
	}
}

// WaitingForKeyframe tells whether units are being skipped until a keyframe.
func (d *Decoder) WaitingForKeyframe() bool { return d.needKey }

// Decode feeds one access unit and returns the newest picture it completed as a
// new frame owned by the caller, or nil when there is none yet (no picture, or
// waiting for a keyframe). The frame carries the times of the unit it came from.
func (d *Decoder) Decode(u *unit.AccessUnit) (*analytics.Frame, error) {
	ok, err := d.DecodeOnly(u)
	if !ok || err != nil {
		return nil, err
	}
	w, h, pts := d.av.picture()
	ow, oh := outSize(w, h, d.outWidth)
	// Spare capacity guards against SIMD writes past the last row.
	pix := d.pool.Get(ow*oh*3, padding)
	if err := d.av.convert(pix, ow, oh); err != nil {
		d.pool.Put(&analytics.Frame{Pix: pix})
		return nil, fmt.Errorf("decoder %v: %w", d.codec, err)
	}
	f := &analytics.Frame{Width: ow, Height: oh, Pix: pix, Seq: d.seq}
	d.seq++
	f.CaptureTime, f.PTS = d.timesOf(pts, u)
	return f, nil
}

// DecodeOnly decodes like Decode but skips the conversion to BGR, telling only
// whether a picture came out; benchmarks use it to measure decoding alone.
func (d *Decoder) DecodeOnly(u *unit.AccessUnit) (bool, error) {
	if u.Codec != d.codec {
		return false, fmt.Errorf("decoder %v: got a %v unit", d.codec, u.Codec)
	}
	if err := checkNALUs(u); err != nil {
		return false, d.fail(err)
	}
	if !hasPicture(u) { // parameter sets sent apart still reach the decoder
		d.stash(u.NALUs)
		return false, nil
	}
	if d.needKey && !u.Keyframe {
		return false, nil
	}
	d.fill(u)
	d.times[d.sent%timesLen] = unitTimes{seq: d.sent, capture: u.CaptureTime, pts: u.PTS}
	res, err := d.av.decode(d.buf, d.sent)
	d.sent++
	if err != nil {
		return false, d.fail(d.withLog(err))
	}
	if res == avCorrupt {
		return false, d.fail(d.withLog(errors.New("picture decoded with errors")))
	}
	d.needKey = false
	return res == avFrame, nil
}

// stash keeps NAL units that carry no picture (parameter sets, SEI) for the
// next picture: libavcodec's H.264 decoder rejects a packet without a slice.
// At most maxStashed are kept; more start the stash over.
func (d *Decoder) stash(nalus [][]byte) {
	if len(d.stashed)+len(nalus) > maxStashed {
		d.stashed = d.stashed[:0]
	}
	d.stashed = append(d.stashed, nalus[:min(len(nalus), maxStashed)]...)
}

// fill writes the stashed NAL units and u's as Annex-B into d.buf, followed by
// zeroed padding, and empties the stash.
func (d *Decoder) fill(u *unit.AccessUnit) {
	d.buf = d.buf[:0]
	for _, nalus := range [][][]byte{d.stashed, u.NALUs} {
		for _, n := range nalus {
			d.buf = append(d.buf, startCode...)
			d.buf = append(d.buf, n...)
		}
	}
	clear(d.stashed)
	d.stashed = d.stashed[:0]
	n := len(d.buf)
	d.buf = append(d.buf, zeros[:]...)
	d.buf = d.buf[:n]
}

// fail flushes the decoder, waits for the next keyframe and wraps err.
func (d *Decoder) fail(err error) error {
	d.needKey = true
	d.av.flush()
	return fmt.Errorf("decoder %v: %w", d.codec, err)
}

func (d *Decoder) withLog(err error) error {
	if msg := d.av.lastLog(); msg != "" {
		return fmt.Errorf("%w (libavcodec: %s)", err, msg)
	}
	return err
}

// timesOf returns the times of the unit whose packet pts was seq, or cur's if
// that unit is no longer remembered.
func (d *Decoder) timesOf(seq int64, cur *unit.AccessUnit) (time.Time, time.Duration) {
	if seq >= 0 {
		if t := d.times[seq%timesLen]; t.seq == seq {
			return t.capture, t.pts
		}
	}
	return cur.CaptureTime, cur.PTS
}

// outSize scales w×h to width ow (0: keep w), rounding the height to even.
func outSize(w, h, ow int) (int, int) {
	if ow == 0 {
		ow = w
	}
	oh := 2 * ((h*ow + w) / (2 * w)) // nearest even
	return ow, max(oh, 2)
}
