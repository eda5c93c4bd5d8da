package plate

import (
	"fmt"
	"strconv"
)

// Type is the plate type (号牌种类) of GA 24.7; its value is the numeric code, so
// Type(2) is 02 小型汽车. The zero value is not a type.
type Type uint8

// GA 24.7 plate types that Parse can tell apart.
const (
	TypeLargeCar       Type = 1  // 01 大型汽车
	TypeSmallCar       Type = 2  // 02 小型汽车
	TypeEmbassy        Type = 3  // 03 使馆汽车
	TypeConsulate      Type = 4  // 04 领馆汽车
	TypeTrailer        Type = 15 // 15 挂车
	TypeCoach          Type = 16 // 16 教练汽车
	TypePolice         Type = 23 // 23 警用汽车
	TypeHongKong       Type = 26 // 26 香港入出境车
	TypeMacau          Type = 27 // 27 澳门入出境车
	TypeArmedPolice    Type = 31 // 31 武警号牌
	TypeMilitary       Type = 32 // 32 军队号牌
	TypeNewEnergyLarge Type = 51 // 51 大型新能源汽车
	TypeNewEnergySmall Type = 52 // 52 小型新能源汽车
	TypeOther          Type = 99 // 99 其他号牌
)

var typeNames = map[Type]string{
	TypeLargeCar:       "大型汽车",
	TypeSmallCar:       "小型汽车",
	TypeEmbassy:        "使馆汽车",
	TypeConsulate:      "领馆汽车",
	TypeTrailer:        "挂车",
	TypeCoach:          "教练汽车",
	TypePolice:         "警用汽车",
	TypeHongKong:       "香港入出境车",
	TypeMacau:          "澳门入出境车",
	TypeArmedPolice:    "武警号牌",
	TypeMilitary:       "军队号牌",
	TypeNewEnergyLarge: "大型新能源汽车",
	TypeNewEnergySmall: "小型新能源汽车",
	TypeOther:          "其他号牌",
}

// Known reports whether t is one of the types above.
func (t Type) Known() bool {
	_, ok := typeNames[t]
	return ok
}

// Code returns the two-digit GA 24.7 code ("02"), or "" for a type not listed above.
func (t Type) Code() string {
	if !t.Known() {
		return ""
	}
	return fmt.Sprintf("%02d", uint8(t))
}

// Name returns the Chinese name (小型汽车), or "" for a type not listed above.
func (t Type) Name() string { return typeNames[t] }

// String returns "02 小型汽车".
func (t Type) String() string {
	if !t.Known() {
		return fmt.Sprintf("Type(%d)", uint8(t))
	}
	return t.Code() + " " + t.Name()
}

// MarshalText encodes the two-digit code.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Known() {
		return nil, fmt.Errorf("invalid plate type %d", uint8(t))
	}
	return []byte(t.Code()), nil
}

// UnmarshalText decodes a code written by MarshalText ("2" is accepted for "02").
func (t *Type) UnmarshalText(b []byte) error {
	n, err := strconv.ParseUint(string(b), 10, 8)
	if err != nil || !Type(n).Known() {
		return fmt.Errorf("unknown plate type code %q", b)
	}
	*t = Type(n)
	return nil
}

// TypeOf returns the GA 24.7 type of a plate read with background colour c. An ordinary
// plate is 01 大型汽车 when yellow and 02 小型汽车 when blue; with any other colour, and
// for invalid or unknown plates, the type is 99 其他号牌. The other kinds map one to one.
func TypeOf(p Plate, c Color) Type {
	if !p.Valid {
		return TypeOther
	}
	switch p.Kind {
	case KindOrdinary:
		switch c {
		case ColorYellow:
			return TypeLargeCar
		case ColorBlue:
			return TypeSmallCar
		}
		return TypeOther
	case KindNewEnergySmall:
		return TypeNewEnergySmall
	case KindNewEnergyLarge:
		return TypeNewEnergyLarge
	case KindPolice:
		return TypePolice
	case KindCoach:
		return TypeCoach
	case KindTrailer:
		return TypeTrailer
	case KindHongKong:
		return TypeHongKong
	case KindMacau:
		return TypeMacau
	case KindEmbassy:
		return TypeEmbassy
	case KindConsulate:
		return TypeConsulate
	case KindMilitary:
		return TypeMilitary
	case KindArmedPolice:
		return TypeArmedPolice
	}
	return TypeOther
}
