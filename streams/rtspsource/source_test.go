package rtspsource

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/auth"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/streams/internal/testclip"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// naluType returns the NALU type for the codec.
func naluType(c unit.Codec, n []byte) int {
	if c == unit.CodecH265 {
		return int(n[0]>>1) & 0x3f
	}
	return int(n[0] & 0x1f)
}

func TestSourceAgainstSimulatedCamera(t *testing.T) {
	cs := newClips(t)
	cases := []struct {
		name      string
		clip      testclip.Options
		transport Transport
		noSDP     bool // parameter sets only in-band
	}{
		{"h264 tcp", testclip.Options{GOP: 5}, TransportTCP, false},
		{"h264 udp", testclip.Options{GOP: 5}, TransportUDP, false},
		{"h264 auto", testclip.Options{GOP: 5}, TransportAuto, false},
		{"h264 tcp params in-band only", testclip.Options{GOP: 5}, TransportTCP, true},
		{"h264 udp without delimiters", testclip.Options{GOP: 5, NoAUD: true}, TransportUDP, true},
		{"h265 tcp", testclip.Options{GOP: 5, H265: true}, TransportTCP, false},
		{"h265 udp params in-band only", testclip.Options{GOP: 5, H265: true}, TransportUDP, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, simcam.Config{OmitSDPParams: tc.noSDP}, cs.get(tc.clip))
			log, logs := newTestLogger()
			col := newCollector()
			src := &Source{
				Settings: Settings{URL: sim.URL("cam"), Transport: tc.transport},
				Writer:   col,
				Logger:   log,
			}
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() { errc <- src.Run(ctx) }()

			checkUnits(t, col, tc.clip.H265)
			cancel()
			require.NoError(t, <-errc, "Run returns nil when ctx ends")
			require.Contains(t, logs.String(), "camera session playing")
		})
	}
}

// checkUnits reads units until it has seen two keyframes and a capture time from RTCP.
func checkUnits(t *testing.T, col *collector, h265 bool) {
	t.Helper()
	codec, params := unit.CodecH264, []int{7, 8}
	if h265 {
		codec, params = unit.CodecH265, []int{32, 33, 34}
	}
	aud := map[unit.Codec]int{unit.CodecH264: 9, unit.CodecH265: 35}[codec]

	first := col.next(t)
	require.True(t, first.Keyframe, "a session starts on a keyframe")
	prev := first
	keyframes, fromRTCP := 1, false
	for keyframes < 3 || !fromRTCP {
		u := col.next(t)
		require.Equal(t, codec, u.Codec)
		require.Greater(t, u.PTS, prev.PTS)
		require.Zero(t, (u.RTPTimestamp-prev.RTPTimestamp)%9000, "10 fps on a 90 kHz clock")
		for _, n := range u.NALUs {
			require.NotEqual(t, aud, naluType(codec, n), "delimiters are stripped")
		}
		if u.Keyframe {
			keyframes++
			require.GreaterOrEqual(t, len(u.NALUs), len(params)+1)
			for i, typ := range params {
				require.Equal(t, typ, naluType(codec, u.NALUs[i]), "keyframe starts with its parameter sets")
			}
		}
		if u.CaptureFromRTCP {
			fromRTCP = true
			require.WithinDuration(t, time.Now(), u.CaptureTime, 2*time.Second)
		} else {
			require.False(t, fromRTCP, "once sender reports arrived every unit uses them")
			require.WithinDuration(t, time.Now(), u.CaptureTime, 2*time.Second)
		}
		prev = u
	}
}

func TestSourceAuth(t *testing.T) {
	clip := testclip.Write(t, testclip.Options{Seconds: 2, GOP: 5})
	const user, pass = "admin", "Sup3r-s3cret!pw"
	cases := []struct {
		name    string
		methods []auth.VerifyMethod
		pass    string
		wantOK  bool
	}{
		{"basic", []auth.VerifyMethod{auth.VerifyMethodBasic}, pass, true},
		{"digest", []auth.VerifyMethod{auth.VerifyMethodDigestMD5}, pass, true},
		{"basic wrong password", []auth.VerifyMethod{auth.VerifyMethodBasic}, "Wr0ng-pa55word", false},
		{"digest wrong password", []auth.VerifyMethod{auth.VerifyMethodDigestMD5}, "Wr0ng-pa55word", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, simcam.Config{User: user, Pass: pass, AuthMethods: tc.methods}, clip)
			rawURL := withPassword(t, sim.URL("cam"), tc.pass)

			log, logs := newTestLogger()
			col := newCollector()
			src := &Source{Settings: Settings{URL: rawURL, Transport: TransportTCP}, Writer: col, Logger: log}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- src.Run(ctx) }()

			if tc.wantOK {
				require.True(t, col.next(t).Keyframe)
				cancel()
				require.NoError(t, <-errc)
			} else {
				err := <-errc
				require.Error(t, err)
				var bad liberrors.ErrClientBadStatusCode
				require.True(t, errors.As(err, &bad), "got %v", err)
				require.Equal(t, 401, int(bad.Code))
				require.NotContains(t, err.Error(), tc.pass)
				require.Contains(t, err.Error(), "xxxxx", "the URL in the error is redacted")
			}
			require.NotContains(t, logs.String(), tc.pass)
			require.NotContains(t, logs.String(), pass)
		})
	}
}

// withPassword replaces the password of rawURL.
func withPassword(t *testing.T, rawURL, pass string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), pass)
	return u.String()
}
