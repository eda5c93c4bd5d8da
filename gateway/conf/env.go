package conf

import (
	"fmt"
	"strings"
)

// Environment variables that override the file, applied after it and before validation.
const (
	EnvHTTPListen   = "SHARPEYES_HTTP_LISTEN"
	EnvPublicURL    = "SHARPEYES_PUBLIC_URL"
	EnvKafkaBrokers = "SHARPEYES_KAFKA_BROKERS"
	EnvKafkaTopic   = "SHARPEYES_KAFKA_TOPIC"
	EnvDataDir      = "SHARPEYES_DATA_DIR"
	EnvLogLevel     = "SHARPEYES_LOG_LEVEL"
)

func (c *Config) applyEnv(lookup func(string) (string, bool)) error {
	set := func(name string, dst *string) {
		if v, ok := lookup(name); ok && v != "" {
			*dst = v
		}
	}
	set(EnvHTTPListen, &c.HTTP.Listen)
	set(EnvPublicURL, &c.HTTP.PublicURL)
	set(EnvKafkaTopic, &c.Kafka.Topic)
	set(EnvDataDir, &c.DataDir)
	set(EnvLogLevel, &c.Log.Level)
	if v, ok := lookup(EnvKafkaBrokers); ok && v != "" {
		var bs []string
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				bs = append(bs, b)
			}
		}
		if len(bs) == 0 {
			return fmt.Errorf("%s: no broker address", EnvKafkaBrokers)
		}
		c.Kafka.Brokers = bs
	}
	return nil
}
