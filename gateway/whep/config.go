package whep

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for zero Config fields.
const (
	DefaultQueueSize              = 256
	DefaultConnectTimeout         = 30 * time.Second
	DefaultICEDisconnectedTimeout = 5 * time.Second
	DefaultICEFailedTimeout       = 10 * time.Second
	DefaultGatherTimeout          = 10 * time.Second
	DefaultMaxSessions            = 256
)

// ICEServer is a STUN or TURN server offered to the viewer (Link headers) and used by the
// server's own ICE agent.
type ICEServer struct {
	// URLs such as "stun:stun.example.net:3478" or "turn:turn.example.net?transport=udp".
	URLs []string
	// Username and Credential for TURN (long-term password credentials).
	Username   string
	Credential string
}

// Config configures a Server. Zero values take the defaults noted.
type Config struct {
	// Lookup resolves a camera (and optional stream) to a Source; required.
	Lookup Lookup
	// ICEServers (STUN/TURN), optional.
	ICEServers []ICEServer
	// UDPListen is one UDP address shared by all sessions for ICE (UDP mux), for example
	// ":8189". Empty: each session uses its own ephemeral UDP ports.
	UDPListen string
	// NAT1To1IPs are public IPs that replace the host candidates' addresses (a server
	// behind 1:1 NAT). Optional.
	NAT1To1IPs []string
	// IncludeLoopback adds loopback candidates: needed for tests and a browser on the same host.
	IncludeLoopback bool
	// QueueSize is the per-viewer reader ring in access units; default 256.
	QueueSize int
	// ConnectTimeout ends a session whose peer connection is not up this long after the
	// answer; default 30 s.
	ConnectTimeout time.Duration
	// ICEDisconnectedTimeout and ICEFailedTimeout: a session whose viewer stops answering
	// is disconnected after the first and ends (failed) after both; defaults 5 s and 10 s.
	ICEDisconnectedTimeout time.Duration
	ICEFailedTimeout       time.Duration
	// GatherTimeout bounds the wait for ICE gathering before the answer; default 10 s.
	GatherTimeout time.Duration
	// MaxSessions caps concurrent sessions (POST answers 503 beyond); default 256.
	MaxSessions int
	// CORSAllowOrigin, when set (for example "*"), adds CORS headers for cross-origin players.
	CORSAllowOrigin string
	// Registerer for the metrics; nil registers nothing.
	Registerer prometheus.Registerer
	// Logger defaults to slog.Default(); the server adds component=whep.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.ICEDisconnectedTimeout <= 0 {
		c.ICEDisconnectedTimeout = DefaultICEDisconnectedTimeout
	}
	if c.ICEFailedTimeout <= 0 {
		c.ICEFailedTimeout = DefaultICEFailedTimeout
	}
	if c.GatherTimeout <= 0 {
		c.GatherTimeout = DefaultGatherTimeout
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	if c.Lookup == nil {
		return errors.New("whep: Config.Lookup is required")
	}
	for i, s := range c.ICEServers {
		if len(s.URLs) == 0 {
			return fmt.Errorf("whep: ice_servers[%d]: no URLs", i)
		}
		for _, u := range s.URLs {
			if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") &&
				!strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
				return fmt.Errorf("whep: ice_servers[%d]: %q is not a stun:, stuns:, turn: or turns: URL", i, u)
			}
		}
	}
	return nil
}
