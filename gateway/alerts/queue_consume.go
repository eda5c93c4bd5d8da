package alerts

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// The Sink's side of the Queue: read the head, remove what was delivered, discard what
// never will be.

// peek reads up to maxN records from the head, stopping before maxBytes of record files
// (but returning at least one). Unreadable or corrupt records are deleted and counted.
func (q *Queue) peek(maxN int, maxBytes int64) []record {
	q.mu.Lock()
	var head []entry
	var total int64
	for _, e := range q.items {
		if len(head) == maxN || (len(head) > 0 && total+e.size > maxBytes) {
			break
		}
		head = append(head, e)
		total += e.size
	}
	q.mu.Unlock()

	recs := make([]record, 0, len(head))
	for _, e := range head {
		r, err := q.read(e)
		if err == nil {
			recs = append(recs, r)
			continue
		}
		if errors.Is(err, fs.ErrNotExist) && !q.has(e.seq) {
			continue // dropped as the oldest while we were reading
		}
		q.log.Warn("skipping corrupt alert record", "file", filepath.Base(q.path(e.seq)), "error", err)
		q.discard([]uint64{e.seq}, DropCorrupt)
	}
	return recs
}

func (q *Queue) read(e entry) (record, error) {
	b, err := os.ReadFile(q.path(e.seq))
	if err != nil {
		return record{}, err
	}
	m, enq, err := decodeRecord(b)
	if err != nil {
		return record{}, err
	}
	return record{seq: e.seq, size: int64(len(b)), msg: m, enqueued: enq}, nil
}

func (q *Queue) has(seq uint64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := slices.BinarySearchFunc(q.items, seq, func(e entry, s uint64) int { return cmpUint(e.seq, s) })
	return ok
}

// remove deletes delivered records. Sequence numbers no longer queued are ignored.
func (q *Queue) remove(seqs []uint64) int {
	q.mu.Lock()
	var gone []uint64
	for _, s := range seqs {
		i, ok := slices.BinarySearchFunc(q.items, s, func(e entry, s uint64) int { return cmpUint(e.seq, s) })
		if !ok {
			continue
		}
		q.bytes -= q.items[i].size
		if i == 0 {
			q.items = q.items[1:]
		} else {
			q.items = slices.Delete(q.items, i, i+1)
		}
		gone = append(gone, s)
	}
	q.mu.Unlock()
	for _, s := range gone {
		if err := os.Remove(q.path(s)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			q.log.Warn("cannot delete alert record", "seq", s, "error", err)
		}
	}
	return len(gone)
}

// discard removes records that will never be delivered and counts them under reason.
func (q *Queue) discard(seqs []uint64, reason string) {
	if n := q.remove(seqs); n > 0 {
		q.countDropped(reason, n)
	}
}
