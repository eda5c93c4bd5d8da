package plate

import (
	"math/rand/v2"
	"testing"
)

type rgb struct{ r, g, b float64 }

// platePicture draws a 140×44 plate: background top→bottom gradient, seven character
// bars of the character colour covering about a third of the area, a thin frame and
// pixel noise; gain scales everything (dusk, shade).
func platePicture(top, bottom, char rgb, gain float64, seed uint64) Picture {
	const w, h = 140, 44
	p := Picture{W: w, H: h, Pix: make([]byte, w*h*3)}
	rnd := rand.New(rand.NewPCG(seed, 1))
	for y := range h {
		t := float64(y) / (h - 1)
		bg := rgb{top.r + (bottom.r-top.r)*t, top.g + (bottom.g-top.g)*t, top.b + (bottom.b-top.b)*t}
		for x := range w {
			c := bg
			inChar := y > 8 && y < 36 && x > 8 && x < 132 && (x-8)%18 < 7
			frame := x < 2 || y < 2 || x >= w-2 || y >= h-2
			if inChar || frame {
				c = char
			}
			set := func(i int, v float64) {
				v = v*gain + rnd.NormFloat64()*4
				p.Pix[(y*w+x)*3+i] = byte(min(255, max(0, v)))
			}
			set(0, c.b)
			set(1, c.g)
			set(2, c.r)
		}
	}
	return p
}

func TestClassifyColor(t *testing.T) {
	white, black := rgb{235, 235, 235}, rgb{25, 25, 25}
	blue, yellow := rgb{20, 70, 180}, rgb{230, 180, 20}
	red := rgb{200, 30, 30}
	tests := []struct {
		name              string
		top, bottom, char rgb
		gain              float64
		want              Color
	}{
		{"blue ordinary", blue, blue, white, 1, ColorBlue},
		{"blue at dusk", blue, blue, white, 0.6, ColorBlue},
		{"yellow large", yellow, yellow, black, 1, ColorYellow},
		{"yellow in shade", yellow, yellow, black, 0.7, ColorYellow},
		{"new-energy gradient", rgb{225, 245, 230}, rgb{60, 180, 90}, black, 1, ColorGreen},
		{"white police with red suffix", white, white, black, 1, ColorWhite},
		{"white with red characters", white, white, red, 1, ColorWhite},
		{"black Hong Kong", black, black, white, 1, ColorBlack},
		{"deep blue in shade", rgb{10, 35, 70}, rgb{10, 35, 70}, rgb{150, 150, 160}, 1, ColorBlue},
		{"pale blue in glare", rgb{170, 190, 225}, rgb{170, 190, 225}, white, 1, ColorBlue},
		{"white plate at dusk", rgb{110, 110, 112}, rgb{110, 110, 112}, rgb{15, 15, 15}, 1, ColorWhite},
		{"black plate in sunlight", rgb{60, 60, 62}, rgb{60, 60, 62}, rgb{240, 240, 240}, 1, ColorBlack},
		{"grey featureless", rgb{128, 128, 128}, rgb{128, 128, 128}, rgb{120, 120, 120}, 1, ColorUnknown},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, conf := ClassifyColor(platePicture(tc.top, tc.bottom, tc.char, tc.gain, uint64(i)))
			if got != tc.want {
				t.Fatalf("colour %v (conf %.2f), want %v", got, conf, tc.want)
			}
			if tc.want != ColorUnknown && (conf < 0.55 || conf > 1) {
				t.Fatalf("confidence %.2f for a clear %v plate, want 0.55–1", conf, tc.want)
			}
			if tc.want == ColorUnknown && conf != 0 {
				t.Fatalf("confidence %.2f for unknown, want 0", conf)
			}
		})
	}
}

func TestClassifyColorInvalid(t *testing.T) {
	for _, p := range []Picture{{}, {W: 10, H: 10, Pix: make([]byte, 10)}, {W: 2, H: 2, Pix: make([]byte, 12)}} {
		if c, conf := ClassifyColor(p); c != ColorUnknown || conf != 0 {
			t.Fatalf("ClassifyColor(%dx%d, %d bytes) = %v %.2f, want unknown 0", p.W, p.H, len(p.Pix), c, conf)
		}
	}
}
