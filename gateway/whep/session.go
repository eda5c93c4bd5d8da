package whep

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// session is one viewer: a pion peer connection with one sendonly H.264 track, fed by a
// Reader of the camera's stream.
//
// Goroutines: run (owner: the Server, via wg) which starts and waits for readRTCP; pion's
// own goroutines end with pc.Close, which run calls. The session ends exactly once (the
// first cause passed to end wins); run then closes the peer connection, calls Release
// once, and leaves the registry.
type session struct {
	id         string
	etag       string
	camera     string
	remoteAddr string
	started    time.Time
	srv        *Server
	src        Source
	offer      offerInfo
	pc         *webrtc.PeerConnection
	sender     *webrtc.RTPSender
	track      *h264Track
	m          cameraMetrics
	log        *slog.Logger

	ctx       context.Context
	end       context.CancelCauseFunc // ends the session with a cause; idempotent
	connected chan struct{}           // closed when the peer connection is up
	connOnce  sync.Once
	done      chan struct{} // closed when run returned

	bytes        atomic.Uint64
	keyframeReqs atomic.Uint64
	writeErrors  atomic.Uint64
	isConnected  atomic.Bool
}

// newSession builds the peer connection, applies the offer and waits for ICE gathering.
// On error nothing is left running; the caller still owns src.
func (s *Server) newSession(ctx context.Context, src Source, info offerInfo, offerSDP, remoteAddr string) (*session, error) {
	id := newID()
	sess := &session{
		id:         id,
		etag:       `"` + newID()[:16] + `"`,
		camera:     src.CameraID(),
		remoteAddr: remoteAddr,
		started:    time.Now(),
		srv:        s,
		src:        src,
		offer:      info,
		track:      newH264Track(randomUint16()),
		m:          s.metrics.camera(src.CameraID()),
		log:        s.log.With("camera", src.CameraID(), "session", id[:8]),
		connected:  make(chan struct{}),
		done:       make(chan struct{}),
	}
	sess.ctx, sess.end = context.WithCancelCause(context.Background())

	pc, err := s.api.NewPeerConnection(webrtc.Configuration{ICEServers: s.iceServers})
	if err != nil {
		sess.end(nil)
		return nil, fmt.Errorf("create peer connection: %w", err)
	}
	sess.pc = pc
	if err := sess.negotiate(ctx, offerSDP); err != nil {
		sess.end(nil)
		_ = pc.Close()
		return nil, err
	}
	return sess, nil
}

// negotiate adds the track, applies the offer, creates the answer and waits for gathering.
func (sess *session) negotiate(ctx context.Context, offerSDP string) error {
	tr, err := sess.pc.AddTransceiverFromTrack(sess.track,
		webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return fmt.Errorf("add video track: %w", err)
	}
	sess.sender = tr.Sender()
	sess.pc.OnConnectionStateChange(sess.onState)

	err = sess.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offerSDP})
	if err != nil {
		return fmt.Errorf("%w: %w", errBadOffer, err)
	}
	ans, err := sess.pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("%w: create answer: %w", errBadOffer, err)
	}
	gathered := webrtc.GatheringCompletePromise(sess.pc)
	if err := sess.pc.SetLocalDescription(ans); err != nil {
		return fmt.Errorf("set local description: %w", err)
	}
	timer := time.NewTimer(sess.srv.cfg.GatherTimeout)
	defer timer.Stop()
	select {
	case <-gathered:
		return nil
	case <-timer.C:
		return errors.New("ICE gathering did not complete in time")
	case <-ctx.Done():
		return fmt.Errorf("waiting for ICE gathering: %w", ctx.Err())
	}
}

// onState runs on pion's goroutines and must not block.
func (sess *session) onState(st webrtc.PeerConnectionState) {
	switch st {
	case webrtc.PeerConnectionStateConnected:
		sess.isConnected.Store(true)
		sess.connOnce.Do(func() { close(sess.connected) })
	case webrtc.PeerConnectionStateDisconnected:
		sess.isConnected.Store(false)
	case webrtc.PeerConnectionStateFailed:
		sess.end(errICEFailed)
	case webrtc.PeerConnectionStateClosed:
		sess.end(errPeerClosed)
	}
}

// run is the session's goroutine: it sends media until the session ends, then tears down.
func (sess *session) run() {
	defer close(sess.done)
	defer sess.srv.remove(sess)

	rtcpDone := make(chan struct{})
	go func() {
		defer close(rtcpDone)
		sess.readRTCP()
	}()

	err := sess.send()
	sess.end(err)
	cause := context.Cause(sess.ctx)

	if err := sess.pc.Close(); err != nil {
		sess.log.Debug("closing peer connection", "error", err)
	}
	<-rtcpDone
	sess.src.Release()
	sess.m.sessions.Dec()
	sess.log.Info("viewer session ended", "reason", cause.Error(), "bytes", sess.bytes.Load(),
		"keyframe_requests", sess.keyframeReqs.Load(), "write_errors", sess.writeErrors.Load(),
		"duration", time.Since(sess.started).Round(time.Millisecond))
}

// readRTCP drains the sender's RTCP (the interceptors answer NACKs on the way) and counts
// keyframe requests. It returns when the peer connection closes.
func (sess *session) readRTCP() {
	for {
		pkts, _, err := sess.sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				sess.keyframeReqs.Add(1)
				sess.m.keyframeRequests.Inc()
			}
		}
	}
}

// addCandidates applies a trickle-ICE fragment.
func (sess *session) addCandidates(frag *sdpFrag) error {
	if u := frag.ufrag(); u != "" && u != sess.offer.ufrag {
		return errICERestart
	}
	cands, end := frag.candidates()
	for _, c := range cands {
		if err := sess.pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: c}); err != nil {
			return fmt.Errorf("%w: %w", errBadFrag, err)
		}
	}
	if end {
		if err := sess.pc.AddICECandidate(webrtc.ICECandidateInit{}); err != nil {
			return fmt.Errorf("%w: end of candidates: %w", errBadFrag, err)
		}
	}
	return nil
}

func (sess *session) info() SessionInfo {
	return SessionInfo{
		ID:         sess.id,
		CameraID:   sess.camera,
		RemoteAddr: sess.remoteAddr,
		Started:    sess.started,
		Connected:  sess.isConnected.Load(),
		BytesSent:  sess.bytes.Load(),
	}
}

func randomUint16() uint16 {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint16(b[:])
}
