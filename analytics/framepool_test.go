package analytics

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFramePoolReuses(t *testing.T) {
	p := NewFramePool(2)
	a := p.Get(100, 8)
	require.Len(t, a, 100)
	require.GreaterOrEqual(t, cap(a), 108)
	a[0] = 42
	f := &Frame{Pix: a}
	p.Put(f)
	require.Nil(t, f.Pix, "Put takes the pixels away from the frame")
	b := p.Get(100, 8)
	require.Equal(t, &a[0], &b[0], "the buffer put back is handed out again")
}

func TestFramePoolBounded(t *testing.T) {
	p := NewFramePool(2)
	for range 5 {
		p.Put(&Frame{Pix: make([]byte, 10, 12)})
	}
	require.Len(t, p.free, 2, "a full pool drops what it cannot keep")
}

func TestFramePoolSizeChange(t *testing.T) {
	p := NewFramePool(2)
	p.Put(&Frame{Pix: make([]byte, 10, 12)})
	b := p.Get(100, 4)
	require.Len(t, b, 100)
	require.GreaterOrEqual(t, cap(b), 104, "a too-small buffer is not handed out")
	require.Empty(t, p.free, "and it is dropped")
}

func TestFramePoolNil(t *testing.T) {
	var p *FramePool
	b := p.Get(10, 2)
	require.Len(t, b, 10)
	f := &Frame{Pix: b}
	p.Put(f)
	require.NotNil(t, f.Pix, "a nil pool leaves the frame alone")
}

func TestFramePoolConcurrent(t *testing.T) {
	p := NewFramePool(3)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				b := p.Get(64, 0)
				b[0]++
				p.Put(&Frame{Pix: b})
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, len(p.free), 3)
}
