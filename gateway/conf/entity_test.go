package conf

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEntityRoundTrip(t *testing.T) {
	cam, err := DecodeCamera([]byte(`{"id":"c1","name":"河渡路口","url":"rtsp://admin:s3cret@10.0.0.5/live","grid":"440512001002003",
		"location":{"lat":23.2871,"lon":116.7305},"enabled":false,"analysis":{"fps":5,"detector":{"kind":"onnx","model":{"path":"/m.onnx","classes":{"0":"person"}}}}}`))
	require.NoError(t, err)
	require.Equal(t, "rtsp://admin:s3cret@10.0.0.5/live", cam.URL.Raw())

	secret, err := EncodeCamera(cam, true)
	require.NoError(t, err)
	require.Contains(t, string(secret), "s3cret")
	back, err := DecodeCamera(secret)
	require.NoError(t, err)
	require.Equal(t, cam.URL.Raw(), back.URL.Raw())
	require.False(t, back.IsEnabled(), "enabled: false survives")
	require.Equal(t, "person", back.Analysis.Detector.Model.Classes[0])

	public, err := EncodeCamera(cam, false)
	require.NoError(t, err)
	require.NotContains(t, string(public), "s3cret")
	var m map[string]any
	require.NoError(t, json.Unmarshal(public, &m))
	require.Equal(t, "rtsp://admin:xxxxx@10.0.0.5/live", m["url"])
	require.NotContains(t, m, "sub_url", "empty fields are left out")

	// A redacted password sent back keeps the stored one.
	edited, err := DecodeCamera(public)
	require.NoError(t, err)
	require.Equal(t, cam.URL.Raw(), KeepPassword(edited.URL, cam.URL).Raw())
	other, _ := ParseSecretURL("rtsp://admin:new@10.0.0.5/live")
	require.Equal(t, other.Raw(), KeepPassword(other, cam.URL).Raw())

	r, err := DecodeRule([]byte(`{"id":"r1","camera":"c1","type":"intrusion","polygon":[[0,0],[1,0],[1,1]],"min_duration":"5s"}`))
	require.NoError(t, err)
	doc, err := EncodeRule(r)
	require.NoError(t, err)
	require.Contains(t, string(doc), `[[0,0],[1,0],[1,1]]`, "zero coordinates stay")
	r2, err := DecodeRule(doc)
	require.NoError(t, err)
	require.Equal(t, r, r2)

	g, err := DecodeGrid([]byte(`{"code":"440512001","name":"达濠街道","level":"street"}`))
	require.NoError(t, err)
	gd, err := EncodeGrid(g)
	require.NoError(t, err)
	require.JSONEq(t, `{"code":"440512001","name":"达濠街道","level":"street"}`, string(gd))
}

func TestEntityDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"id":"c1","analysis":{"fps":"fast"}}`, "analysis.fps"},
		{`{"id":"c1","colour":"red"}`, "colour: unknown key"},
		{`{"id":"c1",`, "body: invalid JSON"},
		{``, "body: empty document"},
	} {
		_, err := DecodeCamera([]byte(tc.doc))
		require.ErrorContains(t, err, tc.want, tc.doc)
	}
	_, err := DecodeRule([]byte(`{"id":"r1","type":"tripwire","line":[[0,0]]}`))
	require.ErrorContains(t, err, "line")
}
