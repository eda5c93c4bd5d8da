package whep

import (
	"strings"
	"sync"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// h264Track is a session's one video track. pion binds it once the answer is applied and
// DTLS is up; the session's send loop then writes RTP straight to the bound stream, so it
// controls sequence numbers and timestamps itself.
type h264Track struct {
	bound chan struct{} // closed by the first successful Bind

	mu        sync.Mutex
	once      sync.Once
	ws        webrtc.TrackLocalWriter
	ssrc      uint32
	pt        uint8
	singleNAL bool
	seq       uint16
}

func newH264Track(seq uint16) *h264Track {
	return &h264Track{bound: make(chan struct{}), seq: seq}
}

// Bind picks the negotiated H.264 codec, preferring packetization-mode=1.
func (t *h264Track) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	codec, ok := pickH264(ctx.CodecParameters())
	if !ok {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	t.mu.Lock()
	t.ws = ctx.WriteStream()
	t.ssrc = uint32(ctx.SSRC())
	t.pt = uint8(codec.PayloadType)
	t.singleNAL = fmtpValue(codec.SDPFmtpLine, "packetization-mode") != "1"
	t.mu.Unlock()
	t.once.Do(func() { close(t.bound) })
	return codec, nil
}

// Unbind forgets the stream; later writes are dropped.
func (t *h264Track) Unbind(webrtc.TrackLocalContext) error {
	t.mu.Lock()
	t.ws = nil
	t.mu.Unlock()
	return nil
}

// ID, RID, StreamID and Kind describe the track in the SDP.
func (t *h264Track) ID() string                { return "video" }
func (t *h264Track) RID() string               { return "" }
func (t *h264Track) StreamID() string          { return "sharpeyes" }
func (t *h264Track) Kind() webrtc.RTPCodecType { return webrtc.RTPCodecTypeVideo }

// binding returns what the send loop needs after Bind.
func (t *h264Track) binding() (singleNAL bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.singleNAL
}

// writeUnit sends the payloads of one access unit with RTP timestamp ts and returns the
// bytes sent (RTP headers plus payloads).
func (t *h264Track) writeUnit(payloads [][]byte, ts uint32) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ws == nil {
		return 0, nil
	}
	sent := 0
	for i, p := range payloads {
		h := rtp.Header{
			Version:        2,
			Marker:         i == len(payloads)-1,
			PayloadType:    t.pt,
			SequenceNumber: t.seq,
			Timestamp:      ts,
			SSRC:           t.ssrc,
		}
		t.seq++
		if _, err := t.ws.WriteRTP(&h, p); err != nil {
			return sent, err
		}
		sent += h.MarshalSize() + len(p)
	}
	return sent, nil
}

// pickH264 returns the first negotiated H.264 codec with packetization-mode=1, else the
// first H.264 codec at all.
func pickH264(codecs []webrtc.RTPCodecParameters) (webrtc.RTPCodecParameters, bool) {
	var fallback *webrtc.RTPCodecParameters
	for i, c := range codecs {
		if !strings.EqualFold(c.MimeType, webrtc.MimeTypeH264) {
			continue
		}
		if fmtpValue(c.SDPFmtpLine, "packetization-mode") == "1" {
			return c, true
		}
		if fallback == nil {
			fallback = &codecs[i]
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return webrtc.RTPCodecParameters{}, false
}

// fmtpValue returns the value of key in an fmtp line like "a=1;b=2" ("" when absent;
// packetization-mode defaults to 0 by RFC 6184).
func fmtpValue(line, key string) string {
	for part := range strings.SplitSeq(line, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
