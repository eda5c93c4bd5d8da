package whep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Bounds on one trickle-ICE PATCH body (besides the byte cap).
const (
	maxFragCandidates = 64
	maxFragMedia      = 16
)

// sdpFrag is a parsed application/trickle-ice-sdpfrag body (RFC 8840): ICE credentials,
// and per media section the candidates and the end-of-candidates mark. Lines we do not use
// (ice-options, group, v=, o=, ...) are accepted and dropped.
type sdpFrag struct {
	ICEUfrag        string
	ICEPwd          string
	Candidates      []string // before any m= line: lenient, some clients send bare candidates
	EndOfCandidates bool     // session-level a=end-of-candidates
	Media           []fragMedia
}

// fragMedia is one m= section of an sdpfrag.
type fragMedia struct {
	Line            string // the m= value, e.g. "video 9 UDP/TLS/RTP/SAVPF 96"
	MID             string
	ICEUfrag        string
	ICEPwd          string
	Candidates      []string // each "candidate:..." without "a="
	EndOfCandidates bool
}

// parseSDPFrag parses an sdpfrag body. Lines end in CRLF or LF; every line is
// "<letter>=<value>" without control characters.
func parseSDPFrag(body string) (*sdpFrag, error) {
	f := &sdpFrag{}
	total := 0
	for i, line := range strings.Split(body, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		if len(line) < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z' {
			return nil, fmt.Errorf("line %d: not an SDP line", i+1)
		}
		if strings.ContainsFunc(line, isControl) {
			return nil, fmt.Errorf("line %d: control character", i+1)
		}
		var cur *fragMedia
		if n := len(f.Media); n > 0 {
			cur = &f.Media[n-1]
		}
		switch line[0] {
		case 'm':
			if len(f.Media) == maxFragMedia {
				return nil, fmt.Errorf("line %d: more than %d media sections", i+1, maxFragMedia)
			}
			if len(strings.Fields(line[2:])) < 4 || strings.TrimSpace(line[2:]) != line[2:] {
				return nil, fmt.Errorf("line %d: malformed m= line", i+1)
			}
			f.Media = append(f.Media, fragMedia{Line: line[2:]})
		case 'a':
			added, err := f.attribute(cur, line[2:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			if total += added; total > maxFragCandidates {
				return nil, fmt.Errorf("more than %d candidates", maxFragCandidates)
			}
		}
	}
	return f, nil
}

// attribute applies one a= line to the current media section (nil before the first m=)
// and returns how many candidates it added.
func (f *sdpFrag) attribute(cur *fragMedia, attr string) (int, error) {
	name, value, hasValue := strings.Cut(attr, ":")
	switch name {
	case "ice-ufrag", "ice-pwd":
		if err := checkICEChars(name, value, hasValue); err != nil {
			return 0, err
		}
		switch {
		case cur == nil && name == "ice-ufrag":
			f.ICEUfrag = value
		case cur == nil:
			f.ICEPwd = value
		case name == "ice-ufrag":
			cur.ICEUfrag = value
		default:
			cur.ICEPwd = value
		}
	case "mid":
		if cur == nil {
			return 0, errors.New("a=mid outside a media section")
		}
		if !hasValue || value == "" || strings.ContainsAny(value, " \t") {
			return 0, errors.New("malformed a=mid")
		}
		cur.MID = value
	case "candidate":
		if err := checkCandidate(value); err != nil {
			return 0, err
		}
		if cur == nil {
			f.Candidates = append(f.Candidates, attr)
		} else {
			cur.Candidates = append(cur.Candidates, attr)
		}
		return 1, nil
	case "end-of-candidates":
		if hasValue {
			return 0, errors.New("a=end-of-candidates takes no value")
		}
		if cur == nil {
			f.EndOfCandidates = true
		} else {
			cur.EndOfCandidates = true
		}
	}
	return 0, nil
}

// checkICEChars validates an ice-ufrag (4..256) or ice-pwd (22..256) of ice-chars
// (RFC 8839: ALPHA / DIGIT / "+" / "/"); browsers stay within it.
func checkICEChars(name, value string, hasValue bool) error {
	minLen := 4
	if name == "ice-pwd" {
		minLen = 22
	}
	if !hasValue || len(value) < minLen || len(value) > 256 {
		return fmt.Errorf("a=%s must be %d to 256 characters", name, minLen)
	}
	for _, c := range []byte(value) {
		if !isICEChar(c) {
			return fmt.Errorf("a=%s: invalid character %q", name, c)
		}
	}
	return nil
}

func isICEChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// checkCandidate validates the fixed part of a candidate attribute value (RFC 8839 §5.1):
// foundation component transport priority address port "typ" type [extensions].
func checkCandidate(value string) error {
	f := strings.Fields(value)
	if len(f) < 8 || f[6] != "typ" {
		return errors.New("malformed a=candidate")
	}
	if len(f[0]) > 32 || strings.ContainsFunc(f[0], func(r rune) bool { return r > 0x7f || !isICEChar(byte(r)) }) {
		return errors.New("a=candidate: bad foundation")
	}
	if _, err := strconv.ParseUint(f[1], 10, 8); err != nil {
		return errors.New("a=candidate: bad component")
	}
	if _, err := strconv.ParseUint(f[3], 10, 32); err != nil {
		return errors.New("a=candidate: bad priority")
	}
	if _, err := strconv.ParseUint(f[5], 10, 16); err != nil {
		return errors.New("a=candidate: bad port")
	}
	return nil
}

// marshal writes f back as an sdpfrag body; parseSDPFrag(f.marshal()) gives f again.
func (f *sdpFrag) marshal() string {
	var b strings.Builder
	line := func(s ...string) {
		for _, p := range s {
			b.WriteString(p)
		}
		b.WriteString("\r\n")
	}
	// ice writes the ICE attributes a session or a media section may carry.
	ice := func(ufrag, pwd string, cands []string, end bool) {
		if ufrag != "" {
			line("a=ice-ufrag:", ufrag)
		}
		if pwd != "" {
			line("a=ice-pwd:", pwd)
		}
		for _, c := range cands {
			line("a=", c)
		}
		if end {
			line("a=end-of-candidates")
		}
	}
	ice(f.ICEUfrag, f.ICEPwd, f.Candidates, f.EndOfCandidates)
	for _, m := range f.Media {
		line("m=", m.Line)
		if m.MID != "" {
			line("a=mid:", m.MID)
		}
		ice(m.ICEUfrag, m.ICEPwd, m.Candidates, m.EndOfCandidates)
	}
	return b.String()
}

// ufrag returns the ICE username fragment the fragment names, session-level first ("" if none).
func (f *sdpFrag) ufrag() string {
	if f.ICEUfrag != "" {
		return f.ICEUfrag
	}
	for _, m := range f.Media {
		if m.ICEUfrag != "" {
			return m.ICEUfrag
		}
	}
	return ""
}

// candidates returns every candidate in order, and whether gathering is complete.
func (f *sdpFrag) candidates() (cands []string, end bool) {
	cands = append(cands, f.Candidates...)
	end = f.EndOfCandidates
	for _, m := range f.Media {
		cands = append(cands, m.Candidates...)
		end = end || m.EndOfCandidates
	}
	return cands, end
}
