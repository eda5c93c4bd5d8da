package analytics

// FramePool recycles the pixel buffers of one camera's frames, so a camera at
// 5–10 fps does not allocate (and the runtime does not clear, fault in and
// later scavenge) a fresh 0.7 MB buffer per analysed frame.
//
// It is bounded: it keeps at most its capacity of idle buffers; Put on a full
// pool lets the buffer go to the garbage collector. A nil *FramePool is valid
// and never recycles. Safe for concurrent use (the decoding goroutine gets,
// the analysis goroutine puts).
type FramePool struct {
	free chan []byte
}

// NewFramePool returns a pool keeping at most n idle buffers.
func NewFramePool(n int) *FramePool {
	return &FramePool{free: make(chan []byte, max(n, 0))}
}

// Get returns a buffer of length size with at least spare bytes of capacity
// beyond it (for SIMD writes past the last row). Its contents are undefined.
func (p *FramePool) Get(size, spare int) []byte {
	for p != nil {
		select {
		case b := <-p.free:
			if cap(b) >= size+spare {
				return b[:size]
			}
			// another size (the stream changed): drop it and look again
		default:
			return make([]byte, size, size+spare)
		}
	}
	return make([]byte, size, size+spare)
}

// Put hands f's pixels back for reuse and clears f.Pix. The caller must not
// touch the pixels afterwards. Nil frames and nil pools are ignored.
func (p *FramePool) Put(f *Frame) {
	if p == nil || f == nil || f.Pix == nil {
		return
	}
	select {
	case p.free <- f.Pix:
	default: // full: the buffer goes to the garbage collector
	}
	f.Pix = nil
}
