package rtspsource

import (
	"net/url"
	"strings"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
)

const redactedPassword = "xxxxx"

// RedactURL returns rawURL with the password replaced by "xxxxx". Every camera URL that
// reaches a log line, a metric or an error goes through it.
//
// A URL that net/url cannot split cleanly (say an unescaped "/" or "#" in the password) has
// everything between the first ":" of the user part and the last "@" replaced, which may
// over-redact but never leaks.
func RedactURL(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		return u.Redacted()
	}
	prefix, rest, ok := strings.Cut(rawURL, "://")
	if ok {
		prefix += "://"
	} else {
		prefix, rest = "", rawURL
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return rawURL
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return rawURL
	}
	return prefix + user + ":" + redactedPassword + "@" + rest[at+1:]
}

// secrets returns the forms in which rawURL's password could appear in a message.
func secrets(rawURL string) []string {
	var out []string
	add := func(s string) {
		if s != "" && s != redactedPassword {
			out = append(out, s)
		}
	}
	// net/url and gortsplib's parser (the one that connects) may read a malformed
	// user info differently: take the password as either understands it.
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			add(p)
			add(url.QueryEscape(p))
			add(url.PathEscape(p))
		}
	}
	if u, err := base.ParseURL(rawURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			add(p)
			add(url.QueryEscape(p))
			add(url.PathEscape(p))
		}
	}
	if _, rest, ok := strings.Cut(rawURL, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, p, ok := strings.Cut(rest[:at], ":"); ok {
				add(p) // the raw text, escaped or not
			}
		}
	}
	return out
}

// redactMessage removes rawURL and its password from msg.
func redactMessage(msg, rawURL string) string {
	if rawURL == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, rawURL, RedactURL(rawURL))
	for _, s := range secrets(rawURL) {
		msg = strings.ReplaceAll(msg, s, redactedPassword)
	}
	return msg
}

// redactedError carries an error whose text went through redactMessage. Unwrap keeps
// errors.Is/As working; the errors of the chain are the library's and carry no URL.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redactError(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: redactMessage(err.Error(), rawURL), err: err}
}
