//go:build tools

// Package tools pins modules that the project needs before the code importing them lands.
package tools

import (
	_ "github.com/bluenviron/gortsplib/v4"
	_ "github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	_ "github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/prometheus/client_golang/prometheus/testutil"
	_ "github.com/segmentio/kafka-go"
	_ "github.com/stretchr/testify/require"
	_ "github.com/twmb/franz-go/pkg/kfake"
	_ "github.com/twmb/franz-go/pkg/kgo"
	_ "go.uber.org/goleak"
	_ "gocv.io/x/gocv"
	_ "gopkg.in/yaml.v3"
)
