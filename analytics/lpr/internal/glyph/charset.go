// Package glyph turns one character of a rectified plate into the feature vector the
// character classifier reads. The trainer (cmd/lprtrain) and the engine call the same
// code, so what the classifier sees at run time is what it was trained on.
package glyph

// Provinces are the 31 province abbreviations of GA 36, in the order of issue 5.
const Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// Specials are the other Chinese characters plates carry: the suffixes 警学挂港澳领
// and 使, the first character of embassy plates.
const Specials = "警学挂港澳使领"

// Digits and Letters are the Latin classes; GA 36 never uses I or O.
const (
	Digits  = "0123456789"
	Letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
)

// Classes lists every class the classifier knows, in index order: digits, letters,
// provinces, specials.
var Classes = []rune(Digits + Letters + Provinces + Specials)

// IsChinese reports whether class index k is a Chinese character (province or special).
func IsChinese(k int) bool { return k >= len(Digits)+len(Letters) }

// Index returns the class index of r, or -1 when r is no class.
func Index(r rune) int {
	for k, c := range Classes {
		if c == r {
			return k
		}
	}
	return -1
}
