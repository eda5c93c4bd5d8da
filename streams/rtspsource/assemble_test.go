package rtspsource

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/stretchr/testify/require"
)

// H.264 NALUs by type, with a distinguishing second byte.
var (
	aud   = []byte{0x09, 0xf0}
	sps   = []byte{0x67, 0x01}
	sps2  = []byte{0x67, 0x02}
	pps   = []byte{0x68, 0x01}
	sei   = []byte{0x06, 0x05}
	idr   = []byte{0x65, 0x88}
	slice = []byte{0x41, 0x9a}
)

func TestH264Assembler(t *testing.T) {
	type step struct {
		in      [][]byte
		want    [][]byte // nil: held back
		wantKey bool
	}
	cases := []struct {
		name     string
		sdpSPS   []byte
		sdpPPS   []byte
		steps    []step
		finalSPS []byte
	}{
		{
			name:   "params from SDP prepended, delimiters dropped",
			sdpSPS: sps, sdpPPS: pps,
			steps: []step{
				{in: [][]byte{aud, slice}, want: nil}, // before the first keyframe
				{in: [][]byte{aud, sei, idr}, want: [][]byte{sps, pps, sei, idr}, wantKey: true},
				{in: [][]byte{aud, slice}, want: [][]byte{slice}},
			},
		},
		{
			name: "params only in-band, later keyframes get them too",
			steps: []step{
				{in: [][]byte{idr}, want: nil}, // keyframe without known params: not decodable
				{in: [][]byte{aud, sps, pps, idr}, want: [][]byte{sps, pps, idr}, wantKey: true},
				{in: [][]byte{slice}, want: [][]byte{slice}},
				{in: [][]byte{idr}, want: [][]byte{sps, pps, idr}, wantKey: true},
			},
		},
		{
			name:   "in-band params replace SDP ones",
			sdpSPS: sps, sdpPPS: pps,
			steps: []step{
				{in: [][]byte{sps2, idr}, want: [][]byte{sps2, pps, idr}, wantKey: true},
				{in: [][]byte{idr}, want: [][]byte{sps2, pps, idr}, wantKey: true},
			},
		},
		{
			name:   "a unit of only a delimiter yields nothing",
			sdpSPS: sps, sdpPPS: pps,
			steps: []step{
				{in: [][]byte{idr}, want: [][]byte{sps, pps, idr}, wantKey: true},
				{in: [][]byte{aud}, want: nil},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newH264Assembler(tc.sdpSPS, tc.sdpPPS)
			for i, st := range tc.steps {
				out, key, ok := a.assemble(st.in)
				if st.want == nil {
					require.False(t, ok, "step %d", i)
					continue
				}
				require.True(t, ok, "step %d", i)
				require.Equal(t, st.want, out, "step %d", i)
				require.Equal(t, st.wantKey, key, "step %d", i)
			}
		})
	}
}

func TestH265Assembler(t *testing.T) {
	vps := []byte{32 << 1, 1, 0xaa}
	hsps := []byte{33 << 1, 1, 0xbb}
	hpps := []byte{34 << 1, 1, 0xcc}
	haud := []byte{35 << 1, 1, 0x50}
	cra := []byte{21 << 1, 1, 0xaf}
	trail := []byte{1 << 1, 1, 0xd0}

	a := newH265Assembler(nil, nil, nil)
	_, _, ok := a.assemble([][]byte{haud, trail})
	require.False(t, ok, "held back before the first keyframe")
	out, key, ok := a.assemble([][]byte{haud, vps, hsps, hpps, cra})
	require.True(t, ok)
	require.True(t, key, "CRA is a random access point")
	require.Equal(t, [][]byte{vps, hsps, hpps, cra}, out)
	out, key, ok = a.assemble([][]byte{haud, trail})
	require.True(t, ok)
	require.False(t, key)
	require.Equal(t, [][]byte{trail}, out)
	out, _, _ = a.assemble([][]byte{cra})
	require.Equal(t, [][]byte{vps, hsps, hpps, cra}, out)
}

func TestAssembledUnitOwnsItsMemory(t *testing.T) {
	in := []byte{0x65, 1, 2, 3}
	a := newH264Assembler(sps, pps)
	out, _, ok := a.assemble([][]byte{in})
	require.True(t, ok)
	in[1] = 0xff // the library reuses its buffers
	require.Equal(t, []byte{0x65, 1, 2, 3}, out[2])
}

func TestSRClock(t *testing.T) {
	base := time.Date(2026, 3, 1, 12, 0, 0, 250_000_000, time.UTC)
	c := &srClock{clockRate: 90000}
	c.noteRTP(7)
	_, ok := c.at(1000)
	require.False(t, ok, "no sender report yet")

	c.onRTCP(&rtcp.ReceiverReport{}) // ignored
	_, ok = c.at(1000)
	require.False(t, ok)

	cases := []struct {
		name  string
		srRTP uint32
		ts    uint32
		want  time.Time
	}{
		{"at the report", 90000, 90000, base},
		{"one second later", 90000, 180000, base.Add(time.Second)},
		{"before the report", 90000, 45000, base.Add(-500 * time.Millisecond)},
		{"across wraparound", 1<<32 - 4500, 4500, base.Add(100 * time.Millisecond)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.onRTCP(&rtcp.SenderReport{SSRC: 7, NTPTime: ntpOf(base), RTPTime: tc.srRTP})
			got, ok := c.at(tc.ts)
			require.True(t, ok)
			require.WithinDuration(t, tc.want, got, time.Microsecond)
		})
	}

	c.noteRTP(8) // new SSRC: the old report no longer applies
	_, ok = c.at(90000)
	require.False(t, ok)
}

// ntpOf encodes t the way RFC 3550 cameras do.
func ntpOf(t time.Time) uint64 {
	secs := uint64(t.Unix() + 2208988800)
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

func TestNTPTime(t *testing.T) {
	cases := []struct {
		name string
		in   time.Time
	}{
		{"whole second", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"half second", time.Date(2025, 1, 1, 0, 0, 0, 500_000_000, time.UTC)},
		{"just under a second", time.Date(2030, 6, 1, 8, 30, 59, 999_999_000, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.WithinDuration(t, tc.in, ntpTime(ntpOf(tc.in)), time.Microsecond)
		})
	}
}

func TestClockToDuration(t *testing.T) {
	require.Equal(t, time.Second, clockToDuration(90000, 90000))
	require.Equal(t, 100*time.Millisecond, clockToDuration(9000, 90000))
	require.Equal(t, 1000*time.Hour, clockToDuration(1000*3600*90000, 90000), "no overflow in long sessions")
}

func TestBackoff(t *testing.T) {
	b := backoff{cfg: Backoff{Min: 100 * time.Millisecond, Max: time.Second}.withDefaults()}
	ceilings := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, c := range ceilings {
		c *= time.Millisecond
		d := b.next()
		require.GreaterOrEqual(t, d, c/2, "attempt %d", i)
		require.LessOrEqual(t, d, c, "attempt %d", i)
	}
	b.reset()
	require.LessOrEqual(t, b.next(), 100*time.Millisecond)

	def := Backoff{}.withDefaults()
	require.Equal(t, Backoff{Min: time.Second, Max: 30 * time.Second, StableAfter: 30 * time.Second}, def)
}
