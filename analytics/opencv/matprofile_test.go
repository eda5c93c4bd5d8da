//go:build matprofile

package opencv

import (
	"bytes"

	"gocv.io/x/gocv"
)

// openMats returns how many Mats are still open and where they were made.
func openMats() (int, string) {
	var b bytes.Buffer
	_ = gocv.MatProfile.WriteTo(&b, 1)
	return gocv.MatProfile.Count(), b.String()
}
