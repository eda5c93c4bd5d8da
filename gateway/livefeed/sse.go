package livefeed

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Heartbeat is how often an idle SSE stream gets a comment line, so proxies and the
// browser keep the connection open.
const Heartbeat = 15 * time.Second

// writeTimeout bounds one write to a client; a client that cannot take an event in
// that time is disconnected (its events were already bounded by the queue).
const writeTimeout = 10 * time.Second

// Handler serves the feed as Server-Sent Events (GET /api/v1/events/stream):
//
//	event: alert
//	id: <message id>
//	data: <alert JSON>
//
// Query: grid=CODE (that grid and the grids under it), type=a,b (alert types),
// replay=N (send up to N recent matching alerts first; default 0). When the client
// was too slow and missed alerts, it gets "event: dropped" with data {"count": N}.
func (h *Hub) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, replay, err := parseQuery(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc := http.NewResponseController(w)
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
		w.WriteHeader(http.StatusOK)
		sub := h.Subscribe(f, replay)
		defer sub.Close()
		if rc.Flush() != nil {
			return
		}
		h.stream(r, rc, w, sub)
	})
}

func (h *Hub) stream(r *http.Request, rc *http.ResponseController, w http.ResponseWriter, sub *Subscription) {
	tick := time.NewTicker(Heartbeat)
	defer tick.Stop()
	var told uint64
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-sub.Done():
			return
		case <-tick.C:
			err = send(rc, w, ": ping\n\n")
		case e := <-sub.C():
			if d := sub.Dropped(); d > told {
				err = send(rc, w, fmt.Sprintf("event: dropped\ndata: {\"count\": %d}\n\n", d-told))
				told = d
			}
			if err == nil {
				err = send(rc, w, "event: alert\nid: "+oneLine(e.ID)+"\ndata: "+oneLine(string(e.Data))+"\n\n")
			}
		}
		if err != nil {
			return
		}
	}
}

func send(rc *http.ResponseController, w http.ResponseWriter, s string) error {
	_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := w.Write([]byte(s)); err != nil {
		return err
	}
	return rc.Flush()
}

// oneLine keeps a field on one SSE line: JSON from encoding/json has no raw newlines,
// but an id could.
func oneLine(s string) string { return lineBreaks.Replace(s) }

// lineBreaks removes CR and LF; a Replacer is safe for concurrent use.
var lineBreaks = strings.NewReplacer("\r", "", "\n", "")

func parseQuery(r *http.Request) (Filter, int, error) {
	q := r.URL.Query()
	f := Filter{Grid: q.Get("grid")}
	if t := q.Get("type"); t != "" {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				f.Types = append(f.Types, s)
			}
		}
	}
	replay := 0
	if s := q.Get("replay"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return f, 0, fmt.Errorf("replay: want a count ≥ 0, got %q", s)
		}
		replay = n
	}
	return f, replay, nil
}
