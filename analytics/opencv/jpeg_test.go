package opencv

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// halves returns a frame whose left half is pure blue and right half pure red.
func halves(w, h int) *analytics.Frame {
	f := &analytics.Frame{Width: w, Height: h, Pix: make([]byte, w*h*3)}
	for y := range h {
		for x := range w {
			i := (y*w + x) * 3
			if x < w/2 {
				f.Pix[i] = 255 // B
			} else {
				f.Pix[i+2] = 255 // R
			}
		}
	}
	return f
}

func TestEncodeJPEG(t *testing.T) {
	f := halves(64, 48)
	b, err := EncodeJPEG(f, 85)
	require.NoError(t, err)
	img, err := jpeg.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 64, 48), img.Bounds())
	r, g, bl, _ := img.At(8, 24).RGBA()
	require.Greater(t, bl>>8, uint32(200), "left half is blue")
	require.Less(t, r>>8, uint32(60))
	r, g, bl, _ = img.At(56, 24).RGBA()
	require.Greater(t, r>>8, uint32(200), "right half is red")
	require.Less(t, bl>>8, uint32(60))
	require.Less(t, g>>8, uint32(60))

	small, err := EncodeJPEG(f, 10)
	require.NoError(t, err)
	require.Less(t, len(small), len(b), "quality reaches the encoder")
}

func TestEncodeJPEGErrors(t *testing.T) {
	_, err := EncodeJPEG(halves(8, 8), 0)
	require.ErrorContains(t, err, "quality 0")
	_, err = EncodeJPEG(&analytics.Frame{Width: 8, Height: 8, Pix: make([]byte, 10)}, 80)
	require.ErrorContains(t, err, "bytes of pixels")
	_, err = EncodeJPEG(nil, 80)
	require.Error(t, err)
}

// BenchmarkEncodeJPEG compares OpenCV's encoder with the standard library's on
// a real 640×360 picture.
func BenchmarkEncodeJPEG(b *testing.B) {
	f := readVTest(b, 640, 360, 1)[0]
	b.Run("opencv", func(b *testing.B) {
		for b.Loop() {
			if _, err := EncodeJPEG(f, 80); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("image-jpeg", func(b *testing.B) {
		for b.Loop() {
			img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
			for i, j := 0, 0; i < len(f.Pix); i, j = i+3, j+4 {
				img.Pix[j], img.Pix[j+1], img.Pix[j+2], img.Pix[j+3] = f.Pix[i+2], f.Pix[i+1], f.Pix[i], 0xFF
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
