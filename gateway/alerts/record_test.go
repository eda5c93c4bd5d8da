package alerts

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func recordCases() []struct {
	name string
	msg  Message
} {
	return []struct {
		name string
		msg  Message
	}{
		{"full", Message{ID: "e1:enter1", Topic: "t", Key: []byte("cam-1"), Value: []byte(`{"a":1}`), Time: time.Unix(1700000000, 123456789)}},
		{"nil key", Message{ID: "e2", Topic: "t", Value: []byte("{}"), Time: time.Unix(1, 0)}},
		{"empty key", Message{ID: "e3", Topic: "t", Key: []byte{}, Value: []byte("{}")}},
		{"empty value zero time", Message{ID: "e4", Topic: "a.b-c_d"}},
		{"binary", Message{ID: "\x00\xff", Topic: "t", Key: []byte{0, 1, 2}, Value: make([]byte, 70000)}},
	}
}

func TestRecordRoundTrip(t *testing.T) {
	enq := time.Unix(1700000001, 42)
	for _, tc := range recordCases() {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeRecord(&tc.msg, enq)
			m, gotEnq, err := decodeRecord(b)
			require.NoError(t, err)
			require.Equal(t, tc.msg.ID, m.ID)
			require.Equal(t, tc.msg.Topic, m.Topic)
			require.Equal(t, tc.msg.Key == nil, m.Key == nil, "nil key must stay nil")
			require.Equal(t, string(tc.msg.Key), string(m.Key))
			require.Equal(t, string(tc.msg.Value), string(m.Value))
			require.True(t, tc.msg.Time.Equal(m.Time), "time %v != %v", tc.msg.Time, m.Time)
			require.True(t, enq.Equal(gotEnq))
		})
	}
}

func TestRecordCorrupt(t *testing.T) {
	good := encodeRecord(&Message{ID: "id", Topic: "t", Key: []byte("k"), Value: []byte("value")}, time.Unix(5, 0))
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short header", good[:7]},
		{"bad magic", mutate(func(b []byte) []byte { b[0] = 'X'; return b })},
		{"truncated payload", good[:len(good)-1]},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"flipped payload bit", mutate(func(b []byte) []byte { b[len(b)-3] ^= 0x10; return b })},
		{"flipped crc bit", mutate(func(b []byte) []byte { b[9] ^= 1; return b })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeRecord(tc.b)
			require.ErrorIs(t, err, errCorrupt)
		})
	}
}

// FuzzDecodeRecord feeds arbitrary payloads (past the checksum, which random input
// would rarely pass) to the decoder: it must never panic, and whatever decodes must
// survive an encode/decode round trip unchanged.
func FuzzDecodeRecord(f *testing.F) {
	for _, tc := range recordCases() {
		f.Add(encodeRecord(&tc.msg, time.Unix(9, 9))[recordHeaderSize:])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		m, enq, err := decodePayload(payload)
		if err != nil {
			return
		}
		m2, enq2, err := decodeRecord(encodeRecord(&m, enq))
		require.NoError(t, err)
		require.Equal(t, m.ID, m2.ID)
		require.Equal(t, m.Topic, m2.Topic)
		require.Equal(t, m.Key, m2.Key)
		require.Equal(t, m.Value, m2.Value)
		require.True(t, m.Time.Equal(m2.Time))
		require.True(t, enq.Equal(enq2))
	})
}
