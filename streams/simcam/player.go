package simcam

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

const clockRate = 90000 // RTP clock of H.264 and H.265

// pathStream is the gortsplib stream of one path and the RTP encoder feeding it.
type pathStream struct {
	clip   *clip
	stream *gortsplib.ServerStream
	media  *description.Media
	encode func(au [][]byte) ([]*rtp.Packet, error)
}

func newPathStream(srv *gortsplib.Server, c *clip, omitParams bool) (*pathStream, error) {
	ps := &pathStream{clip: c}
	var forma format.Format
	switch c.codec {
	case unit.CodecH265:
		f := &format.H265{PayloadTyp: 96}
		if !omitParams {
			f.VPS, f.SPS, f.PPS = c.vps, c.sps, c.pps
		}
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, err
		}
		forma, ps.encode = f, enc.Encode
	default:
		f := &format.H264{PayloadTyp: 96, PacketizationMode: 1}
		if !omitParams {
			f.SPS, f.PPS = c.sps, c.pps
		}
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, err
		}
		forma, ps.encode = f, enc.Encode
	}
	ps.media = &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{forma}}
	ps.stream = &gortsplib.ServerStream{
		Server: srv,
		Desc:   &description.Session{Medias: []*description.Media{ps.media}},
	}
	if err := ps.stream.Initialize(); err != nil {
		return nil, err
	}
	return ps, nil
}

// player is the goroutine that plays one clip in a loop, in real time.
type player struct {
	ps       *pathStream
	srPeriod time.Duration
	onFrame  func(index int, capture time.Time)
	log      *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}

	// last frame sent, for sender reports; only the player goroutine touches these.
	sent    bool
	ssrc    uint32
	lastRTP uint32
	lastNTP time.Time
	packets uint32
	octets  uint32
}

func newPlayer(ps *pathStream, srPeriod time.Duration, onFrame func(int, time.Time), log *slog.Logger) *player {
	ctx, cancel := context.WithCancel(context.Background())
	p := &player{ps: ps, srPeriod: srPeriod, onFrame: onFrame, log: log, cancel: cancel, done: make(chan struct{})}
	go p.run(ctx)
	return p
}

func (p *player) close() {
	p.cancel()
	<-p.done
}

// run sends the clip's units one per frame period. The frame number follows the wall clock,
// so a late tick skips timestamps (as a camera under load would) while the pictures stay in
// decoding order; the RTP timestamp and the NTP time derive from the same frame number.
func (p *player) run(ctx context.Context) {
	defer close(p.done)

	fps := p.ps.clip.fps
	period := time.Duration(float64(time.Second) / fps)
	frames := time.NewTicker(period)
	defer frames.Stop()
	var reports <-chan time.Time
	if p.srPeriod > 0 {
		t := time.NewTicker(p.srPeriod)
		defer t.Stop()
		reports = t.C
	}

	tsBase := rand.Uint32()
	start := time.Now()
	frameNo := int64(0)
	for i := 0; ; i++ {
		offset := time.Duration(float64(frameNo) / fps * float64(time.Second))
		ts := tsBase + uint32(int64(float64(frameNo)*clockRate/fps))
		idx := i % len(p.ps.clip.aus)
		p.sendFrame(p.ps.clip.aus[idx], ts, start.Add(offset))
		if p.onFrame != nil {
			p.onFrame(idx, start.Add(offset))
		}

		if !p.wait(ctx, frames.C, reports) {
			return
		}
		next := int64(time.Since(start).Seconds() * fps)
		frameNo = max(frameNo+1, next)
		// A tick can come early (timers coalesce under load): never stamp a picture
		// with a capture time still in the future.
		due := start.Add(time.Duration(float64(frameNo) / fps * float64(time.Second)))
		if early := time.Until(due); early > 0 && !sleepCtx(ctx, early) {
			return
		}
	}
}

// wait blocks until the next frame tick, sending sender reports meanwhile. It returns false
// when ctx ends.
func (p *player) wait(ctx context.Context, frames, reports <-chan time.Time) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-frames:
			return true
		case <-reports:
			p.sendReport()
		}
	}
}

func (p *player) sendFrame(au [][]byte, ts uint32, ntp time.Time) {
	pkts, err := p.ps.encode(au)
	if err != nil {
		p.log.Error("cannot packetise access unit", "error", err)
		return
	}
	for _, pkt := range pkts {
		pkt.Timestamp = ts
		if err := p.ps.stream.WritePacketRTPWithNTP(p.ps.media, pkt, ntp); err != nil {
			continue // only fails once the stream is closed, just before the player stops
		}
		// the stream stamps its SSRC into pkt; sender reports must use the same one.
		p.ssrc = pkt.SSRC
		p.packets++
		p.octets += uint32(len(pkt.Payload))
	}
	p.sent = true
	p.lastRTP = ts
	p.lastNTP = ntp
}

// sendReport sends an RTCP sender report pairing the last frame's RTP timestamp with its
// wall-clock time, in standard NTP format (RFC 3550 section 6.4.1).
func (p *player) sendReport() {
	if !p.sent {
		return
	}
	sr := &rtcp.SenderReport{
		SSRC:        p.ssrc,
		NTPTime:     ntpTimestamp(p.lastNTP),
		RTPTime:     p.lastRTP,
		PacketCount: p.packets,
		OctetCount:  p.octets,
	}
	_ = p.ps.stream.WritePacketRTCP(p.ps.media, sr) // fails only once the stream is closed
}

// ntpTimestamp encodes t as 32.32 fixed-point seconds since 1900.
func ntpTimestamp(t time.Time) uint64 {
	const unixToNTP = 2208988800
	ns := uint64(t.UnixNano()) + unixToNTP*uint64(time.Second)
	secs := ns / uint64(time.Second)
	frac := (ns % uint64(time.Second)) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// sleepCtx waits for d or until ctx ends; it reports whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
