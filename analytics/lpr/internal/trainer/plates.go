package trainer

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/glyph"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/seg"
	"github.com/sharpeyes/sharpeyes/analytics/lpr/internal/synth"
)

// plateStream offsets the random streams of plates from those of isolated
// characters.
const plateStream = 1 << 40

// RenderPlates photographs n synthetic plates, segments each exactly as the engine
// does and keeps the characters whose slot lies on the true character (within 0.3
// of the pitch); Latin characters are kept with probability latin.
func RenderPlates(ctx context.Context, set *synth.Set, seed uint64, n int, latin float64, workers int) (Dataset, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type sample struct {
		x     []float32
		class int
	}
	per := make([][]sample, n)
	skipped := make([]int, n)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Go(func() {
			for i := wk; i < n; i += workers {
				if ctx.Err() != nil {
					errs[wk] = ctx.Err()
					return
				}
				rng := rand.New(rand.NewPCG(seed, plateStream+uint64(i)))
				c, err := set.RandomCrop(rng)
				if err != nil {
					errs[wk] = err
					return
				}
				rs := []rune(c.Text)
				s := seg.Segment(c.Pic)
				row, ok := rowOfLen(s, len(rs))
				if !ok {
					skipped[i] = len(rs)
					continue
				}
				for k, slot := range row.Slots {
					class := glyph.Index(rs[k])
					if !glyph.IsChinese(class) && rng.Float64() >= latin {
						continue
					}
					mid := s.ToCrop(seg.Point{X: float64(slot.Min.X+slot.Max.X) / 2, Y: float64(slot.Min.Y+slot.Max.Y) / 2})
					if math.Abs(mid.X-c.Centres[k].X) > 0.3*c.Pitch {
						skipped[i]++
						continue
					}
					g, ok := glyph.Cut(s.Ink, slot)
					if !ok {
						skipped[i]++
						continue
					}
					per[i] = append(per[i], sample{glyph.Features(g), class})
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Dataset{}, fmt.Errorf("trainer: render plates: %w", err)
		}
	}
	var d Dataset
	for i, ss := range per {
		for _, s := range ss {
			d.X = append(d.X, s.x)
			d.Y = append(d.Y, s.class)
		}
		d.Skipped += skipped[i]
	}
	return d, nil
}

func rowOfLen(s seg.Result, n int) (seg.Row, bool) {
	for _, r := range s.Rows {
		if r.Len == n {
			return r, true
		}
	}
	return seg.Row{}, false
}
