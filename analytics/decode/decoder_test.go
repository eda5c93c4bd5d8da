package decode

import (
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/streams/unit"
)

const testSrc = "testsrc2=size=320x180:rate=10"

// codecs lists the codecs whose encoder the local ffmpeg has.
func codecs(t testing.TB) []unit.Codec {
	out, err := exec.Command("ffmpeg", "-hide_banner", "-encoders").Output()
	require.NoError(t, err, "the ffmpeg CLI is needed to encode test clips")
	cs := []unit.Codec{unit.CodecH264}
	if strings.Contains(string(out), "libx265") {
		cs = append(cs, unit.CodecH265)
	} else {
		t.Log("ffmpeg has no libx265: H.265 cases skipped")
	}
	return cs
}

// meanAbsDiff returns the mean absolute difference of two equal-length buffers.
func meanAbsDiff(a, b []byte) float64 {
	var sum int
	for i := range a {
		d := int(a[i]) - int(b[i])
		sum += max(d, -d)
	}
	return float64(sum) / float64(len(a))
}

func decodeAll(t *testing.T, d *Decoder, units []*unit.AccessUnit) []*analytics.Frame {
	t.Helper()
	var frames []*analytics.Frame
	for i, u := range units {
		f, err := d.Decode(u)
		require.NoError(t, err, "unit %d", i)
		if f != nil {
			frames = append(frames, f)
		}
	}
	return frames
}

func TestDecodeClip(t *testing.T) {
	for _, codec := range codecs(t) {
		units := encodeClip(t, codec, testSrc, 2)
		require.Len(t, units, 20)
		for _, tc := range []struct {
			name       string
			outWidth   int
			wantW      int
			wantH      int
			maxMeanErr float64
		}{
			{name: "native", outWidth: 0, wantW: 320, wantH: 180, maxMeanErr: 6},
			{name: "same width", outWidth: 320, wantW: 320, wantH: 180, maxMeanErr: 6},
			{name: "downscaled", outWidth: 160, wantW: 160, wantH: 90, maxMeanErr: 8},
			{name: "odd height rounded to even", outWidth: 100, wantW: 100, wantH: 56, maxMeanErr: 10},
		} {
			t.Run(codec.String()+"/"+tc.name, func(t *testing.T) {
				d, err := New(codec, tc.outWidth)
				require.NoError(t, err)
				defer d.Close()

				frames := decodeAll(t, d, units)
				// Low-delay decoding: one frame per unit, no flush needed.
				require.Len(t, frames, len(units))
				ref := referenceBGR(t, testSrc, 2, tc.wantW, tc.wantH)
				require.Len(t, ref, len(units))
				for i, f := range frames {
					require.Equal(t, tc.wantW, f.Width)
					require.Equal(t, tc.wantH, f.Height)
					require.Len(t, f.Pix, f.Width*f.Height*3)
					require.Equal(t, uint64(i), f.Seq)
					require.Equal(t, units[i].PTS, f.PTS)
					require.True(t, units[i].CaptureTime.Equal(f.CaptureTime))
					require.Less(t, meanAbsDiff(f.Pix, ref[i]), tc.maxMeanErr, "frame %d differs from ffmpeg's own decode", i)
				}
			})
		}
	}
}

