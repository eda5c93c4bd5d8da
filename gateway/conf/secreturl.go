package conf

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
)

// SecretURL is a camera URL that may carry credentials in its userinfo. Its String,
// and its YAML and JSON encodings, show the URL with the password replaced, so the
// password never reaches a log, a metric or an API answer by accident. Raw returns the
// URL with the password, for the RTSP client only.
type SecretURL struct {
	raw string
	u   *url.URL
}

// ParseSecretURL parses an rtsp:// or rtsps:// URL.
func ParseSecretURL(s string) (SecretURL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return SecretURL{}, fmt.Errorf("invalid URL: %s", strings.ReplaceAll(err.Error(), s, Redact(s)))
	}
	if u.Scheme != "rtsp" && u.Scheme != "rtsps" {
		return SecretURL{}, fmt.Errorf("unsupported scheme %q (want rtsp or rtsps)", u.Scheme)
	}
	if u.Host == "" {
		return SecretURL{}, fmt.Errorf("URL has no host")
	}
	return SecretURL{raw: s, u: u}, nil
}

// IsZero tells whether no URL is set.
func (s SecretURL) IsZero() bool { return s.raw == "" }

// Raw returns the URL including its password. Hand it only to the RTSP client.
func (s SecretURL) Raw() string { return s.raw }

// String returns the URL with its password redacted.
func (s SecretURL) String() string { return Redact(s.raw) }

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *SecretURL) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a URL string")
	}
	if n.Value == "" {
		*s = SecretURL{}
		return nil
	}
	v, err := ParseSecretURL(n.Value)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// MarshalYAML implements yaml.Marshaler; the password is redacted.
func (s SecretURL) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalText implements encoding.TextMarshaler (used by encoding/json); redacted.
func (s SecretURL) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Redact replaces the password of a URL's user info with "xxxxx"; see
// rtspsource.RedactURL, which every camera URL in a log line goes through.
func Redact(raw string) string { return rtspsource.RedactURL(raw) }
