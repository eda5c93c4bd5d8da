package gateway

import (
	"bytes"
	"encoding/json"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// sharedModels is ../shared/models/plate beside the repository, or "" (with the
// reason logged) when the shared data is absent, as in a user's clone.
func sharedModels(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "models", "plate"))
	require.NoError(t, err)
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

const plateRuleYAML = `
  - id: gate
    name: 礐石医院卡口
    camera: cam-1
    type: plate
    dedupe_window: 15s
    lists: [{kind: block, name: 布控车辆, entries: [{text: 京A·6K789, note: 盗抢}]}]
`

// TestEndToEndPlates plays the synthetic checkpoint clip (four cars, one plate
// each) through the RTSP server, the gateway with a plate rule and the Kafka
// broker, and checks one whole loop: exactly one plate alert per car, with the
// right text and colour; the block-listed car at priority 1 in the handling queue;
// crop and scene served as JPEGs; the records searchable by prefix, fuzzy and
// contains. It runs the default, no-model engine: the ONNX recogniser (LPRNet,
// trained on photos of real plates) misreads the synthetic font, and is tested on
// real photos instead (analytics/opencv, TestAnalyzeImages).
func TestEndToEndPlates(t *testing.T) {
	testPlates(t, "")
}

func testPlates(t *testing.T, top string) {
	e := startE2EWith(t, e2eSetup{scene: "checkpoint", rules: plateRuleYAML, top: top, analysis: "{fps: 5, width: 1280}, transport: tcp"})
	online := e.waitOnline(40 * time.Second)
	// A pass ends a second after its plate is last seen.
	_, loopStart, loopEnd := e.playLoop(online.Add(time.Second), 60*time.Second, 3*time.Second)

	want := map[string]string{} // text → colour
	for _, p := range e.clip.Truth.Plates {
		want[plate.Normalize(p.Text)] = p.Color
	}
	got := map[string]receivedAlert{}
	sch := alertSchema(t)
	for _, a := range e.alerts() {
		ft := parseFrameTime(t, a.FrameTime)
		if a.Type != "plate" || ft.Before(loopStart) || !ft.Before(loopEnd) {
			continue
		}
		t.Logf("plate %s colour %s conf %.3f reads %d box %+v at %s", a.Plate.Text, a.Plate.Color, a.Plate.Confidence, a.Plate.Reads, a.Plate.BBox, a.FrameTime)
		validateAlert(t, sch, a.raw)
		require.Equal(t, "pulse", a.Action)
		require.NotNil(t, a.Plate)
		_, dup := got[a.Plate.Text]
		require.False(t, dup, "plate %s reported twice in one loop", a.Plate.Text)
		got[a.Plate.Text] = a
	}
	var texts []string
	for txt := range got {
		texts = append(texts, txt)
	}
	wantTexts := make([]string, 0, len(want))
	for txt := range want {
		wantTexts = append(wantTexts, txt)
	}
	require.ElementsMatch(t, wantTexts, texts, "one alert per car, each plate read right")
	for txt, a := range got {
		if c := want[txt]; c != "" {
			require.Equal(t, c, a.Plate.Color, "colour of %s", txt)
		}
		require.True(t, a.Plate.Valid)
		require.NotEmpty(t, a.Plate.Type)
		for _, u := range []string{a.SnapshotURL, a.Plate.CropURL} {
			resp, err := authClient(testViewerToken).Get(u)
			require.NoError(t, err)
			var buf bytes.Buffer
			_, err = buf.ReadFrom(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, u)
			_, err = jpeg.Decode(&buf)
			require.NoError(t, err, "%s is a JPEG", u)
		}
	}
	blocked := got["京A6K789"]
	require.Equal(t, 1, blocked.Priority, "a block-list hit is priority 1")
	require.NotNil(t, blocked.ListHit)
	require.Equal(t, AlertListHit{List: "block", Name: "布控车辆", Entry: "京A6K789", Note: "盗抢"}, *blocked.ListHit)
	require.Equal(t, 3, got["粤D12345"].Priority)
	require.Nil(t, got["粤D12345"].ListHit)

	// The records are searchable; only the block-list hit is an alert to handle.
	base := "http://" + e.gw.HTTPAddr()
	search := func(q url.Values) PlatePage {
		var page PlatePage
		require.Eventually(t, func() bool {
			code, _, body := doRequest(t, testOperatorToken, "GET", base+"/api/v1/plates?"+q.Encode(), "", nil)
			require.Equal(t, http.StatusOK, code, body)
			require.NoError(t, json.Unmarshal([]byte(body), &page))
			return len(page.Plates) > 0
		}, 10*time.Second, 100*time.Millisecond, "search %v", q)
		return page
	}
	page := search(url.Values{"text": {"粤d·123"}})
	require.Equal(t, "粤D12345", page.Plates[0].Text)
	require.Equal(t, "河渡路口", page.Plates[0].Camera.Name)
	require.NotEmpty(t, page.Plates[0].CropURL)
	page = search(url.Values{"text": {"粤D12845"}, "match": {"fuzzy"}})
	require.Equal(t, "粤D12345", page.Plates[0].Text, "one wrong character still finds it")
	page = search(url.Values{"text": {"K789"}, "match": {"contains"}})
	require.Equal(t, "京A6K789", page.Plates[0].Text)
	code, _, body := doRequest(t, testOperatorToken, "GET", base+"/api/v1/plates?match=regex", "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	var fe struct {
		Errors []struct{ Field, Message string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &fe))
	require.Len(t, fe.Errors, 1, body)
	require.Equal(t, "match", fe.Errors[0].Field)

	var alerts AlertPage
	code, _, body = doRequest(t, testOperatorToken, "GET", base+"/api/v1/alerts?type=plate", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, json.Unmarshal([]byte(body), &alerts))
	require.NotEmpty(t, alerts.Alerts)
	for _, a := range alerts.Alerts {
		var doc Alert
		require.NoError(t, json.Unmarshal(a.Alert, &doc))
		require.Equal(t, "京A6K789", doc.Plate.Text, "only block-list hits enter the handling queue")
	}
}

