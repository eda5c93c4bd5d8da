package opencv

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

func TestPlateONNXConfigErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.onnx")
	require.NoError(t, os.WriteFile(garbage, []byte("not a model \x00\x01"), 0o600))
	short := filepath.Join(dir, "short.txt")
	require.NoError(t, os.WriteFile(short, []byte(strings.Join(strings.Split("京A1-", ""), "\n")), 0o600))
	rec, det, col := shared(t, plateRecModel), shared(t, plateDetModel), shared(t, plateColorModel)
	for _, tc := range []struct {
		name    string
		cfg     PlateONNXConfig
		wantErr string
	}{
		{name: "no recognizer", cfg: PlateONNXConfig{Detector: det}, wantErr: "recognizer: required"},
		{name: "detector size", cfg: PlateONNXConfig{Recognizer: rec, DetectorSize: 300}, wantErr: "detector_size 300: want a positive multiple of 32"},
		{name: "negative detector size", cfg: PlateONNXConfig{Recognizer: rec, DetectorSize: -32}, wantErr: "detector_size -32"},
		{name: "min detect conf", cfg: PlateONNXConfig{Recognizer: rec, MinDetectConf: 1.5}, wantErr: "min_detect_conf 1.5: want 0–1"},
		{name: "charset missing", cfg: PlateONNXConfig{Recognizer: rec, Charset: filepath.Join(dir, "nope.txt")}, wantErr: "charset " + dir},
		{name: "charset of another model", cfg: PlateONNXConfig{Recognizer: rec, Charset: short}, wantErr: "recognizer: model " + rec + ": warm-up with 4 charset classes"},
		{name: "recognizer missing", cfg: PlateONNXConfig{Recognizer: filepath.Join(dir, "nope.onnx")}, wantErr: "recognizer: model " + dir + "/nope.onnx: file not found"},
		{name: "recognizer garbage", cfg: PlateONNXConfig{Recognizer: garbage}, wantErr: "recognizer: model " + garbage + ": OpenCV cannot load it"},
		{name: "recognizer is a detector", cfg: PlateONNXConfig{Recognizer: det}, wantErr: "recognizer: model " + det + ": OpenCV cannot run it at 94×24"},
		{name: "detector missing", cfg: PlateONNXConfig{Recognizer: rec, Detector: filepath.Join(dir, "nope.onnx")}, wantErr: "detector: model " + dir + "/nope.onnx: file not found"},
		{name: "detector at the wrong size", cfg: PlateONNXConfig{Recognizer: rec, Detector: det, DetectorSize: 640}, wantErr: "detector: model " + det + ": OpenCV cannot run it at 640×640"},
		{name: "detector is a classifier", cfg: PlateONNXConfig{Recognizer: rec, Detector: col}, wantErr: "detector: model " + col + ": OpenCV cannot run it at 320×320"},
		{name: "colour is a recognizer", cfg: PlateONNXConfig{Recognizer: rec, Color: rec}, wantErr: "color: model " + rec + ": OpenCV cannot run it at 96×96"},
		{name: "colour missing", cfg: PlateONNXConfig{Recognizer: rec, Color: filepath.Join(dir, "nope.onnx")}, wantErr: "color: model " + dir + "/nope.onnx: file not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewPlateONNX(tc.cfg)
			require.Nil(t, e)
			require.ErrorContains(t, err, tc.wantErr)
			require.True(t, strings.HasPrefix(err.Error(), "plate onnx: "), err.Error())
			t.Log(err)
		})
	}
}

func TestPlateONNXEngineAndClose(t *testing.T) {
	rec, det, col := shared(t, plateRecModel), shared(t, plateDetModel), shared(t, plateColorModel)
	crop := loadPicture(t, shared(t, plateTestImage))
	for _, tc := range []struct {
		name   string
		cfg    PlateONNXConfig
		engine string
	}{
		{name: "full", cfg: PlateONNXConfig{Detector: det, Recognizer: rec, Color: col}, engine: "onnx(hyperlpr3-320+lprnet-ctx+cls)"},
		{name: "greedy, charset file", cfg: PlateONNXConfig{Detector: det, Recognizer: rec, Charset: shared(t, plateCharset), GreedyDecode: true}, engine: "onnx(hyperlpr3-320+lprnet-ctx-greedy)"},
		{name: "recognizer only", cfg: PlateONNXConfig{Recognizer: rec}, engine: "onnx(lprnet-ctx)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewPlateONNX(tc.cfg)
			require.NoError(t, err)
			require.Equal(t, tc.engine, e.Engine())
			_, err = e.Read(crop, image.Rectangle{}, 0)
			if tc.cfg.Detector == "" {
				require.EqualError(t, err, "plate onnx: plate detector model not configured")
			} else {
				require.NoError(t, err)
			}
			require.NoError(t, e.Close())
			require.NoError(t, e.Close(), "second Close")
			_, err = e.Read(crop, image.Rectangle{}, 0)
			require.ErrorIs(t, err, errPlateClosed)
			_, err = e.Recognize(crop)
			require.ErrorIs(t, err, errPlateClosed)
		})
	}
}

func TestPlateONNXBadInput(t *testing.T) {
	e := newTestPlateEngine(t, nil)
	pic := plate.Picture{W: 64, H: 32, Pix: make([]byte, 64*32*3)}
	for _, tc := range []struct {
		name    string
		pic     plate.Picture
		roi     image.Rectangle
		wantErr string
	}{
		{name: "empty picture", wantErr: "picture 0x0 with 0 bytes"},
		{name: "short pixels", pic: plate.Picture{W: 64, H: 32, Pix: make([]byte, 100)}, wantErr: "picture 64x32 with 100 bytes: want a non-empty BGR picture of 6144 bytes"},
		{name: "roi outside", pic: pic, roi: image.Rect(100, 100, 200, 200), wantErr: "roi (100,100)-(200,200): outside the 64x32 picture"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Read(tc.pic, tc.roi, 0)
			require.ErrorContains(t, err, tc.wantErr)
			if tc.roi.Empty() {
				_, err = e.Recognize(tc.pic)
				require.ErrorContains(t, err, tc.wantErr)
			}
		})
	}
	t.Run("blank picture holds no plate", func(t *testing.T) {
		fs, err := e.Read(pic, image.Rectangle{}, 0)
		require.NoError(t, err)
		require.Empty(t, fs)
	})
}
