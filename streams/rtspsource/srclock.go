package rtspsource

import (
	"sync"
	"time"

	"github.com/pion/rtcp"
)

// srClock maps RTP timestamps to wall-clock time from the camera's RTCP sender reports.
//
// gortsplib v4.16.2 has Client.PacketNTP for this, but it reads the low 32 bits of the NTP
// timestamp as nanoseconds instead of a binary fraction (its own server writes them the same
// way), which puts real cameras up to 3.3 s off. This clock decodes RFC 3550 NTP properly.
//
// RTP and RTCP may arrive on different goroutines (UDP), hence the mutex.
type srClock struct {
	clockRate int

	mu      sync.Mutex
	rtpSSRC uint32 // SSRC of the latest RTP packet
	haveRTP bool
	srSSRC  uint32
	srNTP   time.Time
	srRTP   uint32
	haveSR  bool
}

// noteRTP records the SSRC of an incoming RTP packet; a sender report only applies to it.
func (c *srClock) noteRTP(ssrc uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rtpSSRC, c.haveRTP = ssrc, true
}

// onRTCP takes in a sender report.
func (c *srClock) onRTCP(pkt rtcp.Packet) {
	sr, ok := pkt.(*rtcp.SenderReport)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.srSSRC = sr.SSRC
	c.srNTP = ntpTime(sr.NTPTime)
	c.srRTP = sr.RTPTime
	c.haveSR = true
}

// at returns the wall-clock time of RTP timestamp ts, once a sender report for the current
// SSRC has arrived.
func (c *srClock) at(ts uint32) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.haveSR || c.clockRate <= 0 || (c.haveRTP && c.srSSRC != c.rtpSSRC) {
		return time.Time{}, false
	}
	diff := time.Duration(int32(ts - c.srRTP)) // signed: the unit may precede the report
	return c.srNTP.Add(diff * time.Second / time.Duration(c.clockRate)), true
}

// ntpTime decodes a 32.32 fixed-point NTP timestamp (seconds since 1900).
// Era rollover (year 2036) is not handled.
func ntpTime(v uint64) time.Time {
	const unixToNTP = 2208988800
	secs := int64(v>>32) - unixToNTP
	nanos := int64((v & 0xffffffff) * uint64(time.Second) >> 32)
	return time.Unix(secs, nanos)
}
