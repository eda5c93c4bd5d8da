package alerts

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"time"
)

// On disk, each queued message is one file holding one record:
//
//	magic "SEA1" | payload length uint32 BE | CRC-32C of payload uint32 BE | payload
//
// and the payload is
//
//	uvarint len + ID | uvarint len + Topic | uvarint (len+1, 0 = nil) + Key |
//	uvarint len + Value | varint Time (Unix ns, 0 = zero) | varint enqueue time (Unix ns)
const (
	recordMagic      = "SEA1"
	recordHeaderSize = 12
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a record that fails its framing or checksum.
var errCorrupt = errors.New("corrupt alert record")

// encodeRecord returns the file contents for m, enqueued at enq.
func encodeRecord(m *Message, enq time.Time) []byte {
	p := make([]byte, recordHeaderSize, recordHeaderSize+len(m.ID)+len(m.Topic)+len(m.Key)+len(m.Value)+40)
	p = appendBytes(p, []byte(m.ID))
	p = appendBytes(p, []byte(m.Topic))
	if m.Key == nil {
		p = binary.AppendUvarint(p, 0)
	} else {
		p = binary.AppendUvarint(p, uint64(len(m.Key))+1)
		p = append(p, m.Key...)
	}
	p = appendBytes(p, m.Value)
	p = binary.AppendVarint(p, unixNano(m.Time))
	p = binary.AppendVarint(p, unixNano(enq))

	payload := p[recordHeaderSize:]
	copy(p, recordMagic)
	binary.BigEndian.PutUint32(p[4:], uint32(len(payload)))
	binary.BigEndian.PutUint32(p[8:], crc32.Checksum(payload, crcTable))
	return p
}

// decodeRecord parses file contents written by encodeRecord. The returned slices
// alias b.
func decodeRecord(b []byte) (m Message, enq time.Time, err error) {
	if len(b) < recordHeaderSize || string(b[:4]) != recordMagic {
		return m, enq, errCorrupt
	}
	n := binary.BigEndian.Uint32(b[4:])
	payload := b[recordHeaderSize:]
	if uint64(len(payload)) != uint64(n) || crc32.Checksum(payload, crcTable) != binary.BigEndian.Uint32(b[8:]) {
		return m, enq, errCorrupt
	}
	return decodePayload(payload)
}

// decodePayload parses the fields of a record whose framing and checksum are good.
func decodePayload(payload []byte) (m Message, enq time.Time, err error) {
	d := decoder{b: payload}
	m.ID = string(d.bytes())
	m.Topic = string(d.bytes())
	if k := d.uvarint(); k > 0 {
		m.Key = d.take(k - 1)
	}
	m.Value = d.bytes()
	m.Time = fromUnixNano(d.varint())
	enq = fromUnixNano(d.varint())
	if d.err || len(d.b) != 0 {
		return Message{}, time.Time{}, errCorrupt
	}
	return m, enq, nil
}

func appendBytes(p, b []byte) []byte {
	p = binary.AppendUvarint(p, uint64(len(b)))
	return append(p, b...)
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// decoder reads the payload fields; the first failure sets err and every later read
// returns zero values.
type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) take(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.err, d.b = true, nil
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte { return d.take(d.uvarint()) }
