package rtspsource

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/stretchr/testify/require"
)

var redactCases = []struct {
	name string
	in   string
	want string
}{
	{"no credentials", "rtsp://10.0.0.5:554/stream1", "rtsp://10.0.0.5:554/stream1"},
	{"user and password", "rtsp://admin:hunter2@10.0.0.5/s", "rtsp://admin:xxxxx@10.0.0.5/s"},
	{"user only", "rtsp://admin@10.0.0.5/s", "rtsp://admin@10.0.0.5/s"},
	{"escaped password", "rtsp://admin:p%40ss%2Fw@cam/s?ch=1", "rtsp://admin:xxxxx@cam/s?ch=1"},
	{"unescaped slash in password", "rtsp://admin:12/34@cam/s", "rtsp://admin:xxxxx@cam/s"},
	{"unescaped hash in password", "rtsp://admin:ab#cd@cam/s", "rtsp://admin:xxxxx@cam/s"},
	{"space in password", "rtsp://admin:a b@cam/s", "rtsp://admin:xxxxx@cam/s"},
	{"at sign in path without credentials", "rtsp://cam/live@1", "rtsp://cam/live@1"},
	{"no scheme", "admin:pw@cam:554", "admin:xxxxx@cam:554"},
	{"empty", "", ""},
	{"empty password", "rtsp://admin:@cam/s", "rtsp://admin:xxxxx@cam/s"},
}

func TestRedactURL(t *testing.T) {
	for _, tc := range redactCases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, RedactURL(tc.in))
		})
	}
}

func TestRedactError(t *testing.T) {
	const raw = "rtsp://admin:S3cret%21@cam:554/s"
	err := errors.New("describe " + raw + ": server said S3cret! and S3cret%21")
	got := redactError(err, raw)
	require.ErrorIs(t, got, err)
	require.Equal(t, "describe rtsp://admin:xxxxx@cam:554/s: server said xxxxx and xxxxx", got.Error())
	require.NoError(t, redactError(nil, raw))
}

// FuzzRedactURL checks that the password gortsplib would send never survives redaction.
func FuzzRedactURL(f *testing.F) {
	for _, tc := range redactCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out := RedactURL(raw)
		u, err := base.ParseURL(raw)
		if err != nil || u.User == nil {
			return
		}
		pass, ok := u.User.Password()
		if !ok || len(pass) < 3 || strings.ContainsRune(pass, 'x') {
			return // an "x" could match across the "xxxxx" mask and report a false leak
		}
		// Only meaningful when the password text occurs once, inside the user info;
		// look in the output's user info only, since escaping the rest of the URL
		// can make the same characters appear there (":000@\xa000" → "@%A000").
		ui := userInfo(out)
		for _, form := range []string{pass, url.PathEscape(pass), url.QueryEscape(pass)} {
			if strings.Count(raw, form) == 1 {
				require.NotContains(t, ui, form, "input %q", raw)
			}
		}
		msg := redactMessage("failed: "+raw+" with "+pass, raw)
		require.NotContains(t, msg, pass)
	})
}

// userInfo returns the part of a URL between "://" and the last "@" ("" if none).
func userInfo(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		rest = u
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	return rest[:at]
}

func TestParseTransport(t *testing.T) {
	cases := []struct {
		in      string
		want    Transport
		wantErr bool
	}{
		{"", TransportAuto, false},
		{"auto", TransportAuto, false},
		{"tcp", TransportTCP, false},
		{"udp", TransportUDP, false},
		{"UDP", "", true},
		{"multicast", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTransport(tc.in)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
