//go:build !matprofile

package opencv

// openMats cannot count Mats without gocv's matprofile build tag: run the tests
// with -tags matprofile for the leak check.
func openMats() (int, string) { return 0, "" }
