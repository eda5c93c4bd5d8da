package plate

import (
	"fmt"
	"strings"
	"unicode"
)

// provinces are the 31 abbreviations of GA 36, in the order of the issue.
const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// newEnergyLetters may mark a new-energy serial: D (battery electric), F (other
// new-energy), and the extension A–K without I.
const newEnergyLetters = "ABCDEFGHJK"

// armedPoliceUnits may end an armed-police serial instead of a digit or letter.
const armedPoliceUnits = "消边通森金电警"

// suffixKinds maps the red or black character that ends a 7-character plate.
var suffixKinds = map[rune]Kind{
	'警': KindPolice,
	'学': KindCoach,
	'挂': KindTrailer,
	'港': KindHongKong,
	'澳': KindMacau,
	'领': KindConsulate,
}

// classifier accumulates the first reason a plate is invalid.
type classifier struct {
	r      []rune
	p      Plate
	reason string
}

func (c *classifier) fail(format string, args ...any) {
	if c.reason == "" {
		c.reason = fmt.Sprintf(format, args...)
	}
}

func (c *classifier) classify() {
	r := c.r
	switch {
	case len(r) == 0:
		c.fail("empty")
	case r[0] == '使':
		c.embassy()
	case len(r) >= 2 && r[0] == 'W' && r[1] == 'J':
		c.armedPolice()
	case isHan(r[0]):
		c.provincial()
	case latinOnly(r):
		c.latin()
	default:
		c.fail("not a mainland format: unexpected %q at position 1", r[0])
	}
	if c.reason == "" {
		c.p.Valid = true
	}
}

// provincial handles every plate that starts with a province: ordinary, new-energy,
// and the 7-character plates ending in 警 学 挂 港 澳 领.
func (c *classifier) provincial() {
	r := c.r
	if !strings.ContainsRune(provinces, r[0]) {
		c.fail("unknown province abbreviation %q at position 1", r[0])
	}
	last := r[len(r)-1]
	suffixKind, hasSuffix := suffixKinds[last]
	end := len(r)
	if hasSuffix {
		end--
	}
	for i := 1; i < end; i++ {
		if !isDigit(r[i]) && !isLetter(r[i]) {
			// Not the shape of any province plate: leave Kind unknown.
			c.fail("unexpected %q at position %d", r[i], i+1)
			return
		}
	}
	switch {
	case len(r) == 7 && hasSuffix:
		c.setParts(suffixKind)
		c.authority()
		c.serial(2, 6)
		if suffixKind == KindHongKong || suffixKind == KindMacau {
			if r[0] != '粤' || r[1] != 'Z' {
				c.fail("%c plates start with 粤Z, got %q", last, string(r[:2]))
			}
		}
	case hasSuffix:
		c.fail("wrong length: %d characters (plates ending in %c have 7)", len(r), last)
	case len(r) == 7:
		c.setParts(KindOrdinary)
		c.authority()
		c.serial(2, 7)
	case len(r) == 8:
		c.newEnergy()
	default:
		c.fail("wrong length: %d characters (want 7, or 8 for new energy)", len(r))
	}
}

// newEnergy checks the 6-character serial: small is letter + letter-or-digit + 4 digits,
// large is 5 digits + letter.
func (c *classifier) newEnergy() {
	r := c.r
	small := strings.ContainsRune(newEnergyLetters, r[2])
	large := !small && strings.ContainsRune(newEnergyLetters, r[7])
	switch {
	case small:
		c.setParts(KindNewEnergySmall)
		c.authority()
		c.serial(3, 4)
		c.digits(4, 8)
	case large:
		c.setParts(KindNewEnergyLarge)
		c.authority()
		c.digits(2, 7)
	default:
		c.fail("new-energy serial must start with one of %s (small) or end with one (large), got %q", newEnergyLetters, string(r[2:]))
	}
}

