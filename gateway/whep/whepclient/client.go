// Package whepclient is a minimal WHEP viewer (draft-ietf-wish-whep): it plays one
// camera from a WHEP endpoint over a real pion peer connection and counts the frames it
// receives, without decoding them. Benchmarks, probes and tests use it as a viewer.
package whepclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Options tune a viewer.
type Options struct {
	// LoopbackOnly restricts ICE to 127.0.0.1 (tests and benchmarks on one host).
	LoopbackOnly bool
	// HTTP is the client for the WHEP requests (default http.DefaultClient).
	HTTP *http.Client
}

// Viewer is one playing WHEP session. Its goroutines (pion's, and one reading the
// track) end with Close.
type Viewer struct {
	pc       *webrtc.PeerConnection
	http     *http.Client
	session  string // absolute URL of the session resource
	started  time.Time
	frames   atomic.Int64
	keys     atomic.Int64
	bytes    atomic.Int64
	firstKey atomic.Int64 // ns after started; 0 until the first keyframe completes
	wg       sync.WaitGroup
	closed   sync.Once
}

// Dial offers to the WHEP endpoint url (e.g. http://host/api/v1/cameras/cam-1/whep)
// and returns once the answer is applied; frames follow when ICE and DTLS are up.
func Dial(ctx context.Context, url string, o Options) (*Viewer, error) {
	if o.HTTP == nil {
		o.HTTP = http.DefaultClient
	}
	pc, err := newPeerConnection(o)
	if err != nil {
		return nil, err
	}
	v := &Viewer{pc: pc, http: o.HTTP, started: time.Now()}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		v.wg.Add(1)
		go func() {
			defer v.wg.Done()
			v.read(tr)
		}()
	})
	if err := v.negotiate(ctx, url); err != nil {
		_ = pc.Close()
		v.wg.Wait()
		return nil, err
	}
	return v, nil
}

func newPeerConnection(o Options) (*webrtc.PeerConnection, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	if o.LoopbackOnly {
		se.SetIncludeLoopbackCandidate(true)
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	return api.NewPeerConnection(webrtc.Configuration{})
}

// negotiate sends the offer (after ICE gathering, so no trickle is needed) and
// applies the answer.
func (v *Viewer) negotiate(ctx context.Context, url string) error {
	if _, err := v.pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo,
		webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		return err
	}
	offer, err := v.pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(v.pc)
	if err := v.pc.SetLocalDescription(offer); err != nil {
		return err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return ctx.Err()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(v.pc.LocalDescription().SDP))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/sdp")
	resp, err := v.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("whep offer: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	loc, err := resp.Location()
	if err != nil {
		return fmt.Errorf("whep offer: answer without a session Location: %w", err)
	}
	v.session = loc.String()
	return v.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)})
}

// read counts frames (RTP marker bit = last packet of an access unit) until the
// track ends.
func (v *Viewer) read(tr *webrtc.TrackRemote) {
	key := false
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		v.bytes.Add(int64(len(p.Payload)))
		key = key || hasIDR(p)
		if p.Marker {
			v.frames.Add(1)
			if key {
				v.keys.Add(1)
				v.firstKey.CompareAndSwap(0, int64(time.Since(v.started)))
			}
			key = false
		}
	}
}

// hasIDR tells whether an H.264 RTP payload (single NAL, STAP-A or FU-A) carries an
// IDR slice or an SPS.
func hasIDR(p *rtp.Packet) bool {
	b := p.Payload
	if len(b) < 2 {
		return false
	}
	switch t := b[0] & 0x1f; t {
	case 5, 7:
		return true
	case 24: // STAP-A: 16-bit sizes, then NAL units
		for i := 1; i+2 < len(b); {
			n := int(b[i])<<8 | int(b[i+1])
			if i+2 < len(b) && (b[i+2]&0x1f == 5 || b[i+2]&0x1f == 7) {
				return true
			}
			i += 2 + n
		}
	case 28: // FU-A: the original type is in the FU header
		return b[1]&0x1f == 5
	}
	return false
}

// Frames returns the complete frames received so far.
func (v *Viewer) Frames() int64 { return v.frames.Load() }

// Keyframes returns the frames received so far that carried an IDR or SPS.
func (v *Viewer) Keyframes() int64 { return v.keys.Load() }

// Bytes returns the RTP payload bytes received so far.
func (v *Viewer) Bytes() int64 { return v.bytes.Load() }

// FirstKeyframe returns how long after Dial began the first keyframe was complete
// (0 while none has arrived).
func (v *Viewer) FirstKeyframe() time.Duration { return time.Duration(v.firstKey.Load()) }

// Close ends the session on the server (DELETE) and locally, and waits for the
// viewer's goroutines. Safe to call more than once.
func (v *Viewer) Close(ctx context.Context) error {
	var err error
	v.closed.Do(func() {
		var del error
		if v.session != "" {
			del = v.delete(ctx)
		}
		err = errors.Join(del, v.pc.Close())
		v.wg.Wait()
	})
	return err
}

func (v *Viewer) delete(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, v.session, nil)
	if err != nil {
		return err
	}
	resp, err := v.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("whep delete: %s", resp.Status)
	}
	return nil
}
