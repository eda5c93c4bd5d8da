// Package alerts delivers alert messages to Kafka at least once, through a bounded
// durable queue on disk. It is the only package that imports segmentio/kafka-go.
package alerts

import (
	"errors"
	"fmt"
	"time"
)

// Message is one alert to publish. The caller builds it; the queue stores a copy.
type Message struct {
	// ID is unique per message (for example event_id + ":" + action + seq). It is sent
	// as the Kafka header "message_id" so consumers can drop the duplicates that
	// at-least-once delivery allows.
	ID string
	// Topic is the Kafka topic; it must be a legal Kafka topic name.
	Topic string
	// Key is the partitioning key (the camera ID): messages with equal keys stay in
	// order in one partition.
	Key []byte
	// Value is the payload (JSON).
	Value []byte
	// Time is the record timestamp; Enqueue sets it to the enqueue time when zero.
	Time time.Time
}

// Errors returned by Enqueue for messages that can never be delivered.
var (
	ErrInvalidMessage = errors.New("invalid alert message")
	ErrTooLarge       = errors.New("alert message too large")
	ErrClosed         = errors.New("alert queue closed")
)

// maxTopicLen is Kafka's limit on topic name length.
const maxTopicLen = 249

// validate reports why m can never be delivered, or nil.
func (m *Message) validate() error {
	if m.ID == "" {
		return fmt.Errorf("%w: empty ID", ErrInvalidMessage)
	}
	if err := validateTopic(m.Topic); err != nil {
		return err
	}
	return nil
}

// validateTopic applies Kafka's topic name rules: 1–249 characters of [a-zA-Z0-9._-],
// and not "." or "..".
func validateTopic(t string) error {
	if t == "" || len(t) > maxTopicLen || t == "." || t == ".." {
		return fmt.Errorf("%w: topic %q", ErrInvalidMessage, t)
	}
	for _, c := range []byte(t) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("%w: topic %q has illegal character %q", ErrInvalidMessage, t, c)
		}
	}
	return nil
}