// TestAnalyzeImages runs `analyze --image` with the ONNX engine (models from
// ../shared) on a photo of a real plate, and checks the JSON line it prints,
// for LPRNet reading, the classic engine reading and the two voting.
func TestAnalyzeImages(t *testing.T) {
	dir := sharedModels(t)
	if dir == "" {
		t.Skip("../shared/models/plate is absent (a user's clone): the ONNX engine cannot be tested")
	}
	img := filepath.Join(dir, "..", "images", "hyperlpr_test_img.jpg")
	model := func(name string) string { return filepath.Join(dir, name) }
	lprnet := model("lprnet_94x24.onnx")
	for _, tc := range []struct {
		name, plates, engine string
	}{
		{name: "lprnet", plates: "recognizer: " + lprnet + ", charset: " + model("lprnet_chars.txt"), engine: "onnx(hyperlpr3-320+lprnet-ctx+cls)"},
		{name: "classic reads", plates: "recognizer: classic", engine: "onnx(hyperlpr3-320+read:classic+cls)"},
		{name: "classic votes", plates: "recognizer: " + lprnet + ", vote: classic", engine: "onnx(hyperlpr3-320+lprnet-ctx+vote:classic+cls)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "plates.yaml")
			require.NoError(t, os.WriteFile(cfg, []byte("plates: {engine: onnx, detector: "+model("hyperlpr3_y5fu_320x_sim.onnx")+
				", color: "+model("hyperlpr3_litemodel_cls_96x_r1.onnx")+", "+tc.plates+"}\n"), 0o600))
			var out, logs bytes.Buffer
			require.NoError(t, AnalyzeImages(t.Context(), ImageOptions{ConfigPath: cfg, Images: []string{img}}, &out, &logs), logs.String())
			var p ImagePlate
			require.NoError(t, json.Unmarshal(out.Bytes(), &p), out.String())
			require.LessOrEqual(t, plate.Distance(p.Text, "苏ED51712"), 1, "the plate in the photo is 苏ED51712 (checked by eye); got %s", p.Text)
			require.Equal(t, "green", p.Color, "a new-energy plate")
			require.Greater(t, p.BBox[2], 100)
			require.Equal(t, tc.engine, p.Engine)

			err := AnalyzeImages(t.Context(), ImageOptions{ConfigPath: cfg, Images: []string{filepath.Join(t.TempDir(), "missing.jpg")}}, &out, &logs)
			require.ErrorContains(t, err, "1 of 1 images could not be read")
		})
	}
}
