package plate

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseColor(t *testing.T) {
	cases := []struct {
		in   string
		want Color
		err  bool
	}{
		{"blue", ColorBlue, false},
		{"Yellow", ColorYellow, false},
		{"绿", ColorGreen, false},
		{"白色", ColorWhite, false},
		{"黑牌", ColorBlack, false},
		{"", ColorUnknown, false},
		{"unknown", ColorUnknown, false},
		{"red", ColorUnknown, true},
	}
	for _, tc := range cases {
		got, err := ParseColor(tc.in)
		if tc.err {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	require.Equal(t, "蓝", ColorBlue.Chinese())
	require.Equal(t, "黄", ColorYellow.Chinese())
	require.Equal(t, "绿", ColorGreen.Chinese())
	require.Equal(t, "白", ColorWhite.Chinese())
	require.Equal(t, "黑", ColorBlack.Chinese())
}

func TestTextRoundTrip(t *testing.T) {
	type doc struct {
		Kind  Kind
		Color Color
		Type  Type
	}
	in := doc{Kind: KindNewEnergyLarge, Color: ColorGreen, Type: TypeNewEnergyLarge}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.JSONEq(t, `{"Kind":"new_energy_large","Color":"green","Type":"51"}`, string(b))
	var out doc
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, in, out)
	require.Error(t, json.Unmarshal([]byte(`{"Kind":"tank"}`), &out))
	require.Error(t, json.Unmarshal([]byte(`{"Type":"77"}`), &out))
	_, err = json.Marshal(doc{Type: Type(77)})
	require.Error(t, err)
}

func TestColorsAndCheckColor(t *testing.T) {
	cases := []struct {
		plate string
		good  []Color
		bad   []Color
	}{
		{"粤D12345", []Color{ColorBlue, ColorYellow}, []Color{ColorGreen, ColorWhite, ColorBlack, ColorUnknown}},
		{"粤BD12345", []Color{ColorGreen}, []Color{ColorBlue, ColorYellow}},
		{"沪A12116D", []Color{ColorGreen}, []Color{ColorBlue}},
		{"京A0001警", []Color{ColorWhite}, []Color{ColorBlue}},
		{"粤A1234学", []Color{ColorYellow}, []Color{ColorBlue}},
		{"苏E1234挂", []Color{ColorYellow}, []Color{ColorWhite}},
		{"粤Z1234港", []Color{ColorBlack}, []Color{ColorBlue}},
		{"粤Z1234澳", []Color{ColorBlack}, []Color{ColorWhite}},
		{"使014578", []Color{ColorBlack}, []Color{ColorWhite}},
		{"沪A1234领", []Color{ColorBlack}, []Color{ColorBlue}},
		{"VA12345", []Color{ColorWhite}, []Color{ColorBlack}},
		{"WJ粤12345", []Color{ColorWhite}, []Color{ColorBlue}},
		{"ABC1234", nil, []Color{ColorBlue, ColorWhite, ColorUnknown}},
	}
	for _, tc := range cases {
		p := Parse(tc.plate)
		require.Equal(t, tc.good, p.Kind.Colors(), tc.plate)
		for _, c := range tc.good {
			require.True(t, CheckColor(p, c), "%s %s", tc.plate, c)
		}
		for _, c := range tc.bad {
			require.False(t, CheckColor(p, c), "%s %s", tc.plate, c)
		}
	}
}

func TestTypeOf(t *testing.T) {
	cases := []struct {
		plate string
		color Color
		want  Type
		code  string
		name  string
	}{
		{"粤D12345", ColorYellow, TypeLargeCar, "01", "大型汽车"},
		{"粤D12345", ColorBlue, TypeSmallCar, "02", "小型汽车"},
		{"粤D12345", ColorGreen, TypeOther, "99", "其他号牌"},
		{"粤D12345", ColorUnknown, TypeOther, "99", "其他号牌"},
		{"使014578", ColorBlack, TypeEmbassy, "03", "使馆汽车"},
		{"沪A1234领", ColorBlack, TypeConsulate, "04", "领馆汽车"},
		{"苏E1234挂", ColorYellow, TypeTrailer, "15", "挂车"},
		{"粤A1234学", ColorYellow, TypeCoach, "16", "教练汽车"},
		{"京A0001警", ColorWhite, TypePolice, "23", "警用汽车"},
		{"粤Z1234港", ColorBlack, TypeHongKong, "26", "香港入出境车"},
		{"粤Z1234澳", ColorBlack, TypeMacau, "27", "澳门入出境车"},
		{"WJ粤12345", ColorWhite, TypeArmedPolice, "31", "武警号牌"},
		{"VA12345", ColorWhite, TypeMilitary, "32", "军队号牌"},
		{"沪A12116D", ColorGreen, TypeNewEnergyLarge, "51", "大型新能源汽车"},
		{"粤BD12345", ColorGreen, TypeNewEnergySmall, "52", "小型新能源汽车"},
		{"ABC1234", ColorBlue, TypeOther, "99", "其他号牌"},
		{"粤D1234O", ColorBlue, TypeOther, "99", "其他号牌"},
	}
	for _, tc := range cases {
		got := TypeOf(Parse(tc.plate), tc.color)
		require.Equal(t, tc.want, got, "%s %s", tc.plate, tc.color)
		require.Equal(t, tc.code, got.Code())
		require.Equal(t, tc.name, got.Name())
		require.Equal(t, tc.code+" "+tc.name, got.String())
	}
	require.False(t, Type(0).Known())
	require.Equal(t, "", Type(0).Code())
}