func TestDecodeColourOrder(t *testing.T) {
	for _, codec := range codecs(t) {
		for _, tc := range []struct {
			colour string
			bgr    [3]int
		}{
			{colour: "red", bgr: [3]int{0, 0, 255}},
			{colour: "lime", bgr: [3]int{0, 255, 0}},
			{colour: "blue", bgr: [3]int{255, 0, 0}},
		} {
			t.Run(codec.String()+"/"+tc.colour, func(t *testing.T) {
				units := encodeClip(t, codec, "color=c="+tc.colour+":size=64x64:rate=10", 1)
				d, err := New(codec, 0)
				require.NoError(t, err)
				defer d.Close()
				frames := decodeAll(t, d, units)
				require.NotEmpty(t, frames)
				f := frames[len(frames)-1]
				mid := (f.Height/2*f.Width + f.Width/2) * 3
				for c := range 3 {
					require.InDelta(t, tc.bgr[c], int(f.Pix[mid+c]), 12, "channel %d of %v", c, f.Pix[mid:mid+3])
				}
			})
		}
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, codec := range codecs(t) {
		units := encodeClip(t, codec, testSrc, 1)
		rnd := rand.New(rand.NewPCG(1, 2))
		garbage := make([]byte, 4000)
		for i := range garbage {
			garbage[i] = byte(rnd.UintN(256))
		}
		key := units[0]
		// Half of the IDR slice (the last NALU) with the parameter sets intact.
		last := key.NALUs[len(key.NALUs)-1]
		truncated := append(append([][]byte{}, key.NALUs[:len(key.NALUs)-1]...), last[:len(last)/2])
		// The parameter sets and a valid IDR header followed by random slice data.
		idrHeader := []byte{0x65}
		if codec == unit.CodecH265 {
			idrHeader = []byte{0x26, 0x01}
		}
		badSlice := append(append([][]byte{}, key.NALUs[:len(key.NALUs)-1]...), append(idrHeader, garbage...))
		other := unit.CodecH264
		if codec == unit.CodecH264 {
			other = unit.CodecH265
		}
		for _, tc := range []struct {
			name string
			u    *unit.AccessUnit
		}{
			{name: "random bytes", u: &unit.AccessUnit{Codec: codec, Keyframe: true, NALUs: [][]byte{garbage}}},
			{name: "random NALUs", u: &unit.AccessUnit{Codec: codec, Keyframe: true, NALUs: [][]byte{garbage[:100], garbage[100:1000], garbage[1000:]}}},
			{name: "random slice data", u: &unit.AccessUnit{Codec: codec, Keyframe: true, NALUs: badSlice}},
			{name: "truncated keyframe", u: &unit.AccessUnit{Codec: codec, Keyframe: true, NALUs: truncated}},
			{name: "no NALUs", u: &unit.AccessUnit{Codec: codec, Keyframe: true}},
			{name: "empty NALU", u: &unit.AccessUnit{Codec: codec, Keyframe: true, NALUs: [][]byte{{}}}},
			{name: "wrong codec", u: &unit.AccessUnit{Codec: other, Keyframe: true, NALUs: key.NALUs}},
		} {
			t.Run(codec.String()+"/"+tc.name, func(t *testing.T) {
				d, err := New(codec, 0)
				require.NoError(t, err)
				defer d.Close()
				f, err := d.Decode(tc.u)
				require.Error(t, err)
				require.Nil(t, f)
				t.Log(err)

				// The decoder still works from the next keyframe.
				frames := decodeAll(t, d, units)
				require.Len(t, frames, len(units))
			})
		}
	}
}

func TestDecodeRecoversAtNextKeyframe(t *testing.T) {
	for _, codec := range codecs(t) {
		t.Run(codec.String(), func(t *testing.T) {
			units := encodeClip(t, codec, testSrc, 2)
			require.True(t, units[10].Keyframe)
			d, err := New(codec, 0)
			require.NoError(t, err)
			defer d.Close()

			require.Len(t, decodeAll(t, d, units[:4]), 4)
			p := units[4].NALUs[0]
			_, err = d.Decode(&unit.AccessUnit{Codec: codec, NALUs: [][]byte{p[:len(p)/3]}})
			require.Error(t, err, "a truncated picture must be reported")
			require.True(t, d.WaitingForKeyframe())

			for i := 5; i < 10; i++ {
				f, err := d.Decode(units[i])
				require.NoError(t, err)
				require.Nil(t, f, "unit %d is skipped until the keyframe", i)
			}
			ref := referenceBGR(t, testSrc, 2, 320, 180)
			frames := decodeAll(t, d, units[10:])
			require.Len(t, frames, 10)
			require.False(t, d.WaitingForKeyframe())
			for i, f := range frames {
				require.Equal(t, units[10+i].PTS, f.PTS)
				require.Less(t, meanAbsDiff(f.Pix, ref[10+i]), 6.0)
			}
		})
	}
}

func TestDecodeStartsAtKeyframe(t *testing.T) {
	for _, codec := range codecs(t) {
		t.Run(codec.String(), func(t *testing.T) {
			units := encodeClip(t, codec, testSrc, 2)
			d, err := New(codec, 0)
			require.NoError(t, err)
			defer d.Close()
			frames := decodeAll(t, d, units[3:])
			require.Len(t, frames, 10, "units 3-9 wait for the keyframe at 10")
			require.Equal(t, units[10].PTS, frames[0].PTS)
			require.Equal(t, uint64(0), frames[0].Seq)

			d.SkipToKeyframe()
			require.True(t, d.WaitingForKeyframe())
			frames = decodeAll(t, d, units[5:])
			require.Len(t, frames, 10)
		})
	}
}

func TestDecodeParameterSetsApart(t *testing.T) {
	for _, codec := range codecs(t) {
		t.Run(codec.String(), func(t *testing.T) {
			units := encodeClip(t, codec, testSrc, 1)
			key := units[0]
			n := len(key.NALUs) - 1 // parameter sets (and SEI) first, the picture last
			require.False(t, hasPicture(&unit.AccessUnit{Codec: codec, NALUs: key.NALUs[:n]}))
			split := []*unit.AccessUnit{
				{Codec: codec, NALUs: key.NALUs[:n], PTS: key.PTS},
				{Codec: codec, NALUs: key.NALUs[n:], Keyframe: true, PTS: key.PTS, CaptureTime: key.CaptureTime},
			}
			d, err := New(codec, 0)
			require.NoError(t, err)
			defer d.Close()
			frames := decodeAll(t, d, append(split, units[1:]...))
			require.Len(t, frames, len(units))
		})
	}
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		name     string
		codec    unit.Codec
		outWidth int
	}{
		{name: "unknown codec", codec: unit.Codec(99), outWidth: 640},
		{name: "negative width", codec: unit.CodecH264, outWidth: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.codec, tc.outWidth)
			require.Error(t, err)
			require.Nil(t, d)
		})
	}
}

