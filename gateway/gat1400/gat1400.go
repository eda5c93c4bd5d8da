// Package gat1400 maps plate records onto the GA/T 1400 (公安视频图像信息应用系统) 视图库
// motor-vehicle object (机动车对象, MotorVehicle) and its JSON list envelope, so checkpoint
// captures can be handed to public-security image platforms. It has no goroutines and
// does no I/O.
package gat1400

import (
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// Record is one plate capture: one vehicle pass at a checkpoint camera.
type Record struct {
	// DeviceID is the camera's 20-digit GB/T 28181 code.
	DeviceID string
	// PassTime is when the vehicle passed (the scene snapshot's capture time).
	PassTime time.Time
	// Plate is the parsed plate (plate.Parse); Color its colour and Type its GA 24.7 type.
	Plate plate.Plate
	Color plate.Color
	Type  plate.Type
	// Conf is the whole-plate confidence in [0, 1]; CharConf optionally one per
	// character of Plate.Text.
	Conf     float64
	CharConf []float64
	// VehicleBox and PlateBox are {left, top, right, bottom} in scene pixels.
	VehicleBox, PlateBox [4]int
	// SceneURL and PlateURL locate the scene snapshot and the plate crop (absolute URLs).
	// PlateURL may be empty.
	SceneURL, PlateURL string
	// SceneWidth and SceneHeight are the scene snapshot's size in pixels.
	SceneWidth, SceneHeight int
	// Speed is in km/h (0 when unknown).
	Speed float64
	// Direction is the GA/T 1400 direction code, "1"–"9", or empty.
	Direction string
	// Lane is the lane number, 0 when unknown.
	Lane int
	// Seq distinguishes records of the same camera and second, 0–49999 (see the README
	// for how it enters the IDs).
	Seq int
}

// MotorVehicle is the GA/T 1400 MotorVehicleObject, limited to the fields a plate
// capture fills. Field names follow the standard's JSON, including its "Url" spelling.
type MotorVehicle struct {
	MotorVehicleID       string       `json:"MotorVehicleID"`
	InfoKind             int          `json:"InfoKind"`
	SourceID             string       `json:"SourceID"`
	DeviceID             string       `json:"DeviceID"`
	StorageURL1          string       `json:"StorageUrl1"`
	LeftTopX             int          `json:"LeftTopX"`
	LeftTopY             int          `json:"LeftTopY"`
	RightBtmX            int          `json:"RightBtmX"`
	RightBtmY            int          `json:"RightBtmY"`
	LaneNo               int          `json:"LaneNo,omitempty"`
	HasPlate             string       `json:"HasPlate"`
	PlateClass           string       `json:"PlateClass"`
	PlateColor           string       `json:"PlateColor"`
	PlateNo              string       `json:"PlateNo"`
	PlateNoAttach        string       `json:"PlateNoAttach,omitempty"`
	PlateReliability     string       `json:"PlateReliability,omitempty"`
	PlateCharReliability string       `json:"PlateCharReliability,omitempty"`
	Speed                float64      `json:"Speed"`
	Direction            string       `json:"Direction,omitempty"`
	PassTime             string       `json:"PassTime"`
	SubImageList         SubImageList `json:"SubImageList"`
}

// SubImageList is the image list of an object.
type SubImageList struct {
	SubImageInfoObject []SubImageInfo `json:"SubImageInfoObject"`
}

// SubImageInfo describes one image of an object: the scene or the plate crop.
type SubImageInfo struct {
	ImageID     string `json:"ImageID"`
	DeviceID    string `json:"DeviceID"`
	StoragePath string `json:"StoragePath"`
	Type        string `json:"Type"`
	FileFormat  string `json:"FileFormat"`
	ShotTime    string `json:"ShotTime"`
	Width       int    `json:"Width"`
	Height      int    `json:"Height"`
}

// MotorVehicleList is the envelope {"MotorVehicleListObject":{"MotorVehicleObject":[...]}}.
type MotorVehicleList struct {
	MotorVehicleListObject MotorVehicleListObject `json:"MotorVehicleListObject"`
}

// MotorVehicleListObject holds the objects of a MotorVehicleList.
type MotorVehicleListObject struct {
	MotorVehicleObject []MotorVehicle `json:"MotorVehicleObject"`
}
