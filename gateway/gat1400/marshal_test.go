package gat1400

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// fixtures returns the records behind testdata/*.json, keyed by file name.
func fixtures() map[string]Record {
	blue := plate.Parse("粤B·12345")
	nev := plate.Parse("粤BD12345")
	police := plate.Parse("京A0001警")
	return map[string]Record{
		"blue_ordinary.json": {
			DeviceID: "44030500001320000001",
			// 08:15:30 in Beijing; given in UTC to check the zone conversion.
			PassTime: time.Date(2025, 3, 1, 0, 15, 30, 0, time.UTC),
			Plate:    blue, Color: plate.ColorBlue, Type: plate.TypeOf(blue, plate.ColorBlue),
			Conf:       0.934,
			CharConf:   []float64{0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93},
			VehicleBox: [4]int{400, 300, 1200, 900},
			PlateBox:   [4]int{700, 780, 860, 830},
			SceneURL:   "http://gw.example:8080/snapshots/cam1-42.jpg?sig=a&exp=1",
			PlateURL:   "http://gw.example:8080/snapshots/cam1-42-plate.jpg",
			SceneWidth: 1920, SceneHeight: 1080,
			Speed: 42.5, Direction: "1", Lane: 2, Seq: 42,
		},
		"green_nev.json": {
			DeviceID: "44030500001320000001",
			PassTime: time.Date(2025, 3, 1, 8, 16, 12, 0, time.FixedZone("CST", 8*3600)),
			Plate:    nev, Color: plate.ColorGreen, Type: plate.TypeOf(nev, plate.ColorGreen),
			Conf:       0.88,
			VehicleBox: [4]int{10, 20, 630, 350},
			PlateBox:   [4]int{300, 300, 396, 330},
			SceneURL:   "https://gw.example/snapshots/cam1-7.jpg",
			PlateURL:   "https://gw.example/snapshots/cam1-7-plate.PNG",
			SceneWidth: 640, SceneHeight: 360,
			Seq: 7,
		},
		"police.json": {
			DeviceID: "11010800001320000007",
			PassTime: time.Date(2025, 12, 31, 15, 59, 59, 0, time.UTC),
			Plate:    police, Color: plate.ColorWhite, Type: plate.TypeOf(police, plate.ColorWhite),
			Conf:       1,
			VehicleBox: [4]int{0, 0, 1280, 720},
			SceneURL:   "http://10.0.0.5/snapshots/gate-east.jpg",
			SceneWidth: 1280, SceneHeight: 720,
			Speed: 61, Direction: "4", Lane: 1, Seq: 49999,
		},
	}
}

func TestMarshalGolden(t *testing.T) {
	for name, rec := range fixtures() {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", name))
			require.NoError(t, err)
			got, err := Marshal([]Record{rec})
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(got))
		})
	}
}

func TestMarshalEnvelope(t *testing.T) {
	f := fixtures()
	recs := []Record{f["blue_ordinary.json"], f["green_nev.json"], f["police.json"]}
	b, err := Marshal(recs)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), `{"MotorVehicleListObject":{"MotorVehicleObject":[`), string(b[:60]))
	require.Contains(t, string(b), "sig=a&exp=1", "URLs are not HTML-escaped")
	require.Contains(t, string(b), "粤B12345", "Chinese characters are not escaped")

	var list MotorVehicleList
	require.NoError(t, json.Unmarshal(b, &list))
	objs := list.MotorVehicleListObject.MotorVehicleObject
	require.Len(t, objs, 3)
	for i, v := range objs {
		require.Len(t, v.SourceID, 41)
		require.Len(t, v.MotorVehicleID, 48)
		require.Equal(t, v.SourceID, v.MotorVehicleID[:41], "MotorVehicleID starts with the source image ID")
		require.Equal(t, "02", v.MotorVehicleID[41:43], "object type 02 机动车")
		require.Equal(t, recs[i].DeviceID, v.SourceID[:20])
		require.Equal(t, "02", v.SourceID[20:22], "subtype 02 图像")
		require.Equal(t, v.PassTime, v.SourceID[22:36])
		for _, img := range v.SubImageList.SubImageInfoObject {
			require.Len(t, img.ImageID, 41)
		}
	}

	empty, err := Marshal(nil)
	require.NoError(t, err)
	require.JSONEq(t, `{"MotorVehicleListObject":{"MotorVehicleObject":[]}}`, string(empty))
}

func TestPlateColorCode(t *testing.T) {
	cases := map[plate.Color]string{
		plate.ColorBlack: "1", plate.ColorWhite: "2", plate.ColorBlue: "5",
		plate.ColorYellow: "6", plate.ColorGreen: "9", plate.ColorUnknown: "99",
	}
	for c, want := range cases {
		require.Equal(t, want, PlateColorCode(c), c.String())
	}
}

