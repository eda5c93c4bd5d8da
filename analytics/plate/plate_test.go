package plate

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		text    string // "" means same as in
		display string // "" means not checked
		kind    Kind
		valid   bool
		reason  string // substring of Reason when invalid
	}{
		// ordinary
		{name: "ordinary", in: "粤D12345", display: "粤D·12345", kind: KindOrdinary, valid: true},
		{name: "ordinary letters in serial", in: "京A8B2C9", display: "京A·8B2C9", kind: KindOrdinary, valid: true},
		{name: "ordinary all letters", in: "沪KZZZZZ", kind: KindOrdinary, valid: true},
		{name: "ordinary with middle dot", in: "粤D·12345", text: "粤D12345", display: "粤D·12345", kind: KindOrdinary, valid: true},
		{name: "ordinary with spaces", in: " 粤 D 123 45 ", text: "粤D12345", kind: KindOrdinary, valid: true},
		{name: "ordinary with dash", in: "粤D-12345", text: "粤D12345", kind: KindOrdinary, valid: true},
		{name: "ordinary with bullet", in: "粤D•12345", text: "粤D12345", kind: KindOrdinary, valid: true},
		{name: "ordinary with katakana dot", in: "粤D・12345", text: "粤D12345", kind: KindOrdinary, valid: true},
		{name: "lower case", in: "粤d1a345", text: "粤D1A345", kind: KindOrdinary, valid: true},
		{name: "full-width", in: "粤Ｄ１２３４５", text: "粤D12345", kind: KindOrdinary, valid: true},
		{name: "full-width lower case and ideographic space", in: "京ａ　８８８８８", text: "京A88888", kind: KindOrdinary, valid: true},
		{name: "every province ok 琼", in: "琼A12345", kind: KindOrdinary, valid: true},
		{name: "every province ok 藏", in: "藏A12345", kind: KindOrdinary, valid: true},
		{name: "every province ok 蒙", in: "蒙A12345", kind: KindOrdinary, valid: true},
		{name: "authority I", in: "粤I12345", kind: KindOrdinary, reason: "letter I not allowed at position 2 (authority)"},
		{name: "authority O", in: "粤O12345", kind: KindOrdinary, reason: "letter O not allowed at position 2"},
		{name: "authority digit", in: "粤112345", kind: KindOrdinary, reason: "authority at position 2 must be a letter"},
		{name: "serial O", in: "粤D1234O", kind: KindOrdinary, reason: "letter O not allowed at position 7 (serial)"},
		{name: "serial I", in: "粤DI2345", kind: KindOrdinary, reason: "letter I not allowed at position 3 (serial)"},
		{name: "serial lower-case o", in: "粤d12o45", text: "粤D12O45", kind: KindOrdinary, reason: "letter O not allowed at position 5"},
		{name: "serial punctuation", in: "粤D12#45", kind: KindUnknown, reason: `unexpected '#' at position 5`},
		{name: "serial han", in: "粤D12警45", kind: KindUnknown, reason: `unexpected '警' at position 5`},
		{name: "wrong province", in: "港A12345", kind: KindOrdinary, reason: "unknown province abbreviation '港' at position 1"},
		{name: "traditional province", in: "貴A12345", kind: KindOrdinary, reason: "unknown province"},
		{name: "too short", in: "粤D1234", kind: KindUnknown, reason: "wrong length: 6 characters"},
		{name: "too long", in: "粤D1234567", kind: KindUnknown, reason: "wrong length: 9 characters"},
		{name: "province only", in: "粤", kind: KindUnknown, reason: "wrong length: 1"},
		{name: "empty", in: "", kind: KindUnknown, reason: "empty"},
		{name: "separators only", in: " · - ", text: "", kind: KindUnknown, reason: "empty"},

		// new energy
		{name: "small NEV D", in: "粤BD12345", display: "粤B·D12345", kind: KindNewEnergySmall, valid: true},
		{name: "small NEV F", in: "京AF08000", kind: KindNewEnergySmall, valid: true},
		{name: "small NEV letter second", in: "京ADS2567", text: "京ADS2567", kind: KindNewEnergySmall, valid: true},
		{name: "small NEV extended letter A", in: "沪AA12345", kind: KindNewEnergySmall, valid: true},
		{name: "small NEV extended letter K", in: "沪AK12345", kind: KindNewEnergySmall, valid: true},
		{name: "small NEV separator", in: "粤B·D12345", text: "粤BD12345", kind: KindNewEnergySmall, valid: true},
		{name: "small NEV letter in tail", in: "京AD0800A", kind: KindNewEnergySmall, reason: "position 8 must be a digit"},
		{name: "small NEV O in tail", in: "京AD0800O", kind: KindNewEnergySmall, reason: "letter O not allowed at position 8"},
		{name: "small NEV O second", in: "京ADO8000", kind: KindNewEnergySmall, reason: "letter O not allowed at position 4"},
		{name: "large NEV D", in: "沪A12116D", display: "沪A·12116D", kind: KindNewEnergyLarge, valid: true},
		{name: "large NEV F", in: "沪A12116F", kind: KindNewEnergyLarge, valid: true},
		{name: "large NEV letter in digits", in: "沪A1211XD", kind: KindNewEnergyLarge, reason: "position 7 must be a digit"},
		{name: "NEV without marker letter", in: "京AW08000", kind: KindUnknown, reason: "new-energy serial must start with one of"},
		{name: "NEV I marker", in: "京AI08000", kind: KindUnknown, reason: "new-energy serial"},
		{name: "NEV bad authority", in: "京1D08000", kind: KindNewEnergySmall, reason: "authority at position 2"},

		// police, coach, trailer
		{name: "police", in: "京A0001警", display: "京A·0001警", kind: KindPolice, valid: true},
		{name: "police separator", in: "粤A·1234警", text: "粤A1234警", kind: KindPolice, valid: true},
		{name: "police O", in: "粤A12O4警", kind: KindPolice, reason: "letter O not allowed at position 5"},
		{name: "police too long", in: "粤A12345警", kind: KindUnknown, reason: "plates ending in 警 have 7"},
		{name: "coach", in: "粤A1234学", kind: KindCoach, valid: true},
		{name: "coach too short", in: "粤A123学", kind: KindUnknown, reason: "wrong length: 6"},
		{name: "trailer", in: "苏E1234挂", display: "苏E·1234挂", kind: KindTrailer, valid: true},
		{name: "trailer letter", in: "苏EA234挂", kind: KindTrailer, valid: true},
		{name: "trailer I", in: "苏E12I4挂", kind: KindTrailer, reason: "letter I not allowed at position 5"},

		// Hong Kong, Macau, consulate, embassy
		{name: "hong kong", in: "粤Z1234港", display: "粤Z·1234港", kind: KindHongKong, valid: true},
		{name: "hong kong letters", in: "粤ZF023港", kind: KindHongKong, valid: true},
		{name: "hong kong wrong authority", in: "粤A1234港", kind: KindHongKong, reason: "港 plates start with 粤Z"},
		{name: "hong kong wrong province", in: "沪Z1234港", kind: KindHongKong, reason: "start with 粤Z"},
		{name: "macau", in: "粤Z1234澳", kind: KindMacau, valid: true},
		{name: "macau wrong authority", in: "粤B1234澳", kind: KindMacau, reason: "澳 plates start with 粤Z"},
		{name: "consulate", in: "沪A1234领", display: "沪A·1234领", kind: KindConsulate, valid: true},
		{name: "consulate O", in: "沪AO234领", kind: KindConsulate, reason: "letter O not allowed at position 3"},
		{name: "embassy", in: "使014578", display: "使014·578", kind: KindEmbassy, valid: true},
		{name: "embassy separator", in: "使014·578", text: "使014578", kind: KindEmbassy, valid: true},
		{name: "embassy letter", in: "使01457A", kind: KindEmbassy, reason: "position 7 must be a digit"},
		{name: "embassy short", in: "使01457", kind: KindUnknown, reason: "wrong length: 6"},

		// military, armed police
		{name: "military", in: "VA12345", display: "VA·12345", kind: KindMilitary, valid: true},
		{name: "military lower case", in: "ka·12345", text: "KA12345", kind: KindMilitary, valid: true},
		{name: "armed police", in: "WJ粤12345", display: "WJ粤·12345", kind: KindArmedPolice, valid: true},
		{name: "armed police unit", in: "WJ京1234消", kind: KindArmedPolice, valid: true},
		{name: "armed police letter", in: "WJ京1234T", kind: KindArmedPolice, valid: true},
		{name: "armed police wrong province", in: "WJ港12345", kind: KindArmedPolice, reason: "unknown province abbreviation '港' at position 3"},
		{name: "armed police letter in digits", in: "WJ京12A45", kind: KindArmedPolice, reason: "position 6 must be a digit"},
		{name: "armed police short", in: "WJ京1234", kind: KindUnknown, reason: "wrong length: 7"},

		// Latin and garbage
		{name: "foreign plate", in: "B123ABC", kind: KindUnknown, reason: "not a mainland format"},
		{name: "foreign plate long", in: "ABC1234", kind: KindUnknown, reason: "not a mainland format"},
		{name: "digits only", in: "1234567", kind: KindUnknown, reason: "not a mainland format"},
		{name: "punctuation first", in: "#D12345", kind: KindUnknown, reason: "not a mainland format: unexpected '#'"},
		{name: "han not a plate", in: "你好世界你好世", kind: KindUnknown, reason: "unknown province"},
		{name: "han in province plate", in: "粤你12345", kind: KindUnknown, reason: `unexpected '你' at position 2`},
	}
	require.GreaterOrEqual(t, len(cases), 60)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Parse(tc.in)
			want := tc.text
			if want == "" {
				want = Normalize(tc.in)
			}
			require.Equal(t, want, p.Text)
			require.Equal(t, tc.kind, p.Kind, "kind")
			require.Equal(t, tc.valid, p.Valid, "valid (reason %q)", p.Reason)
			if tc.valid {
				require.Empty(t, p.Reason)
			} else {
				require.Contains(t, p.Reason, tc.reason)
			}
			if tc.display != "" {
				require.Equal(t, tc.display, p.Display)
			}
			if p.Kind == KindUnknown {
				require.Equal(t, p.Text, p.Display)
			}
			// A parse of the normalised text gives the same plate.
			require.Equal(t, p, Parse(p.Text))
		})
	}
}

