package plate

import "fmt"

// Kind is the plate format (GA 36 号牌) that Parse recognised. The zero value is
// KindUnknown: no mainland format fits, as with a foreign (Latin-only) plate.
type Kind uint8

// Plate kinds.
const (
	KindUnknown        Kind = iota
	KindOrdinary            // 粤D12345: blue small car or yellow large car; the colour decides
	KindNewEnergySmall      // 粤BD12345: small new-energy car, green
	KindNewEnergyLarge      // 粤B12345D: large new-energy car, yellow-green
	KindPolice              // 粤A1234警, white
	KindCoach               // 粤A1234学, yellow
	KindTrailer             // 粤A1234挂, yellow
	KindHongKong            // 粤Z1234港, black
	KindMacau               // 粤Z1234澳, black
	KindEmbassy             // 使014578, black
	KindConsulate           // 沪A1234领, black
	KindMilitary            // VA12345: unit letters are not verified
	KindArmedPolice         // WJ粤12345
)

var kindNames = [...]string{
	KindUnknown:        "unknown",
	KindOrdinary:       "ordinary",
	KindNewEnergySmall: "new_energy_small",
	KindNewEnergyLarge: "new_energy_large",
	KindPolice:         "police",
	KindCoach:          "coach",
	KindTrailer:        "trailer",
	KindHongKong:       "hong_kong",
	KindMacau:          "macau",
	KindEmbassy:        "embassy",
	KindConsulate:      "consulate",
	KindMilitary:       "military",
	KindArmedPolice:    "armed_police",
}

// String returns the snake_case name used in alerts: "ordinary", "new_energy_small", ...
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes the name.
func (k Kind) MarshalText() ([]byte, error) {
	if int(k) >= len(kindNames) {
		return nil, fmt.Errorf("invalid plate kind %d", uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a name written by MarshalText.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown plate kind %q", b)
}

// Colors returns the plate colours of this kind (GA 36): blue or yellow for ordinary
// plates, green for both new-energy kinds, white for police, military and armed police,
// yellow for coach and trailer, black for Hong Kong, Macau, embassy and consulate.
// KindUnknown expects none.
func (k Kind) Colors() []Color {
	switch k {
	case KindOrdinary:
		return []Color{ColorBlue, ColorYellow}
	case KindNewEnergySmall, KindNewEnergyLarge:
		return []Color{ColorGreen}
	case KindPolice, KindMilitary, KindArmedPolice:
		return []Color{ColorWhite}
	case KindCoach, KindTrailer:
		return []Color{ColorYellow}
	case KindHongKong, KindMacau, KindEmbassy, KindConsulate:
		return []Color{ColorBlack}
	}
	return nil
}