// setParts fills Province, Authority, Serial and Display for a province plate.
func (c *classifier) setParts(k Kind) {
	r := c.r
	c.p.Kind = k
	c.p.Province = string(r[0])
	c.p.Authority = string(r[1])
	c.p.Serial = string(r[2:])
	c.p.Display = string(r[:2]) + "·" + string(r[2:])
}

// authority checks the issuing-authority letter at position 2.
func (c *classifier) authority() {
	a := c.r[1]
	switch {
	case a == 'I' || a == 'O':
		c.fail("letter %c not allowed at position 2 (authority)", a)
	case !isPlateLetter(a):
		c.fail("authority at position 2 must be a letter, got %q", a)
	}
}

// serial checks that r[from:to] are digits or letters other than I and O.
func (c *classifier) serial(from, to int) {
	for i := from; i < to; i++ {
		x := c.r[i]
		switch {
		case x == 'I' || x == 'O':
			c.fail("letter %c not allowed at position %d (serial)", x, i+1)
		case !isDigit(x) && !isPlateLetter(x):
			c.fail("unexpected %q at position %d (serial)", x, i+1)
		}
	}
}

// digits checks that r[from:to] are digits.
func (c *classifier) digits(from, to int) {
	for i := from; i < to; i++ {
		switch x := c.r[i]; {
		case x == 'I' || x == 'O':
			c.fail("letter %c not allowed at position %d (serial)", x, i+1)
		case !isDigit(x):
			c.fail("position %d must be a digit, got %q", i+1, x)
		}
	}
}

// embassy: 使 + 3-digit country code + 3-digit serial.
func (c *classifier) embassy() {
	r := c.r
	if len(r) != 7 {
		c.fail("wrong length: %d characters (embassy plates are 使 and 6 digits)", len(r))
		return
	}
	c.p.Kind = KindEmbassy
	c.p.Serial = string(r[1:])
	c.p.Display = string(r[:4]) + "·" + string(r[4:])
	c.digits(1, 7)
}

// armedPolice: WJ + province + 4 digits + a digit, letter or unit character.
func (c *classifier) armedPolice() {
	r := c.r
	if len(r) != 8 {
		c.fail("wrong length: %d characters (armed-police plates are WJ, a province and 5 characters)", len(r))
		return
	}
	c.p.Kind = KindArmedPolice
	c.p.Authority = "WJ"
	c.p.Province = string(r[2])
	c.p.Serial = string(r[3:])
	c.p.Display = string(r[:3]) + "·" + string(r[3:])
	if !strings.ContainsRune(provinces, r[2]) {
		c.fail("unknown province abbreviation %q at position 3", r[2])
	}
	c.digits(3, 7)
	if last := r[7]; !isDigit(last) && !isPlateLetter(last) && !strings.ContainsRune(armedPoliceUnits, last) {
		c.fail("unexpected %q at position 8", last)
	}
}

// latin handles strings of Latin letters and digits only: a military plate (two unit
// letters + 5 digits) or a foreign plate.
func (c *classifier) latin() {
	r := c.r
	if len(r) == 7 && isLetter(r[0]) && isLetter(r[1]) && allDigits(r[2:]) {
		c.p.Kind = KindMilitary
		c.p.Unverified = true
		c.p.Authority = string(r[:2])
		c.p.Serial = string(r[2:])
		c.p.Display = string(r[:2]) + "·" + string(r[2:])
		return
	}
	c.fail("not a mainland format")
}

func isDigit(r rune) bool       { return r >= '0' && r <= '9' }
func isLetter(r rune) bool      { return r >= 'A' && r <= 'Z' }
func isPlateLetter(r rune) bool { return isLetter(r) && r != 'I' && r != 'O' }

func allDigits(r []rune) bool {
	for _, x := range r {
		if !isDigit(x) {
			return false
		}
	}
	return true
}

func latinOnly(r []rune) bool {
	for _, x := range r {
		if !isDigit(x) && !isLetter(x) {
			return false
		}
	}
	return true
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
