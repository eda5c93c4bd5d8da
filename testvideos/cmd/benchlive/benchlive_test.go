package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-plays", "5", "-viewers", "1, 4", "-duration", "3s"})
	require.NoError(t, err)
	require.Equal(t, 5, o.Plays)
	require.Equal(t, []int{1, 4}, o.Viewers)
	require.Equal(t, 3*time.Second, o.Duration)
	for _, bad := range [][]string{{"-viewers", "0"}, {"-viewers", "x"}, {"-duration", "0s"}, {"-plays", "-1"}} {
		_, err := parseFlags(bad)
		require.Error(t, err, "%v", bad)
	}
}

func TestRow(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	var b bytes.Buffer
	row(&b, "case", ds)
	f := strings.Fields(b.String())
	require.Equal(t, []string{"case", "100", "50", "95", "100"}, f, "plays, nearest-rank p50 and p95, max in ms")
	require.Equal(t, 100*time.Millisecond, ds[0], "the input is not reordered")
}
