package snapshots

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
)

// maxDim is JPEG's largest width or height.
const maxDim = 65535

// EncodeBGR compresses a packed BGR24 picture (3 bytes per pixel, rows of width*3
// bytes, as analytics.Frame holds) to JPEG at quality 1–100. It reads pix and does not
// keep it. Pure Go (image/jpeg), no cgo.
func EncodeBGR(width, height int, pix []byte, quality int) ([]byte, error) {
	if width <= 0 || height <= 0 || width > maxDim || height > maxDim {
		return nil, fmt.Errorf("encode jpeg: bad size %dx%d", width, height)
	}
	if len(pix) != width*height*3 {
		return nil, fmt.Errorf("encode jpeg: %dx%d BGR24 needs %d bytes, got %d", width, height, width*height*3, len(pix))
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("encode jpeg: quality %d outside 1–100", quality)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	dst := img.Pix
	for i, j := 0, 0; i < len(pix); i, j = i+3, j+4 {
		dst[j], dst[j+1], dst[j+2], dst[j+3] = pix[i+2], pix[i+1], pix[i], 0xFF
	}
	var buf bytes.Buffer
	buf.Grow(width * height / 8)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}
