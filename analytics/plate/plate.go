// Package plate holds the pure-Go semantics of Chinese vehicle plates (GA 36 号牌):
// parsing and classification, colours and GA 24.7 types, a per-track consensus over
// several reads, dedupe of repeated reports, and watch-list matching. It has no cgo and
// no goroutines; the detector and recogniser engines feed it text and confidences.
package plate

// Plate is one plate number after Parse.
type Plate struct {
	// Text is the normalised number without separators: 粤D12345.
	Text string
	// Display is Text with the conventional separator after the issuing authority:
	// 粤D·12345. It equals Text when no format was recognised.
	Display string
	// Province is the leading abbreviation (粤); empty for embassy, military and
	// unrecognised plates.
	Province string
	// Authority is the issuing-authority letter (D), the two unit letters of a military
	// plate (VA), or "WJ" for armed police.
	Authority string
	// Serial is what follows the authority, including a trailing 警, 学, 挂, 港, 澳 or 领.
	Serial string
	// Kind is the recognised format. It is set whenever the shape fits, even when a
	// character check then fails (Valid false), so a misread police plate is still
	// KindPolice; it is KindUnknown when no shape fits.
	Kind Kind
	// Valid reports that every character is legal for Kind.
	Valid bool
	// Unverified marks a valid plate whose codes cannot be checked: the unit letters of
	// a military plate.
	Unverified bool
	// Reason says why the plate is not valid, naming the character position (1-based)
	// where it can; empty when Valid.
	Reason string
}

// Parse normalises s (see Normalize) and classifies it. It never fails: a string that
// is not a plate comes back with Valid false and a Reason.
func Parse(s string) Plate {
	text := Normalize(s)
	c := &classifier{r: []rune(text), p: Plate{Text: text, Display: text}}
	c.classify()
	if c.reason != "" {
		c.p.Valid = false
		c.p.Reason = c.reason
	}
	return c.p
}
