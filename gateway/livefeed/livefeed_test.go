package livefeed

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ev(i int, grid, typ string) Event {
	var grids []string
	if grid != "" {
		grids = []string{grid, grid[:9]} // the grid and its street
	}
	return Event{ID: fmt.Sprintf("m%d", i), Grids: grids, Type: typ, Data: []byte(fmt.Sprintf(`{"n":%d}`, i))}
}

func recv(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case e := <-s.C():
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
		return Event{}
	}
}

func TestHubFilters(t *testing.T) {
	h := NewHub(0, nil)
	defer h.Close()
	all := h.Subscribe(Filter{}, 0)
	street := h.Subscribe(Filter{Grid: "440512001"}, 0)
	other := h.Subscribe(Filter{Grid: "440512002001"}, 0)
	trip := h.Subscribe(Filter{Types: []string{"tripwire"}}, 0)
	defer all.Close()
	defer street.Close()
	defer other.Close()
	defer trip.Close()

	h.Publish(ev(1, "440512001002003", "tripwire"))
	h.Publish(ev(2, "440512001002003", "intrusion"))
	h.Publish(ev(3, "", "tripwire"))

	require.Equal(t, "m1", recv(t, all).ID)
	require.Equal(t, "m2", recv(t, all).ID)
	require.Equal(t, "m3", recv(t, all).ID)
	require.Equal(t, "m1", recv(t, street).ID, "a street sees the grids under it")
	require.Equal(t, "m2", recv(t, street).ID)
	require.Equal(t, "m1", recv(t, trip).ID)
	require.Equal(t, "m3", recv(t, trip).ID)
	require.Empty(t, street.C())
	require.Empty(t, other.C(), "another street sees nothing")
	require.Empty(t, trip.C())
}

func TestHubReplay(t *testing.T) {
	h := NewHub(5, nil)
	defer h.Close()
	for i := range 8 {
		typ := "tripwire"
		if i%2 == 1 {
			typ = "intrusion"
		}
		h.Publish(ev(i, "440512001002003", typ))
	}
	s := h.Subscribe(Filter{}, 3)
	defer s.Close()
	require.Equal(t, []string{"m5", "m6", "m7"}, ids(t, s, 3), "the newest, oldest first")
	require.Empty(t, s.C())

	s2 := h.Subscribe(Filter{Types: []string{"tripwire"}}, 10)
	defer s2.Close()
	require.Equal(t, []string{"m4", "m6"}, ids(t, s2, 2), "only what the ring (5) still holds")
	require.Empty(t, s2.C())
}

func ids(t *testing.T, s *Subscription, n int) []string {
	var out []string
	for range n {
		out = append(out, recv(t, s).ID)
	}
	return out
}

func TestHubSlowSubscriberNeverBlocks(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := NewHub(0, reg)
	defer h.Close()
	slow := h.Subscribe(Filter{}, 0) // never read
	fast := h.Subscribe(Filter{}, 0)
	defer slow.Close()
	defer fast.Close()
	for i := range 500 {
		h.Publish(ev(i, "", "tripwire")) // must never block on the slow one
		require.Equal(t, fmt.Sprintf("m%d", i), recv(t, fast).ID, "a reader that keeps up gets everything")
	}
	require.EqualValues(t, 500-DefaultSubscriberQ, slow.Dropped())
	require.EqualValues(t, 500-DefaultSubscriberQ, testutil.ToFloat64(h.dropped))
	require.EqualValues(t, 2, testutil.ToFloat64(h.subsGauge))
}

func TestHubClose(t *testing.T) {
	h := NewHub(0, nil)
	s := h.Subscribe(Filter{}, 0)
	h.Close()
	select {
	case <-s.Done():
	case <-time.After(time.Second):
		t.Fatal("Close must end subscriptions")
	}
	s.Close()
	h.Publish(ev(1, "", "tripwire"))
	late := h.Subscribe(Filter{}, 0)
	<-late.Done()
}

