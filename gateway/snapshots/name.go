package snapshots

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
)

// A snapshot file is named <UTC save time>_<id>_<random>.jpg, for example
// 20260501T120000.123456789Z_evt-42-enter_1a2b3c4d.jpg. The fixed-width time makes
// name order save order, and the janitor ages files by it, not by mtime.
const (
	timeLayout = "20060102T150405.000000000Z"
	maxIDLen   = 64
	ext        = ".jpg"
	tmpPrefix  = ".save-"
)

// validName is the only shape Open and the janitor accept: no separators, no dots
// except the extension's and the time's, so no path can escape the directory.
var validName = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z_[A-Za-z0-9-]{1,64}_[0-9a-f]{8}\.jpg$`)

// newName builds a unique file name for a snapshot of id saved at t.
func newName(id string, t time.Time) string {
	var r [4]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails
	return t.UTC().Format(timeLayout) + "_" + safeID(id) + "_" + hex.EncodeToString(r[:]) + ext
}

// safeID keeps [A-Za-z0-9-] of id, turns anything else into '-', and caps the length.
func safeID(id string) string {
	var b strings.Builder
	for i := 0; i < len(id) && b.Len() < maxIDLen; i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
		} else {
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "snapshot"
	}
	return b.String()
}

// parseName returns the save time of a valid snapshot name.
func parseName(name string) (time.Time, bool) {
	if !validName.MatchString(name) {
		return time.Time{}, false
	}
	t, err := time.Parse(timeLayout, name[:len(timeLayout)])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
