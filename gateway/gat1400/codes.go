package gat1400

import (
	"path"
	"strings"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// TimeLayout is the GA/T 1400 date-time format, yyyyMMddHHmmss, in Beijing time.
const TimeLayout = "20060102150405"

// beijing is UTC+8, the zone of every GA/T 1400 time. A fixed zone needs no tzdata.
var beijing = time.FixedZone("CST", 8*60*60)

// Codes used in a MotorVehicle (GA/T 1400.3 code tables).
const (
	infoKindAuto    = 1    // InfoKind 1 自动采集
	hasPlateYes     = "1"  // HasPlate 1 有牌
	imageSubtype    = "02" // 视频图像信息基本要素ID 子类型: 02 图像
	objectMotorType = "02" // 视频图像信息对象ID 类型: 02 机动车
	imageTypePlate  = "02" // ImageType 02 车牌彩色小图
	imageTypeScene  = "01" // ImageType 01 车辆大图 (the checkpoint frame)
)

// PlateColorCode returns the GA/T 1400 colour code of a plate colour: 1 黑, 2 白, 5 蓝,
// 6 黄, 9 绿 (large new-energy yellow-green included), 99 其他 for ColorUnknown.
func PlateColorCode(c plate.Color) string {
	switch c {
	case plate.ColorBlack:
		return "1"
	case plate.ColorWhite:
		return "2"
	case plate.ColorBlue:
		return "5"
	case plate.ColorYellow:
		return "6"
	case plate.ColorGreen:
		return "9"
	}
	return "99"
}

// fileFormat guesses the GA/T 1400 FileFormat from the URL's extension; snapshots are
// JPEG unless the name says otherwise.
func fileFormat(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	switch strings.ToLower(path.Ext(u)) {
	case ".png":
		return "Png"
	case ".bmp":
		return "Bmp"
	case ".gif":
		return "Gif"
	}
	return "Jpeg"
}
