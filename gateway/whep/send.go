package whep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// backlogger is implemented by readers that can tell how many units are queued
// (*streams.Reader does); it lets the session recognise the cached GOP.
type backlogger interface{ Len() int }

// send waits for the peer connection, then forwards access units until the session ends.
// It returns why it stopped (nil when the session was ended from outside).
func (sess *session) send() error {
	if err := sess.waitConnected(); err != nil {
		return err
	}
	connectedAt := time.Now()
	r := sess.src.NewReader(sess.srv.cfg.QueueSize)
	defer r.Close()

	fw := forwarder{
		track: sess.track,
		pk:    h264Packetizer{singleNAL: sess.track.binding()},
		burst: -1,
	}
	for {
		u, err := r.Next(sess.ctx)
		if err != nil {
			if sess.ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%w: %w", errSourceEnded, err)
		}
		if u.Codec == unit.CodecH265 {
			return errH265
		}
		if fw.burst < 0 && !u.Keyframe {
			continue // a reader's first unit is a keyframe; be safe with other Readers
		}
		burst := fw.burst > 0
		switch {
		case fw.burst < 0: // the first keyframe: what is queued behind it is the cached GOP
			fw.burst = 0
			if b, ok := r.(backlogger); ok {
				fw.burst = b.Len()
			}
		case burst:
			fw.burst--
		}
		now := time.Now()
		n, err := fw.write(u, now, burst)
		if !burst && fw.keyframeSent && !u.CaptureTime.IsZero() {
			sess.m.relayDelay.Observe(max(0, now.Sub(u.CaptureTime).Seconds()))
		}
		sess.bytes.Add(uint64(n)) //nolint:gosec // n >= 0
		sess.m.rtpBytes.Add(float64(n))
		if err != nil {
			if errors.Is(err, io.ErrClosedPipe) {
				return errPeerClosed
			}
			sess.writeErrors.Add(1) // transient socket errors; NACKs repair what they can
		}
		if u.Keyframe && !fw.keyframeSent {
			fw.keyframeSent = true
			sess.m.firstKeyframe.Observe(time.Since(connectedAt).Seconds())
		}
	}
}

// waitConnected waits until ICE and DTLS are up and the track is bound, at most
// Config.ConnectTimeout.
func (sess *session) waitConnected() error {
	ctx, cancel := context.WithTimeoutCause(sess.ctx, sess.srv.cfg.ConnectTimeout, errConnectTimeout)
	defer cancel()
	for _, ch := range []<-chan struct{}{sess.connected, sess.track.bound} {
		select {
		case <-ch:
		case <-ctx.Done():
			if sess.ctx.Err() != nil {
				return nil // ended from outside; the cause is already set
			}
			return context.Cause(ctx)
		}
	}
	return nil
}

// forwarder is the send loop's state: the viewer's RTP clock and packetizer.
type forwarder struct {
	track        *h264Track
	pk           h264Packetizer
	tl           timeline
	burst        int // units of the cached GOP still to send compressed; -1 before the first keyframe
	keyframeSent bool
}

// write sends one access unit and returns the RTP bytes written (headers plus payloads).
func (fw *forwarder) write(u *unit.AccessUnit, now time.Time, burst bool) (int, error) {
	ts := fw.tl.stamp(u, now, burst)
	payloads := fw.pk.packetize(u.NALUs)
	return fw.track.writeUnit(payloads, ts)
}
