package opencv

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gocv.io/x/gocv"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// sharedModels holds the test models and pictures (see its README.md).
const sharedModels = "/work/shared/models"

func TestMain(m *testing.M) {
	RunModelCheckIfRequested()
	code := m.Run()
	if n, where := openMats(); n != 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "%d Mats left open:\n%s", n, where)
		code = 1
	}
	os.Exit(code)
}

// shared returns the path of a file under sharedModels, skipping the test when
// it is missing.
func shared(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedModels, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test material missing: %s (%v)", p, err)
	}
	return p
}

// loadFrame reads a picture into a frame, scaled to width w (0 keeps its size).
func loadFrame(t testing.TB, path string, w int) *analytics.Frame {
	t.Helper()
	img := gocv.IMRead(path, gocv.IMReadColor)
	defer img.Close()
	require.False(t, img.Empty(), "cannot read %s", path)
	if w > 0 && w != img.Cols() {
		h := (img.Rows()*w/img.Cols() + 1) &^ 1
		gocv.Resize(img, &img, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
	}
	return &analytics.Frame{Width: img.Cols(), Height: img.Rows(), Pix: img.ToBytes()}
}