func TestFileFormat(t *testing.T) {
	cases := map[string]string{
		"http://h/a.jpg": "Jpeg", "http://h/a.JPEG": "Jpeg", "http://h/a.png?x=1.jpg": "Png",
		"http://h/a.bmp#f": "Bmp", "http://h/a.gif": "Gif", "http://h/snap?id=3": "Jpeg",
	}
	for u, want := range cases {
		require.Equal(t, want, fileFormat(u), u)
	}
}

func TestValidate(t *testing.T) {
	good := fixtures()["blue_ordinary.json"]
	require.NoError(t, good.Validate())
	cases := []struct {
		name  string
		edit  func(r *Record)
		field string
	}{
		{"device too short", func(r *Record) { r.DeviceID = "4403050000132000000" }, "DeviceID"},
		{"device not digits", func(r *Record) { r.DeviceID = "4403050000132000000X" }, "DeviceID"},
		{"device empty", func(r *Record) { r.DeviceID = "" }, "DeviceID"},
		{"no pass time", func(r *Record) { r.PassTime = time.Time{} }, "PassTime"},
		{"pass time year 10000", func(r *Record) { r.PassTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "PassTime"},
		{"seq negative", func(r *Record) { r.Seq = -1 }, "Seq"},
		{"seq too large", func(r *Record) { r.Seq = 50000 }, "Seq"},
		{"empty plate", func(r *Record) { r.Plate = plate.Plate{} }, "Plate"},
		{"plate not normalised", func(r *Record) { r.Plate.Text = "粤B·12345" }, "Plate"},
		{"plate too long", func(r *Record) { r.Plate = plate.Parse("ABCDEFGHJKLMNPQR") }, "Plate"},
		{"unknown colour", func(r *Record) { r.Color = plate.Color(9) }, "Color"},
		{"unknown type", func(r *Record) { r.Type = plate.Type(0) }, "Type"},
		{"conf above 1", func(r *Record) { r.Conf = 93 }, "Conf"},
		{"conf NaN", func(r *Record) { r.Conf = math.NaN() }, "Conf"},
		{"char conf count", func(r *Record) { r.CharConf = []float64{0.9} }, "CharConf"},
		{"char conf value", func(r *Record) { r.CharConf[3] = -0.1 }, "CharConf[3]"},
		{"no scene URL", func(r *Record) { r.SceneURL = "" }, "SceneURL"},
		{"relative scene URL", func(r *Record) { r.SceneURL = "/snapshots/a.jpg" }, "SceneURL"},
		{"bad plate URL", func(r *Record) { r.PlateURL = "http://[::1" }, "PlateURL"},
		{"no scene size", func(r *Record) { r.SceneWidth = 0 }, "SceneWidth"},
		{"empty vehicle box", func(r *Record) { r.VehicleBox = [4]int{} }, "VehicleBox"},
		{"inverted vehicle box", func(r *Record) { r.VehicleBox = [4]int{900, 300, 400, 900} }, "VehicleBox"},
		{"vehicle box outside scene", func(r *Record) { r.VehicleBox = [4]int{400, 300, 2000, 900} }, "VehicleBox"},
		{"negative plate box", func(r *Record) { r.PlateBox = [4]int{-1, 780, 860, 830} }, "PlateBox"},
		{"plate URL without plate box", func(r *Record) { r.PlateBox = [4]int{} }, "PlateBox"},
		{"negative speed", func(r *Record) { r.Speed = -3 }, "Speed"},
		{"absurd speed", func(r *Record) { r.Speed = 1200 }, "Speed"},
		{"direction word", func(r *Record) { r.Direction = "east" }, "Direction"},
		{"direction zero", func(r *Record) { r.Direction = "0" }, "Direction"},
		{"lane negative", func(r *Record) { r.Lane = -1 }, "Lane"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			r.CharConf = append([]float64(nil), good.CharConf...)
			tc.edit(&r)
			err := r.Validate()
			var fe *FieldError
			require.True(t, errors.As(err, &fe), "error %v", err)
			require.Equal(t, tc.field, fe.Field, fe.Error())
			require.True(t, strings.HasPrefix(err.Error(), tc.field+": "))

			_, err = Marshal([]Record{good, r})
			require.ErrorContains(t, err, "record 1: "+tc.field+": ")
			_, err = NewMotorVehicle(r)
			require.ErrorAs(t, err, &fe)
		})
	}
}

func TestOptionalFieldsAccepted(t *testing.T) {
	r := fixtures()["police.json"]
	r.Speed, r.Direction, r.Lane, r.Conf = 0, "", 0, 0
	r.PlateURL, r.PlateBox = "", [4]int{}
	r.Color = plate.ColorUnknown
	v, err := NewMotorVehicle(r)
	require.NoError(t, err)
	require.Equal(t, "99", v.PlateColor)
	require.Equal(t, "0", v.PlateReliability)
	require.Len(t, v.SubImageList.SubImageInfoObject, 1)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.NotContains(t, string(b), `"LaneNo"`)
	require.NotContains(t, string(b), `"Direction"`)
	require.Contains(t, string(b), `"Speed":0`)
}
