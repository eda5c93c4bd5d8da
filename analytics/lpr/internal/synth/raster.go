// Package synth renders synthetic plate characters and plates for training and
// testing the classic plate reader. Glyphs come from Debian fonts, rasterised once by
// ffmpeg's drawtext filter (libfreetype); everything after that is pure Go and
// deterministic for a given seed.
package synth

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Font is one font file and whether it carries the Chinese plate characters.
type Font struct {
	Name string
	Path string
	CJK  bool
}

// Fonts lists the fonts characters are drawn from, all from Debian packages:
// fonts-wqy-zenhei, fonts-noto-cjk (Hei-style Chinese and Latin), fonts-liberation
// (Liberation Sans Narrow, the closest to the narrow plate digits) and
// fonts-dejavu-extra (DejaVu Sans Condensed).
func Fonts() []Font {
	return []Font{
		{"wqy-zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", true},
		{"noto-sans-cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", true},
		{"noto-sans-cjk-bold", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", true},
		{"liberation-sans-narrow-bold", "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf", false},
		{"liberation-sans-narrow", "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf", false},
		{"dejavu-sans-condensed-bold", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf", false},
		{"dejavu-sans-condensed", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", false},
	}
}

// Rasterisation: every rune of a font is drawn white on black into its own cell of
// one tall grey picture by a single ffmpeg run.
const (
	rasterCell = 176
	rasterSize = 128
	rasterPad  = 24
)

// Mask is a glyph's coverage cropped to its ink, values in [0, 1].
type Mask struct {
	W, H int
	A    []float32
}

// Rasterize draws runes in font f and returns one mask per rune.
func Rasterize(ctx context.Context, f Font, runes []rune) (map[rune]Mask, error) {
	if _, err := os.Stat(f.Path); err != nil {
		return nil, fmt.Errorf("font %s (see scripts/setup.sh): %w", f.Name, err)
	}
	dir, err := os.MkdirTemp("", "lpr-glyphs")
	if err != nil {
		return nil, fmt.Errorf("rasterise %s: %w", f.Name, err)
	}
	defer os.RemoveAll(dir)
	filters := make([]string, 0, len(runes))
	for k, r := range runes {
		name := filepath.Join(dir, fmt.Sprintf("g%d.txt", k))
		if err := os.WriteFile(name, []byte(string(r)), 0o600); err != nil {
			return nil, fmt.Errorf("rasterise %s: %w", f.Name, err)
		}
		filters = append(filters, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:fontcolor=white:fontsize=%d:x=%d:y=%d",
			f.Path, name, rasterSize, rasterPad, k*rasterCell+rasterPad))
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("color=c=black:s=%dx%d:d=1", rasterCell, rasterCell*len(runes)),
		"-vf", strings.Join(filters, ","), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("rasterise %s with ffmpeg drawtext: %w: %s", f.Name, err, bytes.TrimSpace(stderr.Bytes()))
	}
	cellPix := rasterCell * rasterCell
	if out.Len() != cellPix*len(runes) {
		return nil, fmt.Errorf("rasterise %s: ffmpeg wrote %d bytes, want %d", f.Name, out.Len(), cellPix*len(runes))
	}
	masks := make(map[rune]Mask, len(runes))
	for k, r := range runes {
		m, ok := cropInk(out.Bytes()[k*cellPix:(k+1)*cellPix], rasterCell, rasterCell)
		if !ok {
			return nil, fmt.Errorf("rasterise %s: %q has no ink", f.Name, r)
		}
		masks[r] = m
	}
	return masks, nil
}

func cropInk(pix []byte, w, h int) (Mask, bool) {
	x0, y0, x1, y1 := w, h, -1, -1
	for y := range h {
		for x := range w {
			if pix[y*w+x] > 32 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return Mask{}, false
	}
	m := Mask{W: x1 - x0 + 1, H: y1 - y0 + 1}
	m.A = make([]float32, m.W*m.H)
	for y := range m.H {
		for x := range m.W {
			m.A[y*m.W+x] = float32(pix[(y0+y)*w+x0+x]) / 255
		}
	}
	return m, true
}
