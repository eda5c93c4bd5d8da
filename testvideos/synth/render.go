package synth

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Renderer draws the frames of one scene. Frame i depends only on the scene and i, so
// frames can be drawn in any order. A Renderer is not safe for concurrent use.
type Renderer struct {
	*plan
	bg     []byte   // clean background
	bgs    [][]byte // background with per-frame noise: frame i uses bgs[hash(i)%len]
	plates map[int]*plateImage
	order  []drawItem // scratch
}

type drawItem struct {
	t  *track
	st state
}

// noiseVariants is how many noisy copies of the background frames cycle through.
// Noise is added to the background only (actors are drawn clean), which keeps a frame
// to one copy plus the actors' shapes.
const noiseVariants = 4

// NewRenderer prepares a scene: it fills in defaults, validates, expands groups, paints
// the background and rasterises plate glyphs (one ffmpeg run when the scene has plates).
func NewRenderer(ctx context.Context, scene Scene) (*Renderer, error) {
	p, err := newPlan(scene)
	if err != nil {
		return nil, err
	}
	s := p.scene
	r := &Renderer{plan: p, bg: background(s), plates: map[int]*plateImage{}}
	r.bgs = noisy(r.bg, s.Seed, s.Background.Noise)
	if err := r.preparePlates(ctx); err != nil {
		return nil, fmt.Errorf("scene %q: %w", s.Name, err)
	}
	return r, nil
}

func (r *Renderer) preparePlates(ctx context.Context) error {
	var runes []rune
	for _, t := range r.tracks {
		for _, c := range plateRunes(t.actor.Plate) {
			if !slices.Contains(runes, c) {
				runes = append(runes, c)
			}
		}
	}
	if len(runes) == 0 {
		return nil
	}
	glyphs, err := rasterGlyphs(ctx, runes)
	if err != nil {
		return err
	}
	for _, t := range r.tracks {
		if t.actor.Plate == "" {
			continue
		}
		x0, y0, x1, y1 := place(t.actor, Point{}, r.scene.Width, r.scene.Height).plateRect()
		r.plates[t.actor.ID] = renderPlate(t.actor.Plate, t.actor.PlateColor, t.actor.PlateRows, glyphs, int(x1-x0), int(y1-y0))
	}
	return nil
}

// Scene returns the normalized scene (defaults filled in).
func (r *Renderer) Scene() Scene { return r.scene }

// Frames returns the number of frames.
func (r *Renderer) Frames() int { return r.scene.Frames() }

// Render draws frame i into dst, packed rgb24 of Width*Height*3 bytes.
func (r *Renderer) Render(i int, dst []byte) {
	s := r.scene
	copy(dst, r.bgs[splitmix(s.Seed^uint64(i)*0x9e3779b97f4a7c15)%uint64(len(r.bgs))])
	c := &canvas{w: s.Width, h: s.Height, pix: dst}
	t := frameTime(i, s.FPS)
	r.order = r.order[:0]
	for _, tr := range r.tracks {
		if st, ok := tr.at(t, s.Width, s.Height); ok {
			r.order = append(r.order, drawItem{tr, st})
		}
	}
	// Farther (higher on screen) first, so nearer figures occlude them.
	slices.SortStableFunc(r.order, func(a, b drawItem) int { return cmp.Compare(a.st.foot.Y, b.st.foot.Y) })
	for _, it := range r.order {
		p := place(it.t.actor, it.st.foot, s.Width, s.Height)
		if p.visible() <= 0 {
			continue
		}
		if it.t.actor.Class == ClassCar {
			drawCar(c, p, r.plates[it.t.actor.ID])
		} else {
			drawPerson(c, p, it.st)
		}
	}
}

// noisy returns noiseVariants copies of bg with uniform noise in [-amp, amp], or bg
// alone when amp <= 0. Each random word feeds eight bytes.
func noisy(bg []byte, seed uint64, amp int) [][]byte {
	if amp <= 0 {
		return [][]byte{bg}
	}
	rnd := newRand(seed, 2)
	span := uint64(2*amp + 1)
	out := make([][]byte, noiseVariants)
	for k := range out {
		v := make([]byte, len(bg))
		var word uint64
		for i, b := range bg {
			if i%8 == 0 {
				word = rnd.Uint64()
			}
			n := int(word&0xff%span) - amp
			word >>= 8
			v[i] = uint8(min(255, max(0, int(b)+n)))
		}
		out[k] = v
	}
	return out
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
