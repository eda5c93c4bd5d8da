package synth

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
)

// FontPath is the CJK font plates are set in (Debian package fonts-wqy-zenhei).
const FontPath = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

// Glyph rasterisation: each character is drawn white on black by ffmpeg's drawtext
// filter (libfreetype) into its own cell of one tall grey picture.
const (
	glyphCell     = 320
	glyphFontSize = 200
)

// glyph is the ink of one character: a grey mask cropped to its bounding box.
type glyph struct {
	w, h int
	a    []float64 // coverage 0-1, row-major
}

// rasterGlyphs renders every distinct rune with one ffmpeg run.
func rasterGlyphs(ctx context.Context, runes []rune) (map[rune]glyph, error) {
	if _, err := os.Stat(FontPath); err != nil {
		return nil, fmt.Errorf("plate font (install fonts-wqy-zenhei): %w", err)
	}
	dir, err := os.MkdirTemp("", "sharpeyes-glyphs")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var filters []string
	for k, r := range runes {
		f := filepath.Join(dir, fmt.Sprintf("g%d.txt", k))
		if err := os.WriteFile(f, []byte(string(r)), 0o600); err != nil {
			return nil, err
		}
		filters = append(filters, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:fontcolor=white:fontsize=%d:x=40:y=%d",
			FontPath, f, glyphFontSize, k*glyphCell+40))
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("color=c=black:s=%dx%d:d=1", glyphCell, glyphCell*len(runes)),
		"-vf", strings.Join(filters, ","), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("rasterise plate glyphs with ffmpeg drawtext: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	if out.Len() != glyphCell*glyphCell*len(runes) {
		return nil, fmt.Errorf("rasterise plate glyphs: got %d bytes, want %d", out.Len(), glyphCell*glyphCell*len(runes))
	}
	glyphs := map[rune]glyph{}
	for k, r := range runes {
		g, ok := cropInk(out.Bytes()[k*glyphCell*glyphCell:(k+1)*glyphCell*glyphCell], glyphCell, glyphCell)
		if !ok {
			return nil, fmt.Errorf("rasterise plate glyphs: %q has no ink in %s", r, FontPath)
		}
		glyphs[r] = g
	}
	return glyphs, nil
}

