package decode

import (
	"errors"
	"fmt"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// checkNALUs rejects units that cannot be valid before they reach libavcodec,
// which silently skips some broken NAL units (H.265 above all): a set forbidden
// bit, an H.265 temporal id of zero, or a keyframe without an IDR/IRAP picture.
func checkNALUs(u *unit.AccessUnit) error {
	if len(u.NALUs) == 0 {
		return errors.New("empty access unit")
	}
	random := false
	for i, n := range u.NALUs {
		if err := checkHeader(u.Codec, n); err != nil {
			return fmt.Errorf("NAL unit %d: %w", i, err)
		}
		random = random || isRandomAccess(u.Codec, n)
	}
	if u.Keyframe && !random {
		return errors.New("keyframe unit without an IDR/IRAP picture")
	}
	return nil
}

func checkHeader(codec unit.Codec, n []byte) error {
	switch {
	case len(n) == 0:
		return errors.New("empty")
	case n[0]&0x80 != 0:
		return errors.New("forbidden bit set")
	case codec == unit.CodecH265 && (len(n) < 2 || n[1]&0x07 == 0):
		return errors.New("invalid H.265 header")
	}
	return nil
}

// isRandomAccess tells whether n is an IDR slice (H.264) or an IRAP picture (H.265).
func isRandomAccess(codec unit.Codec, n []byte) bool {
	if codec == unit.CodecH265 {
		typ := (n[0] >> 1) & 0x3f
		return typ >= 16 && typ <= 23
	}
	return n[0]&0x1f == 5
}

// hasPicture tells whether u holds a coded slice (VCL NAL unit); a unit of
// parameter sets or SEI alone does not.
func hasPicture(u *unit.AccessUnit) bool {
	for _, n := range u.NALUs {
		if len(n) == 0 {
			continue
		}
		if u.Codec == unit.CodecH265 {
			if (n[0]>>1)&0x3f < 32 {
				return true
			}
		} else if t := n[0] & 0x1f; t >= 1 && t <= 5 {
			return true
		}
	}
	return false
}
