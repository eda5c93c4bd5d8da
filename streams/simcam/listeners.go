package simcam

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// listeners are the sockets of one run. They are opened before gortsplib starts, so that
// port 0 works and the bound ports are known; gortsplib takes them over through its
// Listen and ListenPacket hooks and closes them.
type listeners struct {
	tcp       net.Listener
	rtp, rtcp *net.UDPConn
}

func (ls *listeners) listenTCP(_, _ string) (net.Listener, error) {
	if ls.tcp == nil {
		return nil, errors.New("simcam: TCP listener already handed over")
	}
	l := ls.tcp
	ls.tcp = nil
	return l, nil
}

func (ls *listeners) listenUDP(_, address string) (net.PacketConn, error) {
	switch {
	case ls.rtp != nil && address == ls.rtp.LocalAddr().String():
		c := ls.rtp
		ls.rtp = nil
		return c, nil
	case ls.rtcp != nil && address == ls.rtcp.LocalAddr().String():
		c := ls.rtcp
		ls.rtcp = nil
		return c, nil
	}
	return nil, fmt.Errorf("simcam: no UDP socket prepared for %s", address)
}

// close releases the sockets gortsplib has not taken over.
func (ls *listeners) close() {
	if ls.tcp != nil {
		ls.tcp.Close()
	}
	if ls.rtp != nil {
		ls.rtp.Close()
	}
	if ls.rtcp != nil {
		ls.rtcp.Close()
	}
}

// listenUDPPair binds the RTP address (even port) and RTCP on the next port.
func listenUDPPair(rtpAddr string) (*net.UDPConn, *net.UDPConn, error) {
	host, portStr, err := net.SplitHostPort(rtpAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("UDP RTP address %q: %w", rtpAddr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port%2 != 0 || port > 65534 {
		return nil, nil, fmt.Errorf("UDP RTP address %q: port must be even and in 2..65534", rtpAddr)
	}
	rtp, err := listenUDP(host, port)
	if err != nil {
		return nil, nil, fmt.Errorf("listen UDP RTP: %w", err)
	}
	rtcp, err := listenUDP(host, port+1)
	if err != nil {
		rtp.Close()
		return nil, nil, fmt.Errorf("listen UDP RTCP: %w", err)
	}
	return rtp, rtcp, nil
}

// pickUDPPair finds a free even/odd port pair on host.
func pickUDPPair(host string) (*net.UDPConn, *net.UDPConn, error) {
	for range 100 {
		probe, err := listenUDP(host, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("listen UDP: %w", err)
		}
		port := probe.LocalAddr().(*net.UDPAddr).Port
		var rtp, rtcp *net.UDPConn
		if port%2 == 0 {
			rtp = probe
			rtcp, err = listenUDP(host, port+1)
		} else {
			rtcp = probe
			rtp, err = listenUDP(host, port-1)
		}
		if err == nil {
			return rtp, rtcp, nil
		}
		probe.Close()
	}
	return nil, nil, errors.New("no free UDP port pair for RTP/RTCP")
}

func listenUDP(host string, port int) (*net.UDPConn, error) {
	addr, err := net.ResolveUDPAddr("udp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	return net.ListenUDP("udp", addr)
}
