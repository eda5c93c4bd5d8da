package synth

import "testing"

// ForTest returns the built-in scene's clip from the cache (see Generate), generating it
// on first use, and fails the test when that is impossible (no ffmpeg, no font).
func ForTest(tb testing.TB, name string) Clip {
	tb.Helper()
	s, err := Builtin(name)
	if err != nil {
		tb.Fatalf("synth: %v", err)
	}
	c, err := Generate(s, "")
	if err != nil {
		tb.Fatalf("synth: generate %s: %v", name, err)
	}
	return c
}
