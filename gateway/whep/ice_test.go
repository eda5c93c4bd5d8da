package whep

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams"
)

// With UDPListen every session's candidates share one UDP port, and viewers still play.
func TestUDPMuxSharesOnePort(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	t.Cleanup(stream.Close)
	stream.Write(synthUnit(true, 0))
	ts := newTestServer(t, func(c *Config) { c.UDPListen = "127.0.0.1:0" })
	ts.src.set("cam1", &testSource{stream: stream})
	port := strconv.Itoa(ts.srv.UDPAddr().(*net.UDPAddr).Port)

	for range 2 {
		resp, body := do(t, http.MethodPost, ts.offerURL("cam1"), "application/sdp", gatheredOffer(t))
		require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		cands := candidateLines(body)
		require.NotEmpty(t, cands)
		for _, c := range cands {
			require.Equal(t, port, strings.Fields(c)[5], c)
		}
	}
	v1 := connectViewer(t, ts, "cam1", viewerOpts{})
	v2 := connectViewer(t, ts, "cam1", viewerOpts{})
	require.True(t, v1.next(t, 10*time.Second).keyframe())
	require.True(t, v2.next(t, 10*time.Second).keyframe())
}

// NAT1To1IPs replace the host candidates' addresses in the answer.
func TestNAT1To1IPsInAnswer(t *testing.T) {
	stream := streams.NewStream("cam1", nil)
	t.Cleanup(stream.Close)
	ts := newTestServer(t, func(c *Config) { c.NAT1To1IPs = []string{"203.0.113.9"} })
	ts.src.set("cam1", &testSource{stream: stream})
	resp, body := do(t, http.MethodPost, ts.offerURL("cam1"), "application/sdp", gatheredOffer(t))
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	cands := candidateLines(body)
	require.NotEmpty(t, cands)
	v4 := 0
	for _, c := range cands {
		if addr := net.ParseIP(strings.Fields(c)[4]); addr.To4() != nil {
			require.Equal(t, "203.0.113.9", addr.String(), c)
			v4++
		}
	}
	require.Positive(t, v4, "IPv4 host candidates carry the public address")

	_, err := NewServer(Config{Lookup: ts.src.lookup, NAT1To1IPs: []string{"not-an-ip"}})
	require.ErrorContains(t, err, "not an IP address")
}

func candidateLines(sdp string) []string {
	var out []string
	for _, l := range strings.Split(sdp, "\r\n") {
		if c, ok := strings.CutPrefix(l, "a="); ok && strings.HasPrefix(c, "candidate:") {
			out = append(out, c)
		}
	}
	return out
}
