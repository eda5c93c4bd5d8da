package opencv

import (
	"fmt"

	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// EncodeJPEG compresses a frame to JPEG at quality 1–100 with OpenCV's codec
// (libjpeg-turbo on Debian: about five times faster than image/jpeg, which
// matters because every alert carries a snapshot). It reads f.Pix and does not
// keep it.
func EncodeJPEG(f *analytics.Frame, quality int) ([]byte, error) {
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("encode jpeg: quality %d outside 1–100", quality)
	}
	img, err := frameMat(f)
	if err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	defer img.Close()
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, img, []int{gocv.IMWriteJpegQuality, quality})
	if err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	defer buf.Close()
	out := make([]byte, buf.Len())
	copy(out, buf.GetBytes())
	return out, nil
}
