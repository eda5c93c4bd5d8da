package whep

import (
	"fmt"
	"strings"

	"github.com/pion/webrtc/v4"
)

// offerInfo is what the server checks and keeps from a viewer's offer.
type offerInfo struct {
	ufrag string // the viewer's ICE username fragment, to tell trickle from restart
}

// checkOffer parses an SDP offer and requires a video m-line that can receive H.264.
func checkOffer(offer string) (offerInfo, error) {
	desc := webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}
	parsed, err := desc.Unmarshal()
	if err != nil {
		return offerInfo{}, fmt.Errorf("%w: %w", errBadOffer, err)
	}
	info := offerInfo{}
	if v, ok := parsed.Attribute("ice-ufrag"); ok {
		info.ufrag = v
	}
	found := false
	for _, m := range parsed.MediaDescriptions {
		if info.ufrag == "" {
			if v, ok := m.Attribute("ice-ufrag"); ok {
				info.ufrag = v
			}
		}
		if found || m.MediaName.Media != "video" || m.MediaName.Port.Value == 0 {
			continue
		}
		if _, sendonly := m.Attribute("sendonly"); sendonly {
			continue
		}
		if _, inactive := m.Attribute("inactive"); inactive {
			continue
		}
		for _, a := range m.Attributes {
			if a.Key != "rtpmap" {
				continue
			}
			if _, enc, ok := strings.Cut(a.Value, " "); ok && strings.HasPrefix(strings.ToUpper(enc), "H264/90000") {
				found = true
				break
			}
		}
	}
	if !found {
		return offerInfo{}, errNoH264
	}
	return info, nil
}
