package rtspsource

import (
	"errors"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph265"
	"github.com/pion/rtp"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// errNoVideo means the camera offers neither H.264 nor H.265.
var errNoVideo = errors.New("no H.264 or H.265 video media in the SDP")

// session turns the RTP packets of one media into access units. Its onRTP runs on
// gortsplib's packet goroutine: it depacketises, stamps time and hands over, never blocking.
type session struct {
	media  *description.Media
	format format.Format
	codec  unit.Codec
	writer unitWriter
	warn   *warnings
	clock  *srClock

	decode    func(*rtp.Packet) ([][]byte, error)
	assembler assembler
	pts       func(*rtp.Packet) (int64, bool) // in clock units, from the session start
}

func newSession(desc *description.Session, c *gortsplib.Client, w unitWriter, warn *warnings) (*session, error) {
	s := &session{writer: w, warn: warn}

	var h264f *format.H264
	var h265f *format.H265
	if medi := desc.FindFormat(&h264f); medi != nil {
		dec, err := h264f.CreateDecoder()
		if err != nil {
			return nil, err
		}
		s.media, s.format, s.codec = medi, h264f, unit.CodecH264
		s.decode = dec.Decode
		s.assembler = newH264Assembler(h264f.SafeParams())
	} else if medi := desc.FindFormat(&h265f); medi != nil {
		dec, err := h265f.CreateDecoder()
		if err != nil {
			return nil, err
		}
		s.media, s.format, s.codec = medi, h265f, unit.CodecH265
		s.decode = dec.Decode
		s.assembler = newH265Assembler(h265f.SafeParams())
	} else {
		return nil, errNoVideo
	}

	s.clock = &srClock{clockRate: s.format.ClockRate()}
	s.pts = func(pkt *rtp.Packet) (int64, bool) { return c.PacketPTS2(s.media, pkt) }
	return s, nil
}

// needMorePackets tells the depacketiser's "not a whole unit yet" answers from real errors.
func needMorePackets(err error) bool {
	return errors.Is(err, rtph264.ErrMorePacketsNeeded) ||
		errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious) ||
		errors.Is(err, rtph265.ErrMorePacketsNeeded) ||
		errors.Is(err, rtph265.ErrNonStartingPacketAndNoPrevious)
}

func (s *session) onRTP(pkt *rtp.Packet) {
	arrival := time.Now()
	s.clock.noteRTP(pkt.SSRC)
	pts, ptsOK := s.pts(pkt) // every packet feeds the PTS decoder

	// A unit normally completes on its marker packet. For cameras without markers the
	// depacketiser completes it on the next timestamp, and the stamps below are then one
	// frame late; acceptable for such cameras.
	nalus, err := s.decode(pkt)
	if err != nil {
		if !needMorePackets(err) {
			s.warn.decodeError(err)
		}
		return
	}
	if !ptsOK {
		return
	}
	out, keyframe, ok := s.assembler.assemble(nalus)
	if !ok {
		return
	}

	u := &unit.AccessUnit{
		Codec:        s.codec,
		NALUs:        out,
		Keyframe:     keyframe,
		PTS:          clockToDuration(pts, s.format.ClockRate()),
		RTPTimestamp: pkt.Timestamp,
		CaptureTime:  arrival,
	}
	if t, ok := s.clock.at(pkt.Timestamp); ok {
		u.CaptureTime, u.CaptureFromRTCP = t, true
	}
	s.writer.Write(u)
}

// clockToDuration converts clock units without overflowing for long sessions.
func clockToDuration(v int64, rate int) time.Duration {
	r := int64(rate)
	return time.Duration(v/r)*time.Second + time.Duration(v%r)*time.Second/time.Duration(r)
}
