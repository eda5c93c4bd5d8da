package decode

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkDecode measures one 1280×720 unit per op (testsrc2, 10 fps, keyframe
// every 10th), decoding alone and decoding plus the conversion to 640-wide BGR.
func BenchmarkDecode(b *testing.B) {
	for _, codec := range codecs(b) {
		units := encodeClip(b, codec, "testsrc2=size=1280x720:rate=10", 4)
		for _, bc := range []struct {
			name string
			bgr  bool
		}{
			{name: "decode-only", bgr: false},
			{name: "decode+bgr640", bgr: true},
		} {
			b.Run(codec.String()+"/"+bc.name, func(b *testing.B) {
				d, err := New(codec, 640)
				require.NoError(b, err)
				defer d.Close()
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					u := units[i%len(units)]
					i++
					if bc.bgr {
						_, err = d.Decode(u)
					} else {
						_, err = d.DecodeOnly(u)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
