package opencv

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// lprnetChars is the built-in LPRNet class order (lprnet_chars.txt): 31
// provinces, 0–9, the 24 plate letters, I, O and the CTC blank last.
const lprnetChars = "京沪津渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新" +
	"0123456789ABCDEFGHJKLMNPQRSTUVWXYZIO-"

// loadCharset reads a recogniser's class list: one character per line, in the
// model's class order, the CTC blank last. Empty path means lprnetChars.
func loadCharset(path string) ([]rune, error) {
	if path == "" {
		return []rune(lprnetChars), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(b), "\r", ""), "\n \t"), "\n")
	chars := make([]rune, 0, len(lines))
	seen := make(map[rune]bool, len(lines))
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if utf8.RuneCountInString(l) != 1 {
			return nil, fmt.Errorf("line %d: %q: want exactly one character", i+1, l)
		}
		r, _ := utf8.DecodeRuneInString(l)
		if seen[r] {
			return nil, fmt.Errorf("line %d: %q listed twice", i+1, l)
		}
		seen[r] = true
		chars = append(chars, r)
	}
	switch {
	case len(chars) < 2:
		return nil, fmt.Errorf("%d characters: want at least one class and the blank", len(chars))
	case len(chars) > maxPlateClasses:
		return nil, fmt.Errorf("%d characters: at most %d (the decoder keeps a class in 16 bits)", len(chars), maxPlateClasses)
	}
	return chars, nil
}