// sseClient reads events from a real HTTP server.
type sseClient struct {
	resp *http.Response
	sc   *bufio.Scanner
}

func dial(t *testing.T, ctx context.Context, url string) *sseClient {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("Content-Type"))
	return &sseClient{resp: resp, sc: bufio.NewScanner(resp.Body)}
}

// next returns the next event's name, id and data, skipping comments.
func (c *sseClient) next(t *testing.T) (name, id, data string) {
	t.Helper()
	for c.sc.Scan() {
		line := c.sc.Text()
		switch {
		case line == "" && name != "":
			return name, id, data
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
	t.Fatalf("stream ended: %v", c.sc.Err())
	return
}

func TestSSE(t *testing.T) {
	h := NewHub(0, prometheus.NewRegistry())
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	defer h.Close()
	h.Publish(ev(1, "440512001002003", "tripwire"))
	h.Publish(ev(2, "440512001002003", "intrusion"))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := dial(t, ctx, srv.URL+"?replay=5&type=tripwire,crowd_dwell&grid=440512001")
	name, id, data := c.next(t)
	require.Equal(t, []string{"alert", "m1", `{"n":1}`}, []string{name, id, data}, "replayed, filtered")

	h.Publish(ev(3, "440512002001001", "tripwire")) // other street
	h.Publish(ev(4, "440512001002003", "tripwire"))
	_, id, _ = c.next(t)
	require.Equal(t, "m4", id)

	// A client that disconnects is unsubscribed.
	cancel()
	c.resp.Body.Close()
	require.Eventually(t, func() bool { return testutil.ToFloat64(h.subsGauge) == 0 }, 5*time.Second, 10*time.Millisecond)
}

func TestSSETellsDrops(t *testing.T) {
	h := NewHub(0, nil)
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	defer h.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := dial(t, ctx, srv.URL)
	// The handler's subscription, marked as having missed 7 alerts.
	var sub *Subscription
	require.Eventually(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for s := range h.subs {
			sub = s
		}
		return sub != nil
	}, 5*time.Second, 10*time.Millisecond)
	sub.dropped.Add(7) // as if 7 alerts had not fitted
	h.Publish(ev(1, "", "tripwire"))
	name, _, data := c.next(t)
	require.Equal(t, "dropped", name)
	require.Equal(t, `{"count": 7}`, data)
	name, id, _ := c.next(t)
	require.Equal(t, "alert", name)
	require.Equal(t, "m1", id)
}

func TestSSEBadQuery(t *testing.T) {
	h := NewHub(0, nil)
	defer h.Close()
	rec := httptest.NewRecorder()
	h.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?replay=-1", nil))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, rec.Body.String(), "replay")
}

func TestCounter(t *testing.T) {
	c := NewCounter()
	t0 := time.Date(2026, 11, 23, 10, 0, 30, 0, time.UTC)
	c.Add("g1", t0)
	c.Add("g1", t0.Add(10*time.Minute))
	c.Add("g1", t0.Add(-3*time.Hour))
	c.Add("g2", t0.Add(-23*time.Hour))
	c.Add("", t0)
	got := c.Get(t0.Add(20 * time.Minute))
	require.Equal(t, map[string]Counts{"g1": {LastHour: 2, LastDay: 3}, "g2": {LastHour: 0, LastDay: 1}}, got)

	got = c.Get(t0.Add(65 * time.Minute))
	require.Equal(t, Counts{LastHour: 1, LastDay: 3}, got["g1"], "the first alert left the hour")
	got = c.Get(t0.Add(2 * time.Hour))
	require.Equal(t, Counts{LastHour: 0, LastDay: 3}, got["g1"])
	require.NotContains(t, got, "g2", "older than a day")
	got = c.Get(t0.Add(30 * time.Hour))
	require.Empty(t, got)
	require.Empty(t, c.grids, "grids quiet for a day are forgotten")
}
