package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"
)

// HeaderMessageID is the Kafka header carrying Message.ID, for consumer-side dedupe.
const HeaderMessageID = "message_id"

// recordOverhead over-estimates kafka-go's per-record framing, so our size check
// rejects a message before kafka-go would.
const recordOverhead = 128

// sendBatch writes the head of the queue once. It returns nil when every message it
// tried was either acknowledged or dropped for good, and an error when some must be
// retried (they stay at the head of the queue, in order).
func (s *Sink) sendBatch(ctx context.Context) error {
	limit := s.cfg.BatchSize
	if s.solo > 0 {
		limit = 1
		s.solo--
	}
	recs := s.q.peek(limit, s.cfg.BatchBytes)
	batch, tooLarge := s.buildBatch(recs)
	if len(tooLarge) > 0 {
		s.log.Warn("dropping alerts larger than the Kafka batch limit", "count", len(tooLarge), "batch_bytes", s.cfg.BatchBytes)
		s.q.discard(tooLarge, DropTooLarge)
	}
	if len(batch) == 0 {
		return nil
	}
	msgs := make([]kafka.Message, len(batch))
	for i, r := range batch {
		msgs[i] = kafka.Message{
			Topic:   r.msg.Topic,
			Key:     r.msg.Key,
			Value:   r.msg.Value,
			Time:    r.msg.Time,
			Headers: []kafka.Header{{Key: HeaderMessageID, Value: []byte(r.msg.ID)}},
		}
	}

	start := time.Now()
	err := s.w.WriteMessages(ctx, msgs...)
	took := time.Since(start)
	out := classify(err, msgs)
	isolate := len(batch) > 1 && slices.Contains(out, outcomeRejected)
	if isolate {
		// A size or record error covers a partition's whole batch: find the culprit
		// by sending the next messages one at a time before dropping anything.
		for i := range out {
			if out[i] == outcomeRejected {
				out[i] = outcomeRetry
			}
		}
		s.solo = len(batch)
	}

	var acked, rejected, tooBig []uint64
	for i, r := range batch {
		switch out[i] {
		case outcomeAcked:
			acked = append(acked, r.seq)
		case outcomeRejected:
			rejected = append(rejected, r.seq)
		case outcomeTooLarge:
			tooBig = append(tooBig, r.seq)
		}
	}
	if len(acked) > 0 {
		s.acked(batch, out, acked, took)
	}
	if len(rejected) > 0 {
		s.log.Warn("kafka rejected alerts for good, dropping them", "count", len(rejected), "error", err)
		s.q.discard(rejected, DropRejected)
	}
	if len(tooBig) > 0 {
		s.log.Warn("dropping alert larger than the Kafka batch limit", "batch_bytes", s.cfg.BatchBytes)
		s.q.discard(tooBig, DropTooLarge)
	}
	if err == nil || len(acked)+len(rejected)+len(tooBig) == len(batch) {
		return nil
	}
	if isolate || errors.As(err, new(kafka.MessageTooLargeError)) {
		return nil // retry the others at once
	}
	err = fmt.Errorf("write %d alerts to kafka %v: %w", len(batch)-len(acked), s.cfg.Brokers, err)
	s.failed(err)
	s.resetConnections()
	return err
}

// buildBatch takes records from the head while they fit in BatchBytes, and returns
// separately those that can never fit.
func (s *Sink) buildBatch(recs []record) (batch []record, tooLarge []uint64) {
	var total int64
	for _, r := range recs {
		n := int64(len(r.msg.Key) + len(r.msg.Value) + len(HeaderMessageID) + len(r.msg.ID) + recordOverhead)
		if n > s.cfg.BatchBytes {
			tooLarge = append(tooLarge, r.seq)
			continue
		}
		if total+n > s.cfg.BatchBytes {
			break
		}
		batch = append(batch, r)
		total += n
	}
	return batch, tooLarge
}

func (s *Sink) acked(batch []record, out []outcome, seqs []uint64, took time.Duration) {
	n := s.q.remove(seqs)
	now := time.Now()
	for i, r := range batch {
		if out[i] == outcomeAcked && !r.enqueued.IsZero() {
			s.metrics.delay.Observe(now.Sub(r.enqueued).Seconds())
		}
		if out[i] == outcomeAcked && !r.msg.Time.IsZero() {
			s.metrics.latency.WithLabelValues(string(r.msg.Key)).Observe(now.Sub(r.msg.Time).Seconds())
		}
	}
	s.metrics.sendTime.Observe(took.Seconds())
	s.metrics.delivered.Add(float64(len(seqs)))
	s.mu.Lock()
	s.health.delivered += uint64(len(seqs))
	s.mu.Unlock()
	s.succeeded()
	s.log.Debug("alerts delivered", "count", len(seqs), "removed", n, "took", took)
}

// outcome is what happened to one message of a write.
type outcome int

const (
	outcomeRetry outcome = iota
	outcomeAcked
	outcomeRejected
	outcomeTooLarge
)

// classify maps WriteMessages' error onto each message.
func classify(err error, msgs []kafka.Message) []outcome {
	out := make([]outcome, len(msgs))
	var werrs kafka.WriteErrors
	var tooLarge kafka.MessageTooLargeError
	switch {
	case err == nil:
		for i := range out {
			out[i] = outcomeAcked
		}
	case errors.As(err, &werrs) && len(werrs) == len(msgs):
		for i, e := range werrs {
			switch {
			case e == nil:
				out[i] = outcomeAcked
			case permanent(e):
				out[i] = outcomeRejected
			}
		}
	case errors.As(err, &tooLarge):
		id := messageID(tooLarge.Message)
		for i := range msgs {
			if messageID(msgs[i]) == id {
				out[i] = outcomeTooLarge
			}
		}
	}
	return out
}

// permanent reports broker errors that retrying the same message cannot fix.
func permanent(err error) bool {
	for _, e := range []kafka.Error{kafka.MessageSizeTooLarge, kafka.RecordListTooLarge, kafka.InvalidRecord, kafka.InvalidTopic} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func messageID(m kafka.Message) string {
	for _, h := range m.Headers {
		if h.Key == HeaderMessageID {
			return string(h.Value)
		}
	}
	return ""
}
