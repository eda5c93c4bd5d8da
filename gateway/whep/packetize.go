package whep

import "encoding/binary"

// H.264 NAL unit types the packetizer cares about (RFC 6184).
const (
	naluTypeIDR    = 5 // used by tests to spot keyframes
	naluTypeAUD    = 9
	naluTypeFiller = 12
	naluTypeSTAPA  = 24
	naluTypeFUA    = 28
)

// rtpMTU is the largest RTP payload we send: small enough for SRTP + UDP + IPv6 + TURN
// headers to fit in a 1280-byte path MTU.
const rtpMTU = 1200

// h264Packetizer turns access units into RTP payloads (RFC 6184). It reuses its buffers:
// the payloads returned by packetize are valid until the next call. One goroutine uses it.
type h264Packetizer struct {
	// singleNAL is packetization-mode=0: one NAL unit per packet, whatever its size.
	// Otherwise (mode 1) consecutive small NAL units share a STAP-A, so SPS and PPS travel
	// in front of the IDR slice, and large ones are split into FU-As.
	singleNAL bool

	arena    []byte
	payloads [][]byte
	pending  [][]byte // small NAL units waiting to be aggregated
}

// packetize returns the payloads of one access unit in order; the last one carries the
// marker bit. Delimiters and filler data are left out.
func (p *h264Packetizer) packetize(nalus [][]byte) [][]byte {
	p.arena = p.arena[:0]
	p.payloads = p.payloads[:0]
	p.pending = p.pending[:0]
	pendingSize := 1 // STAP-A header

	for _, n := range nalus {
		if len(n) == 0 {
			continue
		}
		if typ := n[0] & 0x1f; typ == naluTypeAUD || typ == naluTypeFiller {
			continue
		}
		switch {
		case p.singleNAL:
			p.payloads = append(p.payloads, n)
		case len(p.pending) > 0 && pendingSize+2+len(n) <= rtpMTU: // joins the STAP-A
			p.pending = append(p.pending, n)
			pendingSize += 2 + len(n)
		default:
			p.flush()
			pendingSize = 1
			if len(n) <= rtpMTU { // alone it goes as a single NAL unit packet
				p.pending = append(p.pending, n)
				pendingSize += 2 + len(n)
			} else {
				p.fragment(n)
			}
		}
	}
	p.flush()
	return p.payloads
}

// flush emits the pending small NAL units: alone as they are, several as one STAP-A.
func (p *h264Packetizer) flush() {
	switch len(p.pending) {
	case 0:
		return
	case 1:
		p.payloads = append(p.payloads, p.pending[0])
		p.pending = p.pending[:0]
		return
	}
	start := len(p.arena)
	nri := byte(0)
	for _, n := range p.pending {
		nri = max(nri, n[0]&0x60)
	}
	p.arena = append(p.arena, nri|naluTypeSTAPA)
	for _, n := range p.pending {
		p.arena = binary.BigEndian.AppendUint16(p.arena, uint16(len(n))) //nolint:gosec // len(n) < rtpMTU
		p.arena = append(p.arena, n...)
	}
	p.payloads = append(p.payloads, p.arena[start:len(p.arena):len(p.arena)])
	p.pending = p.pending[:0]
}

// fragment splits one large NAL unit into FU-A payloads.
func (p *h264Packetizer) fragment(n []byte) {
	indicator := n[0]&0xe0 | naluTypeFUA
	typ := n[0] & 0x1f
	body := n[1:]
	for first := true; len(body) > 0; first = false {
		size := min(rtpMTU-2, len(body))
		hdr := typ
		if first {
			hdr |= 0x80
		}
		if size == len(body) {
			hdr |= 0x40
		}
		start := len(p.arena)
		p.arena = append(p.arena, indicator, hdr)
		p.arena = append(p.arena, body[:size]...)
		p.payloads = append(p.payloads, p.arena[start:len(p.arena):len(p.arena)])
		body = body[size:]
	}
}
