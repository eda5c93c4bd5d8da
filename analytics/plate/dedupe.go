package plate

import (
	"container/list"
	"sync"
	"time"
)

// Deduper suppresses repeated reports: the same plate on the same camera inside the
// window is reported once. It is safe for concurrent use.
//
// Bound: at most max plates are remembered; when a new one would exceed that, the one
// remembered longest ago is forgotten (it may then be reported again early). Entries
// older than the window are dropped as calls pass them.
type Deduper struct {
	// Tolerance is the edit distance within which two reads are the same vehicle: with
	// Tolerance 1, 粤B12346 seen inside the window of 粤B12345 is suppressed. Set it
	// before the first call to Seen. The default 0 compares exactly.
	Tolerance int

	window time.Duration
	max    int

	mu      sync.Mutex
	order   *list.List                          // *seenPlate, oldest report first
	cameras map[string]map[string]*list.Element // camera → text → element of order
}

type seenPlate struct {
	camera, text string
	at           time.Time
}

// NewDeduper returns a Deduper with the given window that remembers at most limit
// plates (limit < 1 means 1).
func NewDeduper(window time.Duration, limit int) *Deduper {
	return &Deduper{
		window:  window,
		max:     max(limit, 1),
		order:   list.New(),
		cameras: make(map[string]map[string]*list.Element),
	}
}

// Seen records a read of text on camera at time at and reports whether it repeats a
// plate reported on that camera less than the window before (or after: times may
// arrive out of order). true means suppress. A suppressed read does not extend the
// window; the window runs from the last report. Text is normalised first; an empty
// text is never suppressed and never remembered.
func (d *Deduper) Seen(camera, text string, at time.Time) bool {
	t := Normalize(text)
	if t == "" {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(at)
	if d.repeats(camera, t, at) {
		return true
	}
	d.remember(camera, t, at)
	return false
}

// Len returns how many plates are remembered.
func (d *Deduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

// repeats reports whether camera has a remembered plate within Tolerance of t inside
// the window around at.
func (d *Deduper) repeats(camera, t string, at time.Time) bool {
	plates := d.cameras[camera]
	if e, ok := plates[t]; ok && d.inside(e.Value.(*seenPlate).at, at) {
		return true
	}
	if d.Tolerance <= 0 {
		return false
	}
	n := len([]rune(t))
	for other, e := range plates {
		if absDiff(len([]rune(other)), n) > d.Tolerance || !d.inside(e.Value.(*seenPlate).at, at) {
			continue
		}
		if Distance(t, other) <= d.Tolerance {
			return true
		}
	}
	return false
}

func (d *Deduper) inside(reported, at time.Time) bool {
	dt := at.Sub(reported)
	if dt < 0 {
		dt = -dt
	}
	return dt < d.window
}

// remember stores a report, replacing an expired one for the same text and evicting
// the oldest when over the bound.
func (d *Deduper) remember(camera, t string, at time.Time) {
	plates := d.cameras[camera]
	if plates == nil {
		plates = make(map[string]*list.Element)
		d.cameras[camera] = plates
	}
	if e, ok := plates[t]; ok {
		d.forget(e)
	}
	plates[t] = d.order.PushBack(&seenPlate{camera: camera, text: t, at: at})
	for d.order.Len() > d.max {
		d.forget(d.order.Front())
	}
}

// expire drops entries from the front whose report is a window or more before at.
func (d *Deduper) expire(at time.Time) {
	for e := d.order.Front(); e != nil; e = d.order.Front() {
		if at.Sub(e.Value.(*seenPlate).at) < d.window {
			return
		}
		d.forget(e)
	}
}

func (d *Deduper) forget(e *list.Element) {
	s := d.order.Remove(e).(*seenPlate)
	plates := d.cameras[s.camera]
	delete(plates, s.text)
	if len(plates) == 0 {
		delete(d.cameras, s.camera)
	}
}
