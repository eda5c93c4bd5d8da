package opencv

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPlateCheckModel(t *testing.T) {
	det, det640 := shared(t, plateDetModel), shared(t, plateDet640Model)
	rec, col := shared(t, plateRecModel), shared(t, plateColorModel)
	for _, tc := range []struct {
		name, path, format string
		wantErr            string
	}{
		{name: "hyperlpr3 320", path: det, format: FormatHyperLPR3},
		{name: "lprnet", path: rec, format: FormatLPRNet},
		{name: "plate-color", path: col, format: FormatPlateColor},
		{name: "hyperlpr3 640 at the default 320", path: det640, format: FormatHyperLPR3, wantErr: "OpenCV cannot run it at 320×320: "},
		{name: "lprnet as plate-color", path: rec, format: FormatPlateColor, wantErr: "OpenCV cannot run it at 96×96"},
		{name: "plate-color as lprnet", path: col, format: FormatLPRNet, wantErr: "OpenCV cannot run it at 94×24"},
		{name: "yolox as hyperlpr3", path: shared(t, yoloxModel), format: FormatHyperLPR3, wantErr: "wrong output shape for hyperlpr3 at 320: got [[1 2100 85]], want one [1 6300 15]"},
		{name: "plate-color as yolox", path: col, format: FormatYOLOX, wantErr: "OpenCV cannot run it at 416×416"},
		{name: "unknown format lists the plate formats", path: rec, format: "crnn", wantErr: `unknown model format "crnn" (want "yolox" or "nanodet") (or a plate format: "hyperlpr3", "lprnet", "plate-color")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckModel(context.Background(), tc.path, tc.format)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
			require.ErrorContains(t, err, tc.path)
			if strings.Contains(tc.wantErr, "cannot run") {
				require.ErrorContains(t, err, "SIGABRT") // OpenCV really aborted the child
			}
			t.Log(err)
		})
	}
	t.Run("hyperlpr3 640 at its size", func(t *testing.T) {
		require.NoError(t, checkModel(context.Background(), det640, FormatHyperLPR3, 640))
	})
}

func TestPlateModelCheckReport(t *testing.T) {
	for _, tc := range []struct {
		name, spec, want string
		code             int
	}{
		{name: "hyperlpr3", spec: `{"path":"` + shared(t, plateDetModel) + `","format":"hyperlpr3","size":320}`, want: "ok outputs [[1 6300 15]]"},
		{name: "hyperlpr3 default size", spec: `{"path":"` + shared(t, plateDetModel) + `","format":"hyperlpr3"}`, want: "ok outputs [[1 6300 15]]"},
		{name: "lprnet", spec: `{"path":"` + shared(t, plateRecModel) + `","format":"lprnet"}`, want: "ok outputs [[68 18]]"},
		{name: "plate-color", spec: `{"path":"` + shared(t, plateColorModel) + `","format":"plate-color"}`, want: "ok outputs [[1 3]]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			require.Equal(t, tc.code, runModelCheck(tc.spec, &out))
			require.Contains(t, out.String(), "sharpeyes-model-check: stage forward")
			require.Contains(t, out.String(), tc.want)
		})
	}
}
