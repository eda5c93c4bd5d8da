package whep

import (
	"bytes"
	"testing"

	"github.com/pion/rtp/codecs"
	"github.com/stretchr/testify/require"
)

func nal(typ byte, size int) []byte {
	n := bytes.Repeat([]byte{byte(size)}, size)
	n[0] = 0x60 | typ
	return n
}

// Payloads reassemble with pion's depacketizer into the same NAL units, each within the MTU.
func TestPacketizeH264(t *testing.T) {
	cases := []struct {
		name      string
		nalus     [][]byte
		singleNAL bool
		payloads  int
		firstType byte // NAL type field of the first payload
	}{
		{"SPS PPS IDR small: one STAP-A", [][]byte{nal(7, 20), nal(8, 4), nal(5, 500)}, false, 1, naluTypeSTAPA},
		{"SPS PPS big IDR: STAP-A then FU-As", [][]byte{nal(7, 20), nal(8, 4), nal(5, 3000)}, false, 4, naluTypeSTAPA},
		{"one small slice: single NAL", [][]byte{nal(1, 300)}, false, 1, 1},
		{"exactly MTU", [][]byte{nal(1, rtpMTU)}, false, 1, 1},
		{"MTU+1: two FU-As", [][]byte{nal(1, rtpMTU+1)}, false, 2, naluTypeFUA},
		{"delimiter and filler dropped", [][]byte{nal(9, 2), nal(1, 100), nal(12, 50)}, false, 1, 1},
		{"two slices that do not fit together", [][]byte{nal(1, 700), nal(1, 700)}, false, 2, 1},
		{"mode 0: one NAL per packet", [][]byte{nal(7, 20), nal(8, 4), nal(5, 3000)}, true, 3, 7},
		{"empty NAL units ignored", [][]byte{{}, nal(1, 10)}, false, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := h264Packetizer{singleNAL: tc.singleNAL}
			payloads := p.packetize(tc.nalus)
			require.Len(t, payloads, tc.payloads)
			require.Equal(t, tc.firstType, payloads[0][0]&0x1f)

			var depack codecs.H264Packet
			var got []byte
			for _, pl := range payloads {
				if !tc.singleNAL {
					require.LessOrEqual(t, len(pl), rtpMTU)
				}
				out, err := depack.Unmarshal(pl)
				require.NoError(t, err)
				got = append(got, out...)
			}
			var want []byte
			for _, n := range tc.nalus {
				if len(n) > 0 && n[0]&0x1f != naluTypeAUD && n[0]&0x1f != naluTypeFiller {
					want = append(want, 0, 0, 0, 1)
					want = append(want, n...)
				}
			}
			require.Equal(t, want, got)
		})
	}
}

func BenchmarkPacketizeKeyframe(b *testing.B) {
	nalus := [][]byte{nal(7, 20), nal(8, 4), nal(5, 40000)}
	p := h264Packetizer{}
	b.ReportAllocs()
	for b.Loop() {
		p.packetize(nalus)
	}
}