func TestCloseTwice(t *testing.T) {
	d, err := New(unit.CodecH264, 0)
	require.NoError(t, err)
	d.Close()
	d.Close()
}

// FuzzDecode feeds arbitrary NAL units after a valid keyframe: errors are fine,
// crashes are not.
func FuzzDecode(f *testing.F) {
	units := encodeClip(f, unit.CodecH264, testSrc, 1)
	for _, u := range units[:3] {
		for _, n := range u.NALUs {
			f.Add(n, u.Keyframe)
		}
	}
	f.Fuzz(func(t *testing.T, nalu []byte, key bool) {
		d, err := New(unit.CodecH264, 64)
		require.NoError(t, err)
		defer d.Close()
		_, err = d.Decode(units[0])
		require.NoError(t, err)
		_, _ = d.Decode(&unit.AccessUnit{Codec: unit.CodecH264, Keyframe: key, NALUs: [][]byte{nalu}})
		_, _ = d.Decode(&unit.AccessUnit{Codec: unit.CodecH264, Keyframe: key, NALUs: append(units[0].NALUs[:2:2], nalu)})
	})
}

// TestDecodeWithPool: frames decoded into recycled buffers are as correct as fresh
// ones (stale pixels never show through), and the buffers are reused.
func TestDecodeWithPool(t *testing.T) {
	units := encodeClip(t, unit.CodecH264, testSrc, 2)
	ref := referenceBGR(t, testSrc, 2, 320, 180)
	d, err := New(unit.CodecH264, 0)
	require.NoError(t, err)
	defer d.Close()
	pool := analytics.NewFramePool(2)
	d.UsePool(pool)
	seen := map[*byte]bool{}
	for i, u := range units {
		f, err := d.Decode(u)
		require.NoError(t, err)
		require.NotNil(t, f, "unit %d", i)
		seen[&f.Pix[0]] = true
		require.Less(t, meanAbsDiff(f.Pix, ref[i]), 6.0, "frame %d", i)
		pool.Put(f)
	}
	require.Len(t, seen, 1, "one buffer, handed back after each frame, serves the whole clip")
}
