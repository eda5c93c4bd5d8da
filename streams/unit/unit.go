// Package unit defines the compressed access unit shared by every stage of Sharp Eyes.
// It is a leaf package: it imports only the standard library.
package unit

import "time"

// Codec names the video coding of an access unit.
type Codec int

// Codecs carried through the system.
const (
	CodecH264 Codec = iota + 1
	CodecH265
)

// String returns the codec's lowercase name.
func (c Codec) String() string {
	switch c {
	case CodecH264:
		return "h264"
	case CodecH265:
		return "h265"
	default:
		return "unknown"
	}
}

// AccessUnit is one compressed video picture.
//
// Units are immutable once handed to a Stream: every reader shares the same value,
// so a reader that wants to change NALUs copies them first.
type AccessUnit struct {
	Codec Codec
	// NALUs without start codes. A keyframe unit carries its parameter sets
	// (SPS/PPS, plus VPS for H.265) in front of the IDR slices, so a decoder or a
	// viewer can start from it alone.
	NALUs [][]byte
	// Keyframe is true when the unit starts with an IDR/IRAP picture.
	Keyframe bool
	// PTS is the presentation time relative to the first unit of the session.
	PTS time.Duration
	// RTPTimestamp is the 90 kHz RTP timestamp the unit arrived with.
	RTPTimestamp uint32
	// CaptureTime is the wall-clock capture time: from the camera's RTCP sender
	// reports when it sends them, else the arrival time.
	CaptureTime time.Time
	// CaptureFromRTCP tells whether CaptureTime came from an RTCP sender report.
	CaptureFromRTCP bool
}
