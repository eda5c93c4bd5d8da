// Package simcam simulates RTSP cameras: a gortsplib server that loops H.264/H.265 clips in
// real time, with RTCP sender reports, optional credentials, and UDP and TCP transports.
// Tests and the demo compose use it in place of real cameras.
package simcam

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/auth"
)

// DefaultSenderReportPeriod is how often a path sends RTCP sender reports unless configured.
// Real cameras send them every few seconds; one second keeps tests quick.
const DefaultSenderReportPeriod = time.Second

// Config holds the server settings. Zero values take the defaults noted.
type Config struct {
	// Listen is the RTSP (TCP) address; default "127.0.0.1:0". Port 0 picks a free port,
	// and restarts reuse the port picked first.
	Listen string
	// UDPRTPAddress is the RTP address for the UDP transport, with an even port; RTCP uses
	// the next port. Empty picks a free pair on Listen's host.
	UDPRTPAddress string
	// DisableUDP leaves only the TCP (interleaved) transport.
	DisableUDP bool
	// User and Pass, when User is set, are required on DESCRIBE and SETUP.
	User string
	Pass string
	// AuthMethods offered to clients; default basic and digest (MD5).
	AuthMethods []auth.VerifyMethod
	// SenderReportPeriod between RTCP sender reports; default DefaultSenderReportPeriod,
	// negative disables them.
	SenderReportPeriod time.Duration
	// OmitSDPParams keeps the parameter sets out of the SDP, so clients must take them
	// from the stream (the clip's first keyframe carries them).
	OmitSDPParams bool
	// OnFrame, when set, is called on the path's player goroutine for every picture
	// sent: the path, the picture's index in the clip and the capture time its RTP
	// timestamp and sender reports stand for. Tests use it to map clip ground truth
	// to wall-clock frame times. It must return quickly.
	OnFrame func(path string, index int, capture time.Time)
	// Logger defaults to discarding.
	Logger *slog.Logger
}

// Server serves clips on RTSP paths. It can be started again after Close, on the same ports,
// to simulate a camera reboot.
type Server struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex // serialises AddClip, Start and Close
	clips   map[string]*clip
	running bool
	rtsp    *gortsplib.Server
	players []*player
	tcpAddr string // bound on the first Start, reused afterwards
	rtpAddr string

	pathsMu sync.RWMutex // read by gortsplib's connection goroutines
	paths   map[string]*pathStream
}

// New returns a stopped server.
func New(cfg Config) *Server {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.SenderReportPeriod == 0 {
		cfg.SenderReportPeriod = DefaultSenderReportPeriod
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{
		cfg:   cfg,
		log:   log.With("component", "simcam"),
		clips: make(map[string]*clip),
	}
}

// AddClip serves the Annex-B file on path, looped at fps. The file needs no B-frames; its
// codec comes from the extension (.h265/.hevc/.265 for H.265, else H.264). Access units are
// split on delimiters, or on picture starts when the file has none. Call before Start.
func (s *Server) AddClip(path, file string, fps float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return errors.New("simcam: AddClip after Start")
	}
	c, err := loadClip(file, fps)
	if err != nil {
		return err
	}
	s.clips[strings.Trim(path, "/")] = c
	return nil
}

// Start binds the sockets and starts streaming every clip.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return errors.New("simcam: already started")
	}

	ls, err := s.listen()
	if err != nil {
		return err
	}
	srv := &gortsplib.Server{
		Handler:                  &handler{s: s},
		RTSPAddress:              ls.tcp.Addr().String(),
		AuthMethods:              s.cfg.AuthMethods,
		DisableRTCPSenderReports: true, // we send our own, see player.sendReport
		Listen:                   ls.listenTCP,
		ListenPacket:             ls.listenUDP,
	}
	if ls.rtp != nil {
		srv.UDPRTPAddress = ls.rtp.LocalAddr().String()
		srv.UDPRTCPAddress = ls.rtcp.LocalAddr().String()
	}
	if err := srv.Start(); err != nil {
		ls.close()
		return fmt.Errorf("start RTSP server on %s: %w", srv.RTSPAddress, err)
	}
	s.tcpAddr, s.rtpAddr = srv.RTSPAddress, srv.UDPRTPAddress
	s.rtsp = srv

	paths := make(map[string]*pathStream, len(s.clips))
	for path, c := range s.clips {
		ps, err := newPathStream(srv, c, s.cfg.OmitSDPParams)
		if err != nil {
			s.stopLocked(paths)
			return fmt.Errorf("path %q: %w", path, err)
		}
		paths[path] = ps
		var onFrame func(int, time.Time)
		if f := s.cfg.OnFrame; f != nil {
			onFrame = func(i int, t time.Time) { f(path, i, t) }
		}
		p := newPlayer(ps, s.cfg.SenderReportPeriod, onFrame, s.log.With("path", path))
		s.players = append(s.players, p)
	}
	s.pathsMu.Lock()
	s.paths = paths
	s.pathsMu.Unlock()

	s.running = true
	s.log.Info("camera simulator started", "rtsp", s.tcpAddr, "udp_rtp", s.rtpAddr, "paths", len(paths))
	return nil
}

// Addr returns the bound RTSP address ("host:port"), empty before the first Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tcpAddr
}

// URL returns the rtsp:// URL of path, with the credentials when the server has them.
func (s *Server) URL(path string) string {
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := url.URL{Scheme: "rtsp", Host: net.JoinHostPort(host, port), Path: "/" + strings.Trim(path, "/")}
	if s.cfg.User != "" {
		u.User = url.UserPassword(s.cfg.User, s.cfg.Pass)
	}
	return u.String()
}

// Close stops streaming, disconnects every client and releases the ports. It waits for all
// goroutines and is a no-op on a stopped server.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	s.pathsMu.Lock()
	paths := s.paths
	s.paths = nil
	s.pathsMu.Unlock()

	s.stopLocked(paths)
	s.running = false
	s.log.Info("camera simulator stopped", "rtsp", s.tcpAddr)
}

// stopLocked stops players, then streams, then the RTSP server. Called with s.mu held.
func (s *Server) stopLocked(paths map[string]*pathStream) {
	for _, p := range s.players {
		p.close()
	}
	s.players = nil
	for _, ps := range paths {
		ps.stream.Close()
	}
	s.rtsp.Close()
	s.rtsp = nil
}

func (s *Server) lookup(path string) (*pathStream, bool) {
	s.pathsMu.RLock()
	defer s.pathsMu.RUnlock()
	ps, ok := s.paths[strings.Trim(path, "/")]
	return ps, ok
}

// listen opens the sockets: on the addresses bound before when restarting, otherwise on
// the configured ones.
func (s *Server) listen() (*listeners, error) {
	tcpAddr := s.cfg.Listen
	if s.tcpAddr != "" {
		tcpAddr = s.tcpAddr
	}
	ls := &listeners{}
	var err error
	ls.tcp, err = net.Listen("tcp", tcpAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", tcpAddr, err)
	}
	if s.cfg.DisableUDP {
		return ls, nil
	}

	rtpAddr := s.cfg.UDPRTPAddress
	if s.rtpAddr != "" {
		rtpAddr = s.rtpAddr
	}
	if rtpAddr == "" {
		host, _, _ := net.SplitHostPort(s.cfg.Listen)
		ls.rtp, ls.rtcp, err = pickUDPPair(host)
	} else {
		ls.rtp, ls.rtcp, err = listenUDPPair(rtpAddr)
	}
	if err != nil {
		ls.close()
		return nil, err
	}
	return ls, nil
}
