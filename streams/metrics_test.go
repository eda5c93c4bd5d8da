package streams

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)

	s := NewStream("cam1", m)
	a := s.AddReader("whep", 4, false)
	b := s.AddReader("whep", 2, false)
	c := s.AddReader("analytics", 8, false)
	defer c.Close()
	for n := 0; n < 6; n++ {
		s.Write(mkUnit(n))
	}
	// whep a: 4 queued, 2 dropped; whep b: 2 queued, 4 dropped; analytics: 6 queued.
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP sharpeyes_stream_reader_dropped_total Units a reader lost because its queue was full, or while resyncing to a keyframe after that.
# TYPE sharpeyes_stream_reader_dropped_total counter
sharpeyes_stream_reader_dropped_total{camera="cam1",reader="analytics"} 0
sharpeyes_stream_reader_dropped_total{camera="cam1",reader="whep"} 6
# HELP sharpeyes_stream_reader_queue_capacity Capacity of the readers' queues.
# TYPE sharpeyes_stream_reader_queue_capacity gauge
sharpeyes_stream_reader_queue_capacity{camera="cam1",reader="analytics"} 8
sharpeyes_stream_reader_queue_capacity{camera="cam1",reader="whep"} 6
# HELP sharpeyes_stream_reader_queue_length Units waiting in the readers' queues.
# TYPE sharpeyes_stream_reader_queue_length gauge
sharpeyes_stream_reader_queue_length{camera="cam1",reader="analytics"} 6
sharpeyes_stream_reader_queue_length{camera="cam1",reader="whep"} 6
# HELP sharpeyes_stream_readers Readers attached to the camera's stream.
# TYPE sharpeyes_stream_readers gauge
sharpeyes_stream_readers{camera="cam1",reader="analytics"} 1
sharpeyes_stream_readers{camera="cam1",reader="whep"} 2
# HELP sharpeyes_stream_units_total Access units written to the camera's stream.
# TYPE sharpeyes_stream_units_total counter
sharpeyes_stream_units_total{camera="cam1"} 6
`)))

	// Closing readers keeps dropped_total monotonic.
	a.Close()
	b.Close()
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP sharpeyes_stream_reader_dropped_total Units a reader lost because its queue was full, or while resyncing to a keyframe after that.
# TYPE sharpeyes_stream_reader_dropped_total counter
sharpeyes_stream_reader_dropped_total{camera="cam1",reader="analytics"} 0
sharpeyes_stream_reader_dropped_total{camera="cam1",reader="whep"} 6
`), "sharpeyes_stream_reader_dropped_total"))

	// A replaced stream of the same camera does not lose the newer one's series.
	s2 := NewStream("cam1", m)
	s.Close()
	count, err := testutil.GatherAndCount(reg, "sharpeyes_stream_units_total")
	require.NoError(t, err)
	require.Equal(t, 1, count)

	s2.Close()
	count, err = testutil.GatherAndCount(reg)
	require.NoError(t, err)
	require.Zero(t, count, "a closed stream leaves no series behind")
}
