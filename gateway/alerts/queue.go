package alerts

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Queue defaults, used where QueueConfig leaves a field zero.
const (
	DefaultQueueMaxMessages = 100000
	DefaultQueueMaxBytes    = 512 << 20
)

// Drop reasons, the values of the reason label of sharpeyes_alerts_dropped_total.
const (
	DropQueueFull = "queue_full" // evicted as the oldest when the queue was full
	DropCorrupt   = "corrupt"    // record file unreadable, torn or failing its checksum
	DropRejected  = "rejected"   // the broker refused the message for good (size, record)
	DropTooLarge  = "too_large"  // bigger than the sink's BatchBytes, Kafka would never take it
)

const (
	recordExt = ".rec"
	tmpPrefix = ".enqueue-"
	lockName  = "LOCK"
)

// QueueConfig configures OpenQueue.
type QueueConfig struct {
	// Dir holds the queue, one file per message. It is created if missing and must not
	// be shared by two open queues (OpenQueue takes a lock on it).
	Dir string
	// MaxMessages and MaxBytes bound the queue (bytes count record files, not
	// filesystem blocks). Zero means DefaultQueueMaxMessages / DefaultQueueMaxBytes.
	MaxMessages int
	MaxBytes    int64
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Registerer receives the queue metrics; nil registers nothing.
	Registerer prometheus.Registerer
}

// Queue is a durable, bounded FIFO of alert messages kept in one directory, one file per
// message, named by a sequence number. Enqueue writes a temporary file, fsyncs it and
// renames it into place, so a crash leaves either the whole record or none; a torn or
// corrupt record found later is deleted and counted as dropped{reason="corrupt"}.
//
// Overflow policy: when a new message would exceed MaxMessages or MaxBytes, the oldest
// messages are deleted and counted as dropped{reason="queue_full"}. Enqueue never waits
// for Kafka. Many goroutines may Enqueue; exactly one Sink consumes.
type Queue struct {
	dir      string
	maxMsgs  int
	maxBytes int64
	log      *slog.Logger
	metrics  *queueMetrics
	unlock   func() error
	wake     chan struct{} // capacity 1: "there is new work", read by the Sink

	writeMu sync.Mutex // serialises Enqueue so files land in sequence order

	mu      sync.Mutex
	items   []entry // ordered by seq, oldest first
	bytes   int64
	nextSeq uint64
	closed  bool

	dropped    atomic.Uint64
	dropLogMu  sync.Mutex
	dropLogAt  time.Time
	dropLogCnt int
}

// entry indexes one record file.
type entry struct {
	seq  uint64
	size int64
}

// record is a message read back from its file.
type record struct {
	seq      uint64
	size     int64
	msg      Message
	enqueued time.Time
}

