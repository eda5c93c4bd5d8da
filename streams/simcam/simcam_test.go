package simcam

import (
	"net/url"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sharpeyes/sharpeyes/streams/internal/testclip"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLoadClip(t *testing.T) {
	cases := []struct {
		name  string
		opts  testclip.Options
		codec unit.Codec
	}{
		{"h264 with delimiters", testclip.Options{}, unit.CodecH264},
		{"h264 without delimiters", testclip.Options{NoAUD: true}, unit.CodecH264},
		{"h265 with delimiters", testclip.Options{H265: true}, unit.CodecH265},
		{"h265 without delimiters", testclip.Options{H265: true, NoAUD: true}, unit.CodecH265},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadClip(testclip.Write(t, tc.opts), 10)
			require.NoError(t, err)
			require.Equal(t, tc.codec, c.codec)
			require.Len(t, c.aus, 30, "3 s at 10 fps")
			require.NotEmpty(t, c.sps)
			require.NotEmpty(t, c.pps)

			rules := h264Rules
			if tc.codec == unit.CodecH265 {
				rules = h265Rules
				require.NotEmpty(t, c.vps)
			}
			keyframes := 0
			for i, au := range c.aus {
				firstSlices := 0
				for _, n := range au {
					if rules.classify(n) == classVCLFirst {
						firstSlices++
					}
					if rules.isKeyframe(n) {
						keyframes++
						require.Zero(t, i%10, "keyframe at unit %d", i)
					}
				}
				require.Equal(t, 1, firstSlices, "unit %d holds one picture", i)
			}
			require.Equal(t, 3, keyframes)
		})
	}
}

func TestLoadClipErrors(t *testing.T) {
	cases := []struct {
		name string
		file string
		fps  float64
	}{
		{"missing file", "/nonexistent/clip.h264", 10},
		{"zero fps", testclip.Write(t, testclip.Options{Seconds: 1}), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadClip(tc.file, tc.fps)
			require.Error(t, err)
		})
	}
}

// received is what a plain gortsplib client saw of a simcam path.
type received struct {
	desc    *description.Session
	packets chan *rtp.Packet
	reports chan *rtcp.SenderReport
	client  *gortsplib.Client
}

// play connects a gortsplib client to rawURL over the given transport.
func play(t *testing.T, rawURL string, transport gortsplib.Transport) (*received, error) {
	t.Helper()
	u, err := base.ParseURL(rawURL)
	require.NoError(t, err)
	c := &gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Transport: &transport}
	require.NoError(t, c.Start2())

	desc, _, err := c.Describe(u)
	if err != nil {
		c.Close()
		return nil, err
	}
	r := &received{
		desc:    desc,
		packets: make(chan *rtp.Packet, 1024),
		reports: make(chan *rtcp.SenderReport, 16),
		client:  c,
	}
	medi := desc.Medias[0]
	_, err = c.Setup(desc.BaseURL, medi, 0, 0)
	require.NoError(t, err)
	c.OnPacketRTP(medi, medi.Formats[0], func(p *rtp.Packet) {
		select {
		case r.packets <- p:
		default:
		}
	})
	c.OnPacketRTCP(medi, func(p rtcp.Packet) {
		if sr, ok := p.(*rtcp.SenderReport); ok {
			select {
			case r.reports <- sr:
			default:
			}
		}
	})
	_, err = c.Play(nil)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return r, nil
}

func ntpToTime(v uint64) time.Time {
	secs := int64(v>>32) - 2208988800
	nanos := int64((v & 0xffffffff) * uint64(time.Second) >> 32)
	return time.Unix(secs, nanos)
}

func TestServeRestartOnSameAddress(t *testing.T) {
	cases := []struct {
		name      string
		transport gortsplib.Transport
		codec     bool // H.265 clip
	}{
		{"tcp h264", gortsplib.TransportTCP, false},
		{"udp h264", gortsplib.TransportUDP, false},
		{"tcp h265", gortsplib.TransportTCP, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clip := testclip.Write(t, testclip.Options{H265: tc.codec})
			sim := New(Config{User: "admin", Pass: "s3cret", SenderReportPeriod: 100 * time.Millisecond})
			require.NoError(t, sim.AddClip("cam1", clip, 10))
			require.NoError(t, sim.Start())
			defer sim.Close()
			addr := sim.Addr()
			require.NotContains(t, addr, ":0")

			for round := range 2 {
				r, err := play(t, sim.URL("cam1"), tc.transport)
				require.NoError(t, err, "round %d", round)
				checkFlow(t, r)
				r.client.Close()

				sim.Close()
				sim.Close() // idempotent
				require.NoError(t, sim.Start(), "restart on %s", addr)
				require.Equal(t, addr, sim.Addr())
			}
		})
	}
}

