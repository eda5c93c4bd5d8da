package plate

import (
	"fmt"
	"strings"
)

// Color is the background colour of a plate as a colour classifier reports it.
// The zero value is ColorUnknown.
type Color uint8

// Plate colours. Large new-energy plates are yellow-green; they are reported as ColorGreen.
const (
	ColorUnknown Color = iota
	ColorBlue
	ColorYellow
	ColorGreen
	ColorWhite
	ColorBlack
)

var colorNames = [...]struct{ en, zh string }{
	ColorUnknown: {"unknown", "未知"},
	ColorBlue:    {"blue", "蓝"},
	ColorYellow:  {"yellow", "黄"},
	ColorGreen:   {"green", "绿"},
	ColorWhite:   {"white", "白"},
	ColorBlack:   {"black", "黑"},
}

// String returns the English name used in alerts and configuration: "blue", "yellow", ...
func (c Color) String() string {
	if int(c) < len(colorNames) {
		return colorNames[c].en
	}
	return fmt.Sprintf("Color(%d)", uint8(c))
}

// Chinese returns the one-character Chinese name: 蓝 黄 绿 白 黑 (未知 for ColorUnknown).
func (c Color) Chinese() string {
	if int(c) < len(colorNames) {
		return colorNames[c].zh
	}
	return colorNames[ColorUnknown].zh
}

// ParseColor accepts the English name (any case) or the Chinese name, with or without a
// trailing 色 or 牌 ("蓝", "蓝色", "蓝牌"). The empty string is ColorUnknown.
func ParseColor(s string) (Color, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return ColorUnknown, nil
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, "牌"), "色")
	for c, n := range colorNames {
		if t == n.en || t == n.zh {
			return Color(c), nil
		}
	}
	return ColorUnknown, fmt.Errorf("unknown plate colour %q (want blue, yellow, green, white, black or unknown)", s)
}

// MarshalText encodes the English name.
func (c Color) MarshalText() ([]byte, error) {
	if int(c) >= len(colorNames) {
		return nil, fmt.Errorf("invalid plate colour %d", uint8(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText accepts what ParseColor accepts.
func (c *Color) UnmarshalText(b []byte) error {
	v, err := ParseColor(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// CheckColor reports whether c is a colour that plates of p's kind carry (see
// Kind.Colors). An unknown colour or an unknown kind never checks.
func CheckColor(p Plate, c Color) bool {
	for _, want := range p.Kind.Colors() {
		if c == want {
			return true
		}
	}
	return false
}