// OpenQueue opens (or creates) the queue in cfg.Dir and indexes the records already
// there, oldest first. Leftover temporary files of interrupted Enqueues are removed.
func OpenQueue(cfg QueueConfig) (*Queue, error) {
	if cfg.Dir == "" {
		return nil, errors.New("open alert queue: empty directory")
	}
	q := &Queue{
		dir:      cfg.Dir,
		maxMsgs:  cmp0(cfg.MaxMessages, DefaultQueueMaxMessages),
		maxBytes: cmp0(cfg.MaxBytes, DefaultQueueMaxBytes),
		log:      cfg.Logger,
		wake:     make(chan struct{}, 1),
		nextSeq:  1,
	}
	if q.log == nil {
		q.log = slog.Default()
	}
	q.log = q.log.With("component", "alerts_queue")
	if err := os.MkdirAll(q.dir, 0o750); err != nil {
		return nil, fmt.Errorf("open alert queue %s: %w", q.dir, err)
	}
	unlock, err := lockDir(filepath.Join(q.dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("open alert queue %s: %w", q.dir, err)
	}
	q.unlock = unlock
	if err := q.load(); err != nil {
		_ = unlock()
		return nil, fmt.Errorf("open alert queue %s: %w", q.dir, err)
	}
	if q.metrics, err = newQueueMetrics(q, cfg.Registerer); err != nil {
		_ = unlock()
		return nil, fmt.Errorf("open alert queue %s: %w", q.dir, err)
	}
	q.enforceBounds(0) // the limits may have shrunk since the last run
	if len(q.items) > 0 {
		q.wake <- struct{}{}
		q.log.Info("alert queue reopened", "dir", q.dir, "messages", len(q.items), "bytes", q.bytes)
	}
	return q, nil
}

func cmp0[T int | int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// load indexes the record files in the directory.
func (q *Queue) load() error {
	des, err := os.ReadDir(q.dir)
	if err != nil {
		return err
	}
	for _, de := range des {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			q.log.Debug("removing interrupted enqueue", "file", name)
			_ = os.Remove(filepath.Join(q.dir, name))
		case strings.HasSuffix(name, recordExt):
			seq, err := strconv.ParseUint(strings.TrimSuffix(name, recordExt), 16, 64)
			info, ierr := de.Info()
			if err != nil || ierr != nil || !info.Mode().IsRegular() {
				q.log.Warn("ignoring unexpected file in alert queue", "file", name)
				continue
			}
			q.items = append(q.items, entry{seq: seq, size: info.Size()})
			q.bytes += info.Size()
			q.nextSeq = max(q.nextSeq, seq+1)
		case name != lockName:
			q.log.Warn("ignoring unexpected file in alert queue", "file", name)
		}
	}
	slices.SortFunc(q.items, func(a, b entry) int { return cmpUint(a.seq, b.seq) })
	return nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Enqueue stores m durably and wakes the Sink. It returns once m is on disk; it never
// waits for Kafka. It fails with ErrInvalidMessage (empty ID, illegal topic),
// ErrTooLarge (bigger than MaxBytes), ErrClosed, or a disk error.
func (q *Queue) Enqueue(m Message) error {
	if err := m.validate(); err != nil {
		return err
	}
	now := time.Now()
	if m.Time.IsZero() {
		m.Time = now
	}
	rec := encodeRecord(&m, now)
	if int64(len(rec)) > q.maxBytes {
		return fmt.Errorf("%w: %d bytes, queue holds at most %d", ErrTooLarge, len(rec), q.maxBytes)
	}

	q.writeMu.Lock()
	defer q.writeMu.Unlock()
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	seq := q.nextSeq
	q.nextSeq++
	q.mu.Unlock()

	if err := q.writeFile(seq, rec); err != nil {
		return fmt.Errorf("enqueue alert %s: %w", m.ID, err)
	}
	q.enforceBounds(int64(len(rec)))
	q.mu.Lock()
	q.items = append(q.items, entry{seq: seq, size: int64(len(rec))})
	q.bytes += int64(len(rec))
	q.mu.Unlock()
	q.metrics.enqueued.Inc()

	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// writeFile writes rec to a temporary file, fsyncs it, renames it to the record's name
// and fsyncs the directory, so the record is either fully there or absent.
func (q *Queue) writeFile(seq uint64, rec []byte) error {
	f, err := os.CreateTemp(q.dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(rec)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, q.path(seq))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(q.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (q *Queue) path(seq uint64) string {
	return filepath.Join(q.dir, fmt.Sprintf("%016x%s", seq, recordExt))
}

// enforceBounds drops the oldest records until one more of size incoming fits (pass 0
// to check the current contents).
func (q *Queue) enforceBounds(incoming int64) {
	var victims []entry
	q.mu.Lock()
	extra := 0
	if incoming > 0 {
		extra = 1
	}
	for len(q.items) > 0 && (len(q.items)+extra > q.maxMsgs || q.bytes+incoming > q.maxBytes) {
		victims = append(victims, q.items[0])
		q.bytes -= q.items[0].size
		q.items = q.items[1:]
	}
	q.mu.Unlock()
	if len(victims) == 0 {
		return
	}
	for _, e := range victims {
		_ = os.Remove(q.path(e.seq))
	}
	q.countDropped(DropQueueFull, len(victims))
	q.logDrops(len(victims))
}

// logDrops reports overflow at most once a second, with the count since the last report.
func (q *Queue) logDrops(n int) {
	q.dropLogMu.Lock()
	defer q.dropLogMu.Unlock()
	q.dropLogCnt += n
	if time.Since(q.dropLogAt) < time.Second {
		return
	}
	q.log.Warn("alert queue full, dropped oldest messages", "dropped", q.dropLogCnt,
		"max_messages", q.maxMsgs, "max_bytes", q.maxBytes)
	q.dropLogAt, q.dropLogCnt = time.Now(), 0
}

func (q *Queue) countDropped(reason string, n int) {
	q.dropped.Add(uint64(n))
	q.metrics.dropped.WithLabelValues(reason).Add(float64(n))
}

// Len returns the number of queued messages.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Bytes returns the size of the queued record files.
func (q *Queue) Bytes() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.bytes
}

// Dropped returns how many messages were dropped for any reason since OpenQueue.
func (q *Queue) Dropped() uint64 { return q.dropped.Load() }

// Close makes later Enqueues fail with ErrClosed, releases the directory lock and
// unregisters the metrics. The records stay on disk for the next OpenQueue. Close the
// Sink first.
func (q *Queue) Close() error {
	q.writeMu.Lock()
	defer q.writeMu.Unlock()
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	q.mu.Unlock()
	q.metrics.unregister()
	return q.unlock()
}
