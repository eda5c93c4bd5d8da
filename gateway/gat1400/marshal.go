package gat1400

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// NewMotorVehicle validates r and maps it onto a MotorVehicle.
func NewMotorVehicle(r Record) (MotorVehicle, error) {
	if err := r.Validate(); err != nil {
		return MotorVehicle{}, err
	}
	pass := r.PassTime.In(beijing).Format(TimeLayout)
	sourceID := imageID(r.DeviceID, pass, r.Seq)
	v := MotorVehicle{
		MotorVehicleID:   sourceID + objectMotorType + "00001",
		InfoKind:         infoKindAuto,
		SourceID:         sourceID,
		DeviceID:         r.DeviceID,
		StorageURL1:      r.SceneURL,
		LeftTopX:         r.VehicleBox[0],
		LeftTopY:         r.VehicleBox[1],
		RightBtmX:        r.VehicleBox[2],
		RightBtmY:        r.VehicleBox[3],
		LaneNo:           r.Lane,
		HasPlate:         hasPlateYes,
		PlateClass:       r.Type.Code(),
		PlateColor:       PlateColorCode(r.Color),
		PlateNo:          r.Plate.Text,
		PlateReliability: percent(r.Conf),
		Speed:            r.Speed,
		Direction:        r.Direction,
		PassTime:         pass,
	}
	v.PlateCharReliability = charReliability(r.Plate.Text, r.CharConf)
	v.SubImageList.SubImageInfoObject = append(v.SubImageList.SubImageInfoObject, SubImageInfo{
		ImageID: sourceID, DeviceID: r.DeviceID, StoragePath: r.SceneURL, Type: imageTypeScene,
		FileFormat: fileFormat(r.SceneURL), ShotTime: pass, Width: r.SceneWidth, Height: r.SceneHeight,
	})
	if r.PlateURL != "" {
		v.SubImageList.SubImageInfoObject = append(v.SubImageList.SubImageInfoObject, SubImageInfo{
			ImageID: imageID(r.DeviceID, pass, r.Seq+maxSeq+1), DeviceID: r.DeviceID, StoragePath: r.PlateURL,
			Type: imageTypePlate, FileFormat: fileFormat(r.PlateURL), ShotTime: pass,
			Width: r.PlateBox[2] - r.PlateBox[0], Height: r.PlateBox[3] - r.PlateBox[1],
		})
	}
	return v, nil
}

// Marshal maps records and encodes them in the MotorVehicleList envelope. The first
// record that does not validate fails the whole call, naming its index and field.
func Marshal(records []Record) ([]byte, error) {
	list := MotorVehicleList{MotorVehicleListObject: MotorVehicleListObject{
		MotorVehicleObject: make([]MotorVehicle, 0, len(records)),
	}}
	for i, r := range records {
		v, err := NewMotorVehicle(r)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		list.MotorVehicleListObject.MotorVehicleObject = append(list.MotorVehicleListObject.MotorVehicleObject, v)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep '&' in URLs readable
	if err := enc.Encode(list); err != nil {
		return nil, fmt.Errorf("encode MotorVehicleList: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// imageID is a 41-character 视频图像信息基本要素ID: device (20) + subtype 02 图像 (2) +
// time (14) + sequence (5).
func imageID(device, pass string, seq int) string {
	return fmt.Sprintf("%s%s%s%05d", device, imageSubtype, pass, seq)
}

// percent renders a confidence as a whole percentage ("93").
func percent(conf float64) string {
	return strconv.Itoa(int(math.Round(conf * 100)))
}

// charReliability renders per-character confidences as "粤-98,B-95,...".
func charReliability(text string, conf []float64) string {
	if len(conf) == 0 {
		return ""
	}
	parts := make([]string, 0, len(conf))
	i := 0
	for _, r := range text {
		parts = append(parts, string(r)+"-"+percent(conf[i]))
		i++
	}
	return strings.Join(parts, ",")
}