func cropInk(pix []byte, w, h int) (glyph, bool) {
	x0, y0, x1, y1 := w, h, -1, -1
	for y := range h {
		for x := range w {
			if pix[y*w+x] > 0 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return glyph{}, false
	}
	g := glyph{w: x1 - x0 + 1, h: y1 - y0 + 1}
	g.a = make([]float64, g.w*g.h)
	for y := range g.h {
		for x := range g.w {
			g.a[y*g.w+x] = float64(pix[(y0+y)*w+x0+x]) / 255
		}
	}
	return g, true
}

// plateImage is a rendered plate at its on-screen pixel size.
type plateImage struct {
	w, h int
	pix  []rgb
}

func (pi *plateImage) draw(c *canvas, x0, y0 int) {
	for y := range pi.h {
		for x := range pi.w {
			c.set(x0+x, y0+y, pi.pix[y*pi.w+x])
		}
	}
}

// plateRunes returns the characters of a plate as drawn: plate.Normalize's text
// (upper case, half-width, without the separator dot or spaces).
func plateRunes(text string) []rune { return []rune(plate.Normalize(text)) }

// renderPlate draws a plate like a GA 36 plate (see layoutPlate: 440x140 mm for 7
// characters, 45x90 mm characters, 12 mm gaps, a 34 mm gap with the dot after the
// second character, a frame line; 480 mm new-energy and 440x220 mm double-row plates)
// at 2 px/mm, then shrinks it to w x h pixels by area averaging, which anti-aliases
// the strokes. Red characters are drawn in a second ink layer.
func renderPlate(text, color string, rows int, glyphs map[rune]glyph, w, h int) *plateImage {
	rs := plateRunes(text)
	l := layoutPlate(text, color, rows, len(rs))
	const scale = 2.0
	hw, hh := int(l.wMM*scale), int(l.hMM*scale)
	ink := make([]float64, hw*hh)
	var red []float64
	for i, r := range rs {
		layer := ink
		if l.cells[i].red {
			if red == nil {
				red = make([]float64, hw*hh)
			}
			layer = red
		}
		stampGlyph(layer, hw, glyphs[r], l.cells[i], scale)
	}
	for _, d := range l.dots {
		dot(ink, hw, d[0]*scale, d[1]*scale, d[2]*scale)
	}
	frame(ink, hw, hh, int(3*scale), int(1.5*scale))

	layers := []inkLayer{{a: resample(ink, hw, hh, w, h), col: l.ink}}
	if red != nil {
		layers = append(layers, inkLayer{a: resample(red, hw, hh, w, h), col: paintRed})
	}
	pi := &plateImage{w: w, h: h, pix: make([]rgb, w*h)}
	for y := range h {
		for x := range w {
			i := y*w + x
			pi.pix[i] = composite(l.bg((float64(x)+0.5)/float64(w), (float64(y)+0.5)/float64(h)), layers, i)
		}
	}
	return pi
}

// inkLayer is one colour's coverage at the output size.
type inkLayer struct {
	a   []float64
	col rgb
}

// composite mixes the ink layers at pixel i over the background by their coverage.
func composite(bg rgb, layers []inkLayer, i int) rgb {
	var o rgb
	if len(layers) == 1 {
		a, col := layers[0].a[i], layers[0].col
		for k := range 3 {
			o[k] = clamp8(float64(bg[k])*(1-a) + float64(col[k])*a)
		}
		return o
	}
	sum := 0.0
	for _, l := range layers {
		sum += l.a[i]
	}
	for k := range 3 {
		v := float64(bg[k]) * (1 - sum)
		for _, l := range layers {
			v += float64(l.col[k]) * l.a[i]
		}
		o[k] = clamp8(v)
	}
	return o
}

// stampGlyph scales a glyph to its cell's height (keeping its proportions times the
// cell's stretch, never wider than the cell) and centres it horizontally.
func stampGlyph(dst []float64, dw int, g glyph, c plateCell, scale float64) {
	if g.w == 0 || g.h == 0 {
		return
	}
	cellX, cellY := int(c.x*scale), int(c.y*scale)
	cw, ch := int(c.w*scale), int(c.h*scale)
	gw := min(cw, int(math.Round(float64(g.w)*float64(ch)/float64(g.h)*c.stretch)))
	stamp(dst, dw, resample(g.a, g.w, g.h, gw, ch), gw, ch, cellX+(cw-gw)/2, cellY)
}

func stamp(dst []float64, dw int, src []float64, sw, sh, x0, y0 int) {
	for y := range sh {
		for x := range sw {
			i := (y0+y)*dw + x0 + x
			dst[i] = max(dst[i], src[y*sw+x])
		}
	}
}

func dot(dst []float64, dw int, cx, cy, r float64) {
	dh := len(dst) / dw
	for y := range dh {
		for x := range dw {
			if math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) <= r {
				dst[y*dw+x] = 1
			}
		}
	}
}

// frame draws a rectangle line of the given thickness, inset from the edge.
func frame(dst []float64, dw, dh, inset, thick int) {
	for y := inset; y < dh-inset; y++ {
		for x := inset; x < dw-inset; x++ {
			if x < inset+thick || x >= dw-inset-thick || y < inset+thick || y >= dh-inset-thick {
				dst[y*dw+x] = 1
			}
		}
	}
}

// resample scales a coverage mask to dw x dh by integrating the source over each
// destination pixel's footprint (box filter); it works for both shrinking and growing.
func resample(src []float64, sw, sh, dw, dh int) []float64 {
	out := make([]float64, dw*dh)
	fx, fy := float64(sw)/float64(dw), float64(sh)/float64(dh)
	for y := range dh {
		sy0, sy1 := float64(y)*fy, float64(y+1)*fy
		for x := range dw {
			sx0, sx1 := float64(x)*fx, float64(x+1)*fx
			var sum float64
			for yy := int(sy0); yy < sh && float64(yy) < sy1; yy++ {
				wy := math.Min(sy1, float64(yy+1)) - math.Max(sy0, float64(yy))
				for xx := int(sx0); xx < sw && float64(xx) < sx1; xx++ {
					wx := math.Min(sx1, float64(xx+1)) - math.Max(sx0, float64(xx))
					sum += wx * wy * src[yy*sw+xx]
				}
			}
			out[y*dw+x] = sum / (fx * fy)
		}
	}
	return out
}
