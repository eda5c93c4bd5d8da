// Package rtspsource pulls H.264/H.265 video from RTSP cameras with gortsplib and writes
// access units to a stream; its Supervisor reconnects with backoff and reports camera state.
package rtspsource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// unitWriter receives the camera's access units; streams.Stream implements it.
// Write is called on gortsplib's packet goroutine and must not block.
type unitWriter interface {
	Write(u *unit.AccessUnit)
}

// Transport selects the RTP transport.
type Transport string

// Transports. Auto tries UDP and falls back to TCP when no packet arrives.
const (
	TransportAuto Transport = "auto"
	TransportTCP  Transport = "tcp"
	TransportUDP  Transport = "udp"
)

// ParseTransport validates a transport name; the empty string means auto.
func ParseTransport(s string) (Transport, error) {
	switch t := Transport(s); t {
	case "":
		return TransportAuto, nil
	case TransportAuto, TransportTCP, TransportUDP:
		return t, nil
	}
	return "", fmt.Errorf("unknown transport %q, want auto, tcp or udp", s)
}

// Settings of one camera connection. Zero durations take the defaults noted.
type Settings struct {
	// URL is rtsp:// or rtsps://, with the credentials in the user info. gortsplib answers
	// basic and digest challenges. Never log it: use RedactURL.
	URL       string
	Transport Transport
	// ReadTimeout ends the session when the camera stays silent this long; default 10 s.
	ReadTimeout time.Duration
	// WriteTimeout bounds each request write; default 10 s.
	WriteTimeout time.Duration
	// UDPFallbackTimeout is how long auto waits for the first UDP packet before switching
	// to TCP; default 3 s.
	UDPFallbackTimeout time.Duration
}

// warningPeriod is how often repeated packet problems are logged.
const warningPeriod = time.Second

// Source runs one RTSP session: DESCRIBE, SETUP and PLAY of the first H.264 or H.265
// video media, then depacketised access units to Writer until the session dies.
// It does not retry; Supervisor does.
type Source struct {
	Settings Settings
	// Writer gets the units. A keyframe unit carries its parameter sets; a session's first
	// unit is a keyframe.
	Writer unitWriter
	// Logger defaults to slog.Default(); Source adds the redacted URL.
	Logger *slog.Logger
}

// Run connects and streams until ctx ends (returns nil) or the session fails or the camera
// closes it (returns an error whose text never holds the password).
func (s *Source) Run(ctx context.Context) error {
	err := s.run(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = errors.New("session closed")
	}
	return redactError(err, s.Settings.URL)
}

func (s *Source) run(ctx context.Context) error {
	redacted := RedactURL(s.Settings.URL)
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("url", redacted)

	if _, err := ParseTransport(string(s.Settings.Transport)); err != nil {
		return err
	}
	u, err := base.ParseURL(s.Settings.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole URL
		}
		return fmt.Errorf("parse camera URL %s: %w", redacted, err)
	}

	// The warnings goroutine starts first and stops last, after the client's callbacks.
	warn := &warnings{log: log}
	warnCtx, stopWarn := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		warn.run(warnCtx, warningPeriod)
	}()
	defer func() {
		stopWarn()
		wg.Wait()
	}()

	client := s.newClient(u, warn, log)
	if err := client.Start2(); err != nil {
		return fmt.Errorf("start RTSP client: %w", err)
	}
	stopAfter := context.AfterFunc(ctx, client.Close) // unblocks Describe, Setup, Play, Wait
	defer func() {
		stopAfter()
		client.Close()
	}()

	if err := s.play(client, u, warn, log); err != nil {
		return err
	}
	return fmt.Errorf("session with %s ended: %w", redacted, client.Wait())
}

func (s *Source) newClient(u *base.URL, warn *warnings, log *slog.Logger) *gortsplib.Client {
	c := &gortsplib.Client{
		Scheme:                u.Scheme,
		Host:                  u.Host,
		ReadTimeout:           s.Settings.ReadTimeout,
		WriteTimeout:          s.Settings.WriteTimeout,
		InitialUDPReadTimeout: s.Settings.UDPFallbackTimeout,
		OnTransportSwitch: func(err error) {
			log.Info("RTP transport switched", "reason", err)
		},
		OnPacketsLost: warn.packetsLost,
		OnDecodeError: warn.decodeError,
	}
	switch s.Settings.Transport {
	case TransportTCP:
		t := gortsplib.TransportTCP
		c.Transport = &t
	case TransportUDP:
		t := gortsplib.TransportUDP
		c.Transport = &t
	}
	return c
}

// play runs DESCRIBE, SETUP and PLAY and installs the packet callbacks.
func (s *Source) play(c *gortsplib.Client, u *base.URL, warn *warnings, log *slog.Logger) error {
	redacted := RedactURL(s.Settings.URL)
	desc, _, err := c.Describe(u)
	if err != nil {
		return fmt.Errorf("describe %s: %w", redacted, err)
	}
	sess, err := newSession(desc, c, s.Writer, warn)
	if err != nil {
		return fmt.Errorf("describe %s: %w", redacted, err)
	}
	if _, err := c.Setup(desc.BaseURL, sess.media, 0, 0); err != nil {
		return fmt.Errorf("setup %s: %w", redacted, err)
	}
	c.OnPacketRTP(sess.media, sess.format, sess.onRTP)
	c.OnPacketRTCP(sess.media, sess.clock.onRTCP)
	if _, err := c.Play(nil); err != nil {
		return fmt.Errorf("play %s: %w", redacted, err)
	}
	log.Info("camera session playing", "codec", sess.codec.String())
	return nil
}
