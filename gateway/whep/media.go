package whep

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// h264Profiles are the H.264 variants we answer with: browsers offer most of them, and a
// camera's stream is passed through whatever profile it has (decoders take any of these).
var h264Profiles = []struct {
	pt   webrtc.PayloadType
	fmtp string
}{
	{102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"},
	{104, "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f"},
	{106, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"},
	{108, "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"},
	{112, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f"},
	{114, "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f"},
	{116, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640032"},
	{118, "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=640032"},
}

// newMediaEngine registers H.264 only, with the feedback browsers use for video.
func newMediaEngine() (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	feedback := []webrtc.RTCPFeedback{
		{Type: webrtc.TypeRTCPFBNACK},
		{Type: webrtc.TypeRTCPFBNACK, Parameter: "pli"},
		{Type: webrtc.TypeRTCPFBCCM, Parameter: "fir"},
		{Type: webrtc.TypeRTCPFBGoogREMB},
	}
	for _, p := range h264Profiles {
		err := m.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType:     webrtc.MimeTypeH264,
				ClockRate:    90000,
				SDPFmtpLine:  p.fmtp,
				RTCPFeedback: feedback,
			},
			PayloadType: p.pt,
		}, webrtc.RTPCodecTypeVideo)
		if err != nil {
			return nil, fmt.Errorf("register H.264 %s: %w", p.fmtp, err)
		}
	}
	return m, nil
}

// iceKeepalive is how often an idle ICE pair is refreshed (no media while a camera reconnects).
const iceKeepalive = 2 * time.Second

// newAPI builds the pion API shared by a server's sessions: H.264, the NACK responder and
// RTCP reports, the ICE settings of cfg, and a UDP mux on udpConn when it is not nil.
// The returned closer (nil without udpConn) closes the mux.
func newAPI(cfg Config, udpConn net.PacketConn) (*webrtc.API, io.Closer, error) {
	m, err := newMediaEngine()
	if err != nil {
		return nil, nil, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(m, reg); err != nil {
		return nil, nil, fmt.Errorf("configure NACK: %w", err)
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, nil, fmt.Errorf("configure RTCP reports: %w", err)
	}

	se := webrtc.SettingEngine{}
	se.SetICETimeouts(cfg.ICEDisconnectedTimeout, cfg.ICEFailedTimeout, iceKeepalive)
	se.SetIncludeLoopbackCandidate(cfg.IncludeLoopback)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	rules, err := natRules(cfg.NAT1To1IPs)
	if err != nil {
		return nil, nil, err
	}
	if len(rules) > 0 {
		if err := se.SetICEAddressRewriteRules(rules...); err != nil {
			return nil, nil, fmt.Errorf("whep: nat_1to1_ips: %w", err)
		}
	}
	var closer io.Closer
	if udpConn != nil {
		mux := webrtc.NewICEUDPMux(nil, udpConn)
		se.SetICEUDPMux(mux)
		closer = mux
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg),
		webrtc.WithSettingEngine(se)), closer, nil
}

// natRules replaces the host candidates' addresses by the public ones, per address family
// (IPv4 publics rewrite IPv4 candidates only).
func natRules(ips []string) ([]webrtc.ICEAddressRewriteRule, error) {
	var v4, v6 []string
	for _, ip := range ips {
		parsed := net.ParseIP(ip)
		switch {
		case parsed == nil:
			return nil, fmt.Errorf("whep: nat_1to1_ips: %q is not an IP address", ip)
		case parsed.To4() != nil:
			v4 = append(v4, ip)
		default:
			v6 = append(v6, ip)
		}
	}
	var rules []webrtc.ICEAddressRewriteRule
	for _, fam := range []struct {
		ips []string
		net webrtc.NetworkType
	}{{v4, webrtc.NetworkTypeUDP4}, {v6, webrtc.NetworkTypeUDP6}} {
		if len(fam.ips) > 0 {
			rules = append(rules, webrtc.ICEAddressRewriteRule{
				External:        fam.ips,
				AsCandidateType: webrtc.ICECandidateTypeHost,
				Mode:            webrtc.ICEAddressRewriteReplace,
				Networks:        []webrtc.NetworkType{fam.net},
			})
		}
	}
	return rules, nil
}
