package simcam

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// clip is an elementary stream split into access units, ready to loop.
type clip struct {
	codec unit.Codec
	fps   float64
	aus   [][][]byte // NALUs without start codes, first unit is a keyframe
	vps   []byte     // H.265 only
	sps   []byte
	pps   []byte
}

// naluClass tells how a NALU relates to access-unit boundaries.
type naluClass int

const (
	classOther    naluClass = iota // stays in the current unit (suffix SEI, filler, end of sequence)
	classAUD                       // access-unit delimiter: always starts a unit
	classPrefix                    // parameter sets, prefix SEI: start a unit when they follow a slice
	classVCLFirst                  // first slice of a picture
	classVCL                       // any other slice
)

// codecRules holds what the splitter needs to know about one codec.
type codecRules struct {
	classify   func(nalu []byte) naluClass
	isKeyframe func(nalu []byte) bool
	paramType  func(nalu []byte) (vps, sps, pps bool)
}

var h264Rules = codecRules{
	classify: func(n []byte) naluClass {
		switch typ := n[0] & 0x1f; {
		case typ == 9:
			return classAUD
		case typ >= 1 && typ <= 5:
			// first_mb_in_slice is ue(v) right after the header: 0 encodes as a single 1 bit.
			if len(n) > 1 && n[1]&0x80 != 0 {
				return classVCLFirst
			}
			return classVCL
		case typ == 6, typ == 7, typ == 8, typ >= 14 && typ <= 18:
			return classPrefix
		default:
			return classOther
		}
	},
	isKeyframe: func(n []byte) bool { return n[0]&0x1f == 5 },
	paramType: func(n []byte) (bool, bool, bool) {
		typ := n[0] & 0x1f
		return false, typ == 7, typ == 8
	},
}

var h265Rules = codecRules{
	classify: func(n []byte) naluClass {
		if len(n) < 2 {
			return classOther
		}
		switch typ := (n[0] >> 1) & 0x3f; {
		case typ == 35:
			return classAUD
		case typ <= 31:
			// first_slice_segment_in_pic_flag is the first bit after the 2-byte header.
			if len(n) > 2 && n[2]&0x80 != 0 {
				return classVCLFirst
			}
			return classVCL
		case typ >= 32 && typ <= 34, typ == 39, typ >= 41 && typ <= 44, typ >= 48 && typ <= 55:
			return classPrefix
		default:
			return classOther
		}
	},
	isKeyframe: func(n []byte) bool {
		typ := (n[0] >> 1) & 0x3f
		return typ >= 16 && typ <= 21 // BLA, IDR, CRA
	},
	paramType: func(n []byte) (bool, bool, bool) {
		typ := (n[0] >> 1) & 0x3f
		return typ == 32, typ == 33, typ == 34
	},
}

// loadClip reads an Annex-B file. The codec comes from the extension: .h265, .hevc and
// .265 are H.265, anything else H.264.
func loadClip(file string, fps float64) (*clip, error) {
	if fps <= 0 {
		return nil, fmt.Errorf("clip %s: fps must be positive, got %v", file, fps)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read clip: %w", err)
	}

	c := &clip{codec: unit.CodecH264, fps: fps}
	rules := h264Rules
	switch strings.ToLower(filepath.Ext(file)) {
	case ".h265", ".hevc", ".265":
		c.codec = unit.CodecH265
		rules = h265Rules
	}

	nalus := splitAnnexB(data)
	c.aus = groupAccessUnits(nalus, rules.classify)
	c.aus = startAtKeyframe(c.aus, rules.isKeyframe)
	if len(c.aus) == 0 {
		return nil, fmt.Errorf("clip %s: no keyframe found in %d NALUs", file, len(nalus))
	}
	for _, n := range nalus {
		vps, sps, pps := rules.paramType(n)
		switch {
		case vps && c.vps == nil:
			c.vps = n
		case sps && c.sps == nil:
			c.sps = n
		case pps && c.pps == nil:
			c.pps = n
		}
	}
	if c.sps == nil || c.pps == nil || (c.codec == unit.CodecH265 && c.vps == nil) {
		return nil, fmt.Errorf("clip %s: parameter sets missing", file)
	}
	return c, nil
}

// splitAnnexB cuts a byte stream at its 3- and 4-byte start codes and drops empty NALUs
// and trailing zero bytes.
func splitAnnexB(data []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(data); {
		if data[i] == 0 && data[i+1] == 0 && data[i+2] == 1 {
			if start >= 0 {
				out = appendNALU(out, data[start:i])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 {
		out = appendNALU(out, data[start:])
	}
	return out
}

func appendNALU(out [][]byte, n []byte) [][]byte {
	n = bytes.TrimRight(n, "\x00")
	if len(n) == 0 {
		return out
	}
	return append(out, n)
}

// groupAccessUnits splits NALUs into access units: on every delimiter when the stream has
// them, else where a new picture begins (a first slice, or a prefix NALU after a slice).
func groupAccessUnits(nalus [][]byte, classify func([]byte) naluClass) [][][]byte {
	hasAUD := false
	for _, n := range nalus {
		if classify(n) == classAUD {
			hasAUD = true
			break
		}
	}

	var aus [][][]byte
	var cur [][]byte
	sawVCL := false
	for _, n := range nalus {
		class := classify(n)
		var boundary bool
		if hasAUD {
			boundary = class == classAUD
		} else {
			boundary = sawVCL && (class == classVCLFirst || class == classPrefix)
		}
		if boundary && len(cur) > 0 {
			if sawVCL {
				aus = append(aus, cur)
			}
			cur, sawVCL = nil, false
		}
		cur = append(cur, n)
		if class == classVCL || class == classVCLFirst {
			sawVCL = true
		}
	}
	if sawVCL {
		aus = append(aus, cur)
	}
	return aus
}

// startAtKeyframe drops the units before the first keyframe so the loop starts cleanly.
func startAtKeyframe(aus [][][]byte, isKeyframe func([]byte) bool) [][][]byte {
	for i, au := range aus {
		for _, n := range au {
			if isKeyframe(n) {
				return aus[i:]
			}
		}
	}
	return nil
}
