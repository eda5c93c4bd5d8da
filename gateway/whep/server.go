// Package whep relays camera H.264 to browsers over WebRTC (WHEP, draft-ietf-wish-whep)
// without decoding or re-encoding: one pion peer connection per viewer, fed from the
// camera's streams.Stream through the viewer's own bounded reader.
package whep

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// Server is the registry of WHEP sessions. It owns every session's goroutines and peer
// connection; Close ends them all and waits. Sessions are added by HTTP requests (see
// NewHandler) and end on DELETE, ICE failure, peer close, source end or Close.
type Server struct {
	cfg        Config
	log        *slog.Logger
	api        *webrtc.API
	udpMux     io.Closer // nil without Config.UDPListen
	udpAddr    net.Addr
	metrics    *metrics
	iceServers []webrtc.ICEServer

	mu       sync.Mutex // guards the fields below; short critical sections only
	sessions map[string]*session
	closed   bool
	wg       sync.WaitGroup // one per registered session, done when its goroutines exited
}

// SessionInfo describes an open session for operators.
type SessionInfo struct {
	ID         string
	CameraID   string
	RemoteAddr string // the HTTP client that created it
	Started    time.Time
	Connected  bool
	BytesSent  uint64 // RTP bytes before SRTP
}

// NewServer validates cfg, opens the UDP mux socket when configured and returns a server.
// The caller owns it and calls Close.
func NewServer(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger.With("component", "whep"),
		metrics:  m,
		sessions: make(map[string]*session),
	}
	for _, ice := range cfg.ICEServers {
		s.iceServers = append(s.iceServers, webrtc.ICEServer{
			URLs: ice.URLs, Username: ice.Username, Credential: ice.Credential,
		})
	}
	var conn net.PacketConn
	if cfg.UDPListen != "" {
		conn, err = net.ListenPacket("udp", cfg.UDPListen)
		if err != nil {
			return nil, fmt.Errorf("whep: listen for ICE on UDP %s: %w", cfg.UDPListen, err)
		}
		s.udpAddr = conn.LocalAddr()
	}
	s.api, s.udpMux, err = newAPI(cfg, conn)
	if err != nil {
		if conn != nil {
			_ = conn.Close()
		}
		return nil, err
	}
	return s, nil
}

// UDPAddr returns the ICE UDP mux address, nil without Config.UDPListen.
func (s *Server) UDPAddr() net.Addr { return s.udpAddr }

// Close ends every session (each calls its Source's Release) and waits for their
// goroutines, then closes the UDP mux. Later offers get 503. It is idempotent.
func (s *Server) Close() {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	open := make([]*session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		open = append(open, sess)
	}
	s.mu.Unlock()

	for _, sess := range open {
		sess.end(errServerClosed)
	}
	s.wg.Wait()
	if !already && s.udpMux != nil {
		_ = s.udpMux.Close()
	}
}

// Sessions lists the open sessions, oldest first.
func (s *Server) Sessions() []SessionInfo {
	s.mu.Lock()
	out := make([]SessionInfo, 0, len(s.sessions))
	for _, sess := range s.sessions {
		out = append(out, sess.info())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b SessionInfo) int { return a.Started.Compare(b.Started) })
	return out
}

// ForgetCamera deletes a removed camera's metric series. Its sessions end on their own
// when its stream closes.
func (s *Server) ForgetCamera(cameraID string) { s.metrics.forget(cameraID) }

// answer is what a successful offer returns to the HTTP layer.
type answer struct {
	sessionID string
	etag      string
	sdp       string
}

// offer creates a session for req from the viewer's SDP offer and returns the answer once
// ICE gathering is complete (no trickle needed by the viewer).
func (s *Server) offer(ctx context.Context, req Request, offerSDP, remoteAddr string) (answer, error) {
	if req.Stream != "" && req.Stream != "main" && req.Stream != "sub" {
		return answer{}, errBadStream
	}
	if err := s.admit(); err != nil {
		return answer{}, err
	}
	info, err := checkOffer(offerSDP)
	if err != nil {
		return answer{}, err
	}
	src, err := s.cfg.Lookup(ctx, req)
	if err != nil {
		return answer{}, fmt.Errorf("camera %q: %w", req.CameraID, err)
	}
	if src == nil {
		return answer{}, fmt.Errorf("camera %q: %w", req.CameraID, ErrNotFound)
	}
	if src.Codec() == unit.CodecH265 {
		src.Release()
		return answer{}, errH265
	}
	sess, err := s.newSession(ctx, src, info, offerSDP, remoteAddr)
	if err != nil {
		src.Release()
		return answer{}, err
	}
	if err := s.register(sess); err != nil {
		_ = sess.pc.Close()
		src.Release()
		return answer{}, err
	}
	return answer{sessionID: sess.id, etag: sess.etag, sdp: sess.pc.LocalDescription().SDP}, nil
}

// admit refuses new sessions while closing or at the cap (checked again in register).
func (s *Server) admit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.admitLocked()
}

// admitLocked is admit with s.mu held.
func (s *Server) admitLocked() error {
	switch {
	case s.closed:
		return errServerClosed
	case len(s.sessions) >= s.cfg.MaxSessions:
		return errTooManySessions
	}
	return nil
}

// register adds sess to the registry and starts its goroutine, unless the server closed
// or filled up meanwhile.
func (s *Server) register(sess *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.admitLocked(); err != nil {
		return err
	}
	s.sessions[sess.id] = sess
	s.wg.Add(1)
	s.metrics.sessionsTotal.WithLabelValues(sess.camera).Inc()
	sess.m.sessions.Inc()
	sess.log.Info("viewer session started", "remote", sess.remoteAddr)
	go sess.run()
	return nil
}

// remove is called by a session's goroutine as its last step.
func (s *Server) remove(sess *session) {
	s.mu.Lock()
	delete(s.sessions, sess.id)
	s.mu.Unlock()
	s.wg.Done()
}

func (s *Server) lookupSession(id string) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return nil, errSessionNotFound
	}
	return sess, nil
}

// trickle adds the remote candidates of frag to session id. ifMatch is the request's
// If-Match header ("" when absent).
func (s *Server) trickle(id, ifMatch string, frag *sdpFrag) error {
	sess, err := s.lookupSession(id)
	if err != nil {
		return err
	}
	if ifMatch != "" && ifMatch != "*" && ifMatch != sess.etag {
		return errETagMismatch
	}
	return sess.addCandidates(frag)
}

// deleteSession ends session id and waits until it is gone.
func (s *Server) deleteSession(ctx context.Context, id string) error {
	sess, err := s.lookupSession(id)
	if err != nil {
		return err
	}
	sess.end(errDeleted)
	select {
	case <-sess.done:
	case <-ctx.Done():
	}
	return nil
}

// newID returns a random, unguessable session ID (128 bits, base32).
func newID() string { return rand.Text() }
