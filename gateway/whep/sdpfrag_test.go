package whep

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	candHost  = "candidate:1966762134 1 udp 2130706431 127.0.0.1 50000 typ host"
	candSrflx = "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.2 rport 50000 generation 0 ufrag EsAw network-cost 999"
	ufrag     = "EsAw"
	pwd       = "P2uYro0UCOQ4zxjKXaWCBui1"
)

var fragCases = []struct {
	name string
	body string
	want *sdpFrag
	err  string
}{
	{
		name: "RFC 8840 style",
		body: "a=ice-options:trickle ice2\r\na=group:BUNDLE 0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=ice-ufrag:" + ufrag +
			"\r\na=ice-pwd:" + pwd + "\r\na=" + candHost + "\r\na=" + candSrflx + "\r\na=end-of-candidates\r\n",
		want: &sdpFrag{Media: []fragMedia{{Line: "audio 9 RTP/AVP 0", MID: "0", ICEUfrag: ufrag, ICEPwd: pwd,
			Candidates: []string{candHost, candSrflx}, EndOfCandidates: true}}},
	},
	{
		name: "session-level credentials, LF line ends",
		body: "a=ice-ufrag:" + ufrag + "\na=ice-pwd:" + pwd + "\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:v\na=" + candHost + "\n",
		want: &sdpFrag{ICEUfrag: ufrag, ICEPwd: pwd, Media: []fragMedia{{Line: "video 9 UDP/TLS/RTP/SAVPF 96", MID: "v", Candidates: []string{candHost}}}},
	},
	{
		name: "bare candidates",
		body: "a=" + candHost + "\r\na=end-of-candidates\r\n",
		want: &sdpFrag{Candidates: []string{candHost}, EndOfCandidates: true},
	},
	{name: "empty", body: "", want: &sdpFrag{}},
	{name: "other lines ignored", body: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=ice-lite\r\n", want: &sdpFrag{}},
	{name: "not SDP", body: "hello world\r\n", err: "not an SDP line"},
	{name: "upper-case type", body: "A=candidate:1\r\n", err: "not an SDP line"},
	{name: "control character", body: "a=mid:0\x00\r\n", err: "control character"},
	{name: "mid outside media", body: "a=mid:0\r\n", err: "outside a media section"},
	{name: "short candidate", body: "a=candidate:1 1 udp 1 127.0.0.1 5000\r\n", err: "malformed a=candidate"},
	{name: "bad port", body: "a=candidate:1 1 udp 1 127.0.0.1 70000 typ host\r\n", err: "bad port"},
	{name: "bad priority", body: "a=candidate:1 1 udp x 127.0.0.1 7000 typ host\r\n", err: "bad priority"},
	{name: "bad component", body: "a=candidate:1 x udp 1 127.0.0.1 7000 typ host\r\n", err: "bad component"},
	{name: "bad foundation", body: "a=candidate:f-1 1 udp 1 127.0.0.1 7000 typ host\r\n", err: "bad foundation"},
	{name: "short ufrag", body: "a=ice-ufrag:abc\r\n", err: "ice-ufrag"},
	{name: "bad pwd character", body: "a=ice-pwd:" + strings.Repeat("a", 21) + "!\r\n", err: "ice-pwd"},
	{name: "malformed m line", body: "m=video 9\r\n", err: "malformed m= line"},
	{name: "end-of-candidates with value", body: "a=end-of-candidates:1\r\n", err: "no value"},
	{name: "too many candidates", body: strings.Repeat("a="+candHost+"\r\n", maxFragCandidates+1), err: "more than"},
	{name: "too many media", body: strings.Repeat("m=video 9 RTP/AVP 0\r\n", maxFragMedia+1), err: "media sections"},
}

func TestParseSDPFrag(t *testing.T) {
	for _, tc := range fragCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSDPFrag(tc.body)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			again, err := parseSDPFrag(got.marshal())
			require.NoError(t, err)
			require.Equal(t, got, again)
		})
	}
}

func FuzzSDPFrag(f *testing.F) {
	for _, tc := range fragCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		frag, err := parseSDPFrag(body)
		if err != nil {
			return
		}
		text := frag.marshal()
		again, err := parseSDPFrag(text)
		require.NoError(t, err, "marshal output must parse: %q", text)
		require.Equal(t, frag, again)
		require.Equal(t, text, again.marshal())
		cands, _ := frag.candidates()
		require.LessOrEqual(t, len(cands), maxFragCandidates)
	})
}
