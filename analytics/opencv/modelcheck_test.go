package opencv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckModel(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.onnx")
	require.NoError(t, os.WriteFile(garbage, []byte("this is not a protobuf at all \x00\xff\x13"), 0o600))
	unknownOp := filepath.Join(dir, "unknown-op.onnx")
	require.NoError(t, os.WriteFile(unknownOp, onnxOneNode("SharpEyesNoSuchOp", 13, 416), 0o600))
	identity := filepath.Join(dir, "identity.onnx")
	require.NoError(t, os.WriteFile(identity, onnxOneNode("Identity", 13, 416), 0o600))
	for _, tc := range []struct {
		name, path, format string
		wantErr            string
	}{
		{name: "yolox", path: shared(t, "detect/yolox_nano.onnx"), format: FormatYOLOX},
		{name: "nanodet", path: shared(t, "detect/object_detection_nanodet_2022nov.onnx"), format: FormatNanoDet},
		{name: "missing file", path: filepath.Join(dir, "nope.onnx"), format: FormatYOLOX, wantErr: "file not found"},
		{name: "directory", path: dir, format: FormatYOLOX, wantErr: "not a regular file"},
		{name: "unknown format", path: garbage, format: "ssd", wantErr: `unknown model format "ssd"`},
		{name: "garbage", path: garbage, format: FormatYOLOX, wantErr: "OpenCV cannot load it: OpenCV(4.6.0)"},
		{name: "well-formed ONNX with an unknown op", path: unknownOp, format: FormatYOLOX, wantErr: "OpenCV cannot load it: OpenCV(4.6.0)"},
		{name: "identity graph", path: identity, format: FormatYOLOX, wantErr: "wrong output shape for yolox"},
		{name: "yolox as nanodet", path: shared(t, "detect/yolox_nano.onnx"), format: FormatNanoDet, wantErr: "wrong output shape for nanodet"},
		{name: "nanodet as yolox", path: shared(t, "detect/object_detection_nanodet_2022nov.onnx"), format: FormatYOLOX, wantErr: "wrong output shape for yolox"},
		{name: "fixed-size classifier", path: shared(t, "plate/hyperlpr3_litemodel_cls_96x_r1.onnx"), format: FormatYOLOX, wantErr: "OpenCV cannot run it at 416×416"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckModel(context.Background(), tc.path, tc.format)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
			require.ErrorContains(t, err, tc.path)
			t.Log(err)
		})
	}
}

func TestCheckModelGuards(t *testing.T) {
	model := shared(t, yoloxModel)
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, CheckModel(ctx, model, FormatYOLOX), context.Canceled)
	})
	t.Run("inside a check", func(t *testing.T) {
		t.Setenv(modelCheckEnv, `{"path":"x"}`)
		require.ErrorContains(t, CheckModel(context.Background(), model, FormatYOLOX), "RunModelCheckIfRequested was not called")
	})
}

func TestRunModelCheckReport(t *testing.T) {
	for _, tc := range []struct {
		name, spec, want string
		code             int
	}{
		{name: "ok", spec: `{"path":"` + shared(t, yoloxModel) + `","format":"yolox","size":320}`, want: "ok outputs [[1 2100 85]]"},
		{name: "bad spec", spec: `{`, want: "error bad " + modelCheckEnv, code: 1},
		{name: "bad format", spec: `{"path":"x","format":"ssd","size":320}`, want: "unknown model format", code: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			require.Equal(t, tc.code, runModelCheck(tc.spec, &out))
			require.Contains(t, out.String(), tc.want)
		})
	}
}
