package plate

import (
	"strings"
	"unicode"
)

// Normalize returns s the way Parse stores it in Plate.Text: full-width forms folded to
// half-width, ASCII letters upper-cased, and spaces and separators ('·', '•', '・', '-',
// '.') removed. Other characters are kept, so a Chinese character stays where it was
// read.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = halfWidth(r)
		if unicode.IsSpace(r) || isSeparator(r) {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// halfWidth folds the full-width ASCII block (U+FF01–U+FF5E) and the ideographic space.
func halfWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// isSeparator reports the dots and dashes printed or read between plate groups.
func isSeparator(r rune) bool {
	switch r {
	case '·', '•', '・', '･', '∙', '‧', '-', '‐', '–', '—', '.', '。', '_':
		return true
	}
	return false
}