func TestParseParts(t *testing.T) {
	cases := []struct {
		in                          string
		province, authority, serial string
		unverified                  bool
	}{
		{in: "粤D12345", province: "粤", authority: "D", serial: "12345"},
		{in: "粤BD12345", province: "粤", authority: "B", serial: "D12345"},
		{in: "京A0001警", province: "京", authority: "A", serial: "0001警"},
		{in: "使014578", serial: "014578"},
		{in: "VA12345", authority: "VA", serial: "12345", unverified: true},
		{in: "WJ粤12345", province: "粤", authority: "WJ", serial: "12345"},
		{in: "ABC1234"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			p := Parse(tc.in)
			require.Equal(t, tc.province, p.Province)
			require.Equal(t, tc.authority, p.Authority)
			require.Equal(t, tc.serial, p.Serial)
			require.Equal(t, tc.unverified, p.Unverified)
		})
	}
}

func TestEveryProvince(t *testing.T) {
	n := 0
	for _, r := range provinces {
		p := Parse(string(r) + "A12345")
		require.True(t, p.Valid, "%c: %s", r, p.Reason)
		require.Equal(t, string(r), p.Province)
		n++
	}
	require.Equal(t, 31, n)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"粤D12345", "粤BD12345", "沪A12116D", "京A0001警", "粤Z1234港", "使014578",
		"VA12345", "WJ粤12345", "ABC1234", "", "粤Ｄ·１２３４５", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Parse(s)
		if p.Valid != (p.Reason == "") {
			t.Fatalf("Parse(%q): Valid %v with Reason %q", s, p.Valid, p.Reason)
		}
		if q := Parse(p.Text); q != p {
			t.Fatalf("Parse(%q) = %+v, but Parse(Text) = %+v", s, p, q)
		}
		if p.Valid && p.Kind == KindUnknown {
			t.Fatalf("Parse(%q): valid plate of unknown kind", s)
		}
		if Normalize(p.Display) != p.Text {
			t.Fatalf("Parse(%q): Display %q does not normalise to Text %q", s, p.Display, p.Text)
		}
	})
}

func TestPictureCrop(t *testing.T) {
	p := Picture{W: 4, H: 3, Pix: make([]byte, 4*3*3)}
	for i := range p.Pix {
		p.Pix[i] = byte(i)
	}
	sub := p.Crop(image.Rect(1, 1, 3, 5)) // clipped at the bottom
	require.Equal(t, 2, sub.W)
	require.Equal(t, 2, sub.H)
	require.Equal(t, []byte{15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32}, sub.Pix)
	require.True(t, sub.Valid())
	require.False(t, p.Crop(image.Rect(5, 5, 8, 8)).Valid(), "nothing inside")
}
