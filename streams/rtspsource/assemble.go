package rtspsource

import (
	"bytes"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
)

// assembler turns the NALUs of one depacketised access unit into the NALUs of a
// unit.AccessUnit: delimiters go, parameter sets are remembered (from the SDP and in-band)
// and put in front of every keyframe that lacks them. It runs on the packet goroutine only.
type assembler interface {
	// assemble returns the unit's NALUs, copied into memory the unit owns, and whether it is
	// a keyframe; ok is false while waiting for the first decodable keyframe of the session.
	assemble(nalus [][]byte) (out [][]byte, keyframe, ok bool)
}

// h264Assembler handles H.264 (RFC 6184).
type h264Assembler struct {
	sps, pps []byte // latest, from the SDP or in-band
	started  bool
}

func newH264Assembler(sps, pps []byte) *h264Assembler {
	return &h264Assembler{sps: bytes.Clone(sps), pps: bytes.Clone(pps)}
}

func (a *h264Assembler) assemble(nalus [][]byte) ([][]byte, bool, bool) {
	keyframe := false
	kept := make([][]byte, 0, len(nalus)+2)
	for _, n := range nalus {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeAccessUnitDelimiter:
			continue
		case h264.NALUTypeSPS:
			a.sps = bytes.Clone(n)
			continue // put back in front below, with the PPS
		case h264.NALUTypePPS:
			a.pps = bytes.Clone(n)
			continue
		case h264.NALUTypeIDR:
			keyframe = true
		}
		kept = append(kept, n)
	}
	return finish(kept, keyframe, &a.started, a.sps, a.pps)
}

// h265Assembler handles H.265 (RFC 7798).
type h265Assembler struct {
	vps, sps, pps []byte
	started       bool
}

func newH265Assembler(vps, sps, pps []byte) *h265Assembler {
	return &h265Assembler{
		vps: bytes.Clone(vps),
		sps: bytes.Clone(sps),
		pps: bytes.Clone(pps),
	}
}

func (a *h265Assembler) assemble(nalus [][]byte) ([][]byte, bool, bool) {
	keyframe := false
	kept := make([][]byte, 0, len(nalus)+3)
	for _, n := range nalus {
		if len(n) < 2 {
			continue
		}
		switch typ := h265.NALUType((n[0] >> 1) & 0x3f); typ {
		case h265.NALUType_AUD_NUT:
			continue
		case h265.NALUType_VPS_NUT:
			a.vps = bytes.Clone(n)
			continue
		case h265.NALUType_SPS_NUT:
			a.sps = bytes.Clone(n)
			continue
		case h265.NALUType_PPS_NUT:
			a.pps = bytes.Clone(n)
			continue
		default:
			if typ >= h265.NALUType_BLA_W_LP && typ <= h265.NALUType_CRA_NUT {
				keyframe = true // IRAP picture: BLA, IDR or CRA
			}
		}
		kept = append(kept, n)
	}
	return finish(kept, keyframe, &a.started, a.vps, a.sps, a.pps)
}

// finish puts the parameter sets in front of a keyframe, holds back everything before the
// session's first keyframe, and copies the result. A keyframe whose parameter sets are
// still unknown is not decodable on its own, so it is passed on as a plain unit.
func finish(kept [][]byte, keyframe bool, started *bool, params ...[]byte) ([][]byte, bool, bool) {
	if keyframe {
		for _, p := range params {
			if p == nil {
				keyframe = false
				break
			}
		}
	}
	if !*started && !keyframe {
		return nil, false, false
	}
	*started = true
	if len(kept) == 0 {
		return nil, false, false
	}
	if keyframe {
		kept = append(append(make([][]byte, 0, len(params)+len(kept)), params...), kept...)
	}
	return cloneNALUs(kept), keyframe, true
}

// cloneNALUs copies NALUs into one allocation, so the unit owns its memory and never
// aliases the library's packet buffers.
func cloneNALUs(nalus [][]byte) [][]byte {
	size := 0
	for _, n := range nalus {
		size += len(n)
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, len(nalus))
	for i, n := range nalus {
		start := len(buf)
		buf = append(buf, n...)
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}