// checkFlow waits for RTP packets of two frames and checks their 90 kHz timestamps.
func checkFlow(t *testing.T, r *received) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	var first *rtp.Packet
	for {
		select {
		case p := <-r.packets:
			if first == nil {
				first = p
			} else if p.Timestamp != first.Timestamp {
				step := p.Timestamp - first.Timestamp
				require.Zero(t, step%9000, "10 fps advances the 90 kHz clock by multiples of 9000")
				return
			}
		case <-deadline:
			t.Fatal("no RTP packets of two frames")
		}
	}
}

func TestSenderReports(t *testing.T) {
	sim := New(Config{SenderReportPeriod: 50 * time.Millisecond})
	require.NoError(t, sim.AddClip("cam", testclip.Write(t, testclip.Options{Seconds: 1}), 10))
	require.NoError(t, sim.Start())
	defer sim.Close()

	r, err := play(t, sim.URL("cam"), gortsplib.TransportUDP)
	require.NoError(t, err)
	var ssrc uint32
	select {
	case p := <-r.packets:
		ssrc = p.SSRC
	case <-time.After(10 * time.Second):
		t.Fatal("no RTP packets")
	}
	select {
	case sr := <-r.reports:
		require.Equal(t, ssrc, sr.SSRC)
		require.WithinDuration(t, time.Now(), ntpToTime(sr.NTPTime), 2*time.Second)
	case <-time.After(10 * time.Second):
		t.Fatal("no sender report")
	}
}

func TestCredentialsAndSDP(t *testing.T) {
	clip := testclip.Write(t, testclip.Options{Seconds: 1})
	cases := []struct {
		name       string
		cfg        Config
		userinfo   *url.Userinfo // replaces the URL's credentials when set
		noCreds    bool          // strips the URL's credentials
		wantStatus base.StatusCode
		wantParams bool
	}{
		{"open server", Config{}, nil, false, 0, true},
		{"right credentials", Config{User: "u", Pass: "p"}, nil, false, 0, true},
		{"no credentials", Config{User: "u", Pass: "p"}, nil, true, base.StatusUnauthorized, false},
		{"wrong password", Config{User: "u", Pass: "p"}, url.UserPassword("u", "x"), false, base.StatusUnauthorized, false},
		{"params only in band", Config{OmitSDPParams: true}, nil, false, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := New(tc.cfg)
			require.NoError(t, sim.AddClip("cam", clip, 10))
			require.NoError(t, sim.Start())
			defer sim.Close()

			u, err := url.Parse(sim.URL("cam"))
			require.NoError(t, err)
			if tc.userinfo != nil {
				u.User = tc.userinfo
			}
			if tc.noCreds {
				u.User = nil
			}
			r, err := play(t, u.String(), gortsplib.TransportTCP)
			if tc.wantStatus != 0 {
				var bad liberrors.ErrClientBadStatusCode
				require.ErrorAs(t, err, &bad)
				require.Equal(t, tc.wantStatus, bad.Code)
				return
			}
			require.NoError(t, err)
			var h264 *format.H264
			require.NotNil(t, r.desc.FindFormat(&h264))
			require.Equal(t, tc.wantParams, h264.SPS != nil && h264.PPS != nil)
		})
	}
}

func TestUnknownPathAndDoubleStart(t *testing.T) {
	sim := New(Config{DisableUDP: true})
	require.NoError(t, sim.AddClip("cam", testclip.Write(t, testclip.Options{Seconds: 1}), 10))
	require.NoError(t, sim.Start())
	defer sim.Close()
	require.Error(t, sim.Start())
	require.ErrorContains(t, sim.AddClip("late", "x.h264", 10), "after Start")

	_, err := play(t, sim.URL("nope"), gortsplib.TransportTCP)
	var bad liberrors.ErrClientBadStatusCode
	require.ErrorAs(t, err, &bad)
	require.Equal(t, base.StatusNotFound, bad.Code)
}
