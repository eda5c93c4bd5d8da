package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/gateway/alertflow"
	"github.com/sharpeyes/sharpeyes/gateway/alerts"
	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
	"github.com/sharpeyes/sharpeyes/gateway/store"
)

// Alerts are stored for their handling (受理—派遣—处置—反馈—办结) as well as sent to
// Kafka. The analysis goroutine hands each published alert to the recorder, whose
// own goroutine writes it to the database: a slow disk never stalls a camera.

// recorderQueue bounds the alerts waiting for the database. When it is full the
// alert is not stored (it still went to Kafka): counted in
// sharpeyes_alert_store_dropped_total and logged.
const recorderQueue = 4096

// A plate alert is a pass record (过车记录): every one is stored as a plate record
// for search; only block-list hits also enter the handling queue as alerts.

type alertRecorder struct {
	db        *store.DB
	log       *slog.Logger
	in        chan recordItem
	done      chan struct{}
	dropped   prometheus.Counter
	failures  prometheus.Counter
	once      sync.Once
	retention func() time.Duration
	// plateRetention is how long plate records are kept.
	plateRetention func() time.Duration
	now            func() time.Time
}

// recordItem is one row for the recorder: an alert or a plate record.
type recordItem struct {
	alert *store.AlertMessage
	plate *store.PlateRecord
}

// housekeepEvery is how often closed alerts past retention and expired sessions
// are purged.
const housekeepEvery = time.Hour

func newAlertRecorder(db *store.DB, log *slog.Logger, reg prometheus.Registerer, retention, plateRetention func() time.Duration, now func() time.Time) *alertRecorder {
	r := &alertRecorder{
		db: db, log: log, in: make(chan recordItem, recorderQueue), done: make(chan struct{}),
		retention: retention, plateRetention: plateRetention, now: now,
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sharpeyes_alert_store_dropped_total",
			Help: "Alerts and plate records not stored in the database because its write queue was full (they were still sent to Kafka).",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sharpeyes_alert_store_errors_total",
			Help: "Alerts and plate records the database refused to store.",
		}),
	}
	reg.MustRegister(r.dropped, r.failures)
	go r.run()
	return r
}

func (r *alertRecorder) run() {
	defer close(r.done)
	tick := time.NewTicker(housekeepEvery)
	defer tick.Stop()
	r.housekeep()
	for {
		select {
		case m, ok := <-r.in:
			if !ok {
				return
			}
			r.write(m)
		case <-tick.C:
			r.housekeep()
		}
	}
}

func (r *alertRecorder) write(m recordItem) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if m.plate != nil {
		if err := r.db.InsertPlate(ctx, *m.plate); err != nil {
			r.failures.Inc()
			r.log.Error("plate record not stored", "event_id", m.plate.EventID, "err", err)
		}
	}
	if m.alert != nil {
		if err := r.db.RecordAlert(ctx, *m.alert); err != nil {
			r.failures.Inc()
			r.log.Error("alert not stored", "event_id", m.alert.EventID, "err", err)
		}
	}
}

// housekeep purges closed alerts and plate records older than their retention,
// and expired sessions.
func (r *alertRecorder) housekeep() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if keep := r.retention(); keep > 0 {
		if n, err := r.db.PurgeAlerts(ctx, r.now().Add(-keep)); err != nil {
			r.log.Error("purging old alerts failed", "err", err)
		} else if n > 0 {
			r.log.Info("purged closed alerts past retention", "count", n)
		}
	}
	if keep := r.plateRetention(); keep > 0 {
		if n, err := r.db.PurgePlates(ctx, r.now().Add(-keep)); err != nil {
			r.log.Error("purging old plate records failed", "err", err)
		} else if n > 0 {
			r.log.Info("purged plate records past retention", "count", n)
		}
	}
	if _, err := r.db.PurgeExpiredSessions(ctx); err != nil {
		r.log.Error("purging expired sessions failed", "err", err)
	}
}

// record queues m; it never blocks.
func (r *alertRecorder) record(m recordItem) {
	select {
	case r.in <- m:
	default:
		r.dropped.Inc()
		id := ""
		if m.alert != nil {
			id = m.alert.EventID
		} else if m.plate != nil {
			id = m.plate.EventID
		}
		r.log.Warn("alert store queue full: alert not stored (it was sent to Kafka)", "event_id", id)
	}
}

// close stores what is queued and stops.
func (r *alertRecorder) close() {
	r.once.Do(func() { close(r.in) })
	<-r.done
}

// recordAlert hands a published alert to the recorder.
func (g *Gateway) recordAlert(a *Alert, doc []byte) {
	if g.records == nil {
		return
	}
	grid := ""
	if a.Grid != nil {
		grid = a.Grid.Code
	}
	var deadline time.Time
	if d, ok := g.Config().AlertHandling.Deadlines[a.Priority]; ok && d > 0 {
		deadline = a.captured.Add(d.D())
	}
	var item recordItem
	if a.Plate != nil {
		rec := plateRecord(a)
		item.plate = &rec
		if a.ListHit == nil || a.ListHit.List != plate.ListBlock {
			g.records.record(item) // a pass record, not an alert to handle
			return
		}
	}
	item.alert = &store.AlertMessage{
		EventID: a.EventID, Camera: a.Camera.ID, Grid: grid, RuleID: a.Rule.ID, Type: a.Type,
		Priority: a.Priority, Action: a.Action, FrameTime: a.captured, Deadline: deadline, Doc: doc,
	}
	g.records.record(item)
}

// listParam returns the values of query parameter k, each split at commas
// (camera=a,b&camera=c gives a, b, c).
func listParam(q url.Values, k string) []string {
	var out []string
	for _, v := range q[k] {
		out = append(out, strings.FieldsFunc(v, func(r rune) bool { return r == ',' })...)
	}
	return out
}

// AlertRow is a stored alert as the API shows it.
type AlertRow struct {
	EventID      string          `json:"event_id"`
	Camera       idName          `json:"camera"`
	Grid         *idName         `json:"grid,omitempty"`
	Rule         json.RawMessage `json:"rule,omitempty"`
	Type         string          `json:"type"`
	Priority     int             `json:"priority"`
	State        string          `json:"state"`
	RaisedAt     string          `json:"raised_at"`
	UpdatedAt    string          `json:"updated_at"`
	Deadline     string          `json:"deadline,omitempty"`
	Overdue      bool            `json:"overdue"`
	AssignedGrid *idName         `json:"assigned_grid,omitempty"`
	LastAction   string          `json:"last_action"`
	SnapshotURL  string          `json:"snapshot_url,omitempty"`
	Next         []string        `json:"next_states"`
	Alert        json.RawMessage `json:"alert"`
	Transitions  []TransitionDoc `json:"transitions,omitempty"`
}

type idName struct {
	ID   string `json:"id,omitempty"`
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
}

// TransitionDoc is one handling step.
type TransitionDoc struct {
	Seq           int    `json:"seq"`
	From          string `json:"from"`
	To            string `json:"to"`
	Actor         string `json:"actor"`
	At            string `json:"at"`
	Comment       string `json:"comment,omitempty"`
	Grid          string `json:"grid,omitempty"`
	AttachmentURL string `json:"attachment_url,omitempty"`
}

// AlertPage is one page of the alert list.
type AlertPage struct {
	Alerts []AlertRow `json:"alerts"`
	Next   string     `json:"next"`
}

// AlertQuery filters the alert list (the API's query parameters).
type AlertQuery = url.Values

func (g *Gateway) alertRow(cfg *conf.Config, r store.AlertRow, now time.Time) AlertRow {
	row := AlertRow{
		EventID: r.EventID, Camera: idName{ID: r.Camera, Name: r.Camera}, Type: r.Type, Priority: r.Priority,
		State: r.State, RaisedAt: fmtTime(r.RaisedAt), UpdatedAt: fmtTime(r.UpdatedAt), LastAction: r.LastAction,
		Alert: json.RawMessage(r.Doc), Next: []string{},
	}
	if c := cfg.Camera(r.Camera); c != nil {
		row.Camera.Name = c.Name
	}
	if gr := cfg.Grid(r.Grid); gr != nil {
		row.Grid = &idName{Code: gr.Code, Name: gr.Name}
	} else if r.Grid != "" {
		row.Grid = &idName{Code: r.Grid, Name: r.Grid}
	}
	if r.AssignedGrid != "" {
		row.AssignedGrid = &idName{Code: r.AssignedGrid, Name: r.AssignedGrid}
		if gr := cfg.Grid(r.AssignedGrid); gr != nil {
			row.AssignedGrid.Name = gr.Name
		}
	}
	if !r.Deadline.IsZero() {
		row.Deadline = fmtTime(r.Deadline)
	}
	row.Overdue = alertflow.Overdue(alertflow.State(r.State), r.Deadline, now)
	for _, s := range alertflow.Next(alertflow.State(r.State)) {
		row.Next = append(row.Next, string(s))
	}
	var doc struct {
		Rule        json.RawMessage `json:"rule"`
		SnapshotURL string          `json:"snapshot_url"`
	}
	if json.Unmarshal(r.Doc, &doc) == nil {
		row.Rule, row.SnapshotURL = doc.Rule, doc.SnapshotURL
	}
	return row
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// scopeGrids returns the grid codes a principal sees (nil: all).
func scopeGrids(cfg *conf.Config, p auth.Principal) []string {
	if p.Grid == "" {
		return nil
	}
	children := map[string][]string{}
	for _, gr := range cfg.Grids {
		children[gr.Parent] = append(children[gr.Parent], gr.Code)
	}
	var out []string
	walkSubtree(p.Grid, children, func(c string) { out = append(out, c) })
	return out
}

// alertVisible reports whether p may see a stored alert: its camera's grid or the
// grid it was dispatched to lies in p's scope.
func alertVisible(cfg *conf.Config, p auth.Principal, r store.AlertRow) bool {
	return p.InScope(gridPath(cfg, r.Grid)) || (r.AssignedGrid != "" && p.InScope(gridPath(cfg, r.AssignedGrid)))
}

// ListAlerts returns stored alerts, newest first, filtered by q and the caller's scope.
func (g *Gateway) ListAlerts(p auth.Principal, q AlertQuery) (AlertPage, error) {
	cfg := g.Config()
	f := store.AlertFilter{Grids: scopeGrids(cfg, p), Before: q.Get("before")}
	var errs []httpapi.FieldError
	split := func(k string) []string { return listParam(q, k) }
	for _, s := range split("state") {
		if _, err := alertflow.ParseState(s); err != nil {
			errs = append(errs, httpapi.FieldError{Field: "state", Message: err.Error()})
		}
		f.States = append(f.States, s)
	}
	f.Cameras, f.Types = split("camera"), split("type")
	for _, s := range split("priority") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 4 {
			errs = append(errs, httpapi.FieldError{Field: "priority", Message: fmt.Sprintf("want 1–4, got %q", s)})
		}
		f.Priorities = append(f.Priorities, n)
	}
	if gs := split("grid"); len(gs) > 0 {
		var sub []string
		for _, code := range gs {
			if cfg.Grid(code) == nil {
				errs = append(errs, httpapi.FieldError{Field: "grid", Message: fmt.Sprintf("unknown grid %q", code)})
				continue
			}
			if !p.InScope(gridPath(cfg, code)) {
				return AlertPage{}, errForbidden("grid " + code)
			}
			sub = append(sub, scopeGrids(cfg, auth.Principal{Grid: code})...)
		}
		f.Grids = sub
	}
	f.From, f.To, f.Limit = pageQuery(q, 500, &errs)
	now := g.opts.Now()
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.OverdueAt = now
	default:
		errs = append(errs, httpapi.FieldError{Field: "overdue", Message: "want true or false"})
	}
	if len(errs) > 0 {
		return AlertPage{}, &httpapi.FieldErrors{Errors: errs}
	}
	rows, next, err := g.db.ListAlerts(context.Background(), f)
	if err != nil {
		return AlertPage{}, storeErr(err)
	}
	out := AlertPage{Alerts: []AlertRow{}, Next: next}
	for _, r := range rows {
		out.Alerts = append(out.Alerts, g.alertRow(cfg, r, now))
	}
	return out, nil
}

// Alert returns one stored alert with its handling history.
func (g *Gateway) Alert(p auth.Principal, id string) (AlertRow, error) {
	r, ts, err := g.db.GetAlert(context.Background(), id)
	if err != nil {
		return AlertRow{}, storeErr(err)
	}
	cfg := g.Config()
	if !alertVisible(cfg, p, r) {
		return AlertRow{}, errForbidden("alert " + id)
	}
	row := g.alertRow(cfg, r, g.opts.Now())
	row.Transitions = []TransitionDoc{}
	for _, t := range ts {
		row.Transitions = append(row.Transitions, g.transitionDoc(id, t))
	}
	return row, nil
}

func (g *Gateway) transitionDoc(id string, t store.Transition) TransitionDoc {
	d := TransitionDoc{Seq: t.Seq, From: t.From, To: t.To, Actor: t.Actor, At: fmtTime(t.At), Comment: t.Comment, Grid: t.Grid}
	if t.HasAttachment {
		d.AttachmentURL = fmt.Sprintf("%s/api/v1/alerts/%s/attachments/%d", g.publicURL(), url.PathEscape(id), t.Seq)
	}
	return d
}

// TransitionRequest is a handling step asked for through the API.
type TransitionRequest struct {
	To         string `json:"to"`
	Comment    string `json:"comment"`
	Grid       string `json:"grid"`
	Attachment *struct {
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Data        string `json:"data"`
	} `json:"attachment"`
}

// maxAttachment caps an attachment's decoded size.
const maxAttachment = 2 << 20

var attachmentTypes = []string{"image/jpeg", "image/png", "image/webp", "application/pdf", "text/plain"}

// TransitionAlert moves an alert to the next handling state, stores the step and
// publishes it on the alert-updates topic. ifState ("" = any) guards against
// moving an alert someone else just moved.
func (g *Gateway) TransitionAlert(p auth.Principal, id string, body []byte, ifState string) (AlertRow, error) {
	var req TransitionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "body", Message: "invalid JSON: " + err.Error()}}}
	}
	to, err := alertflow.ParseState(req.To)
	if err != nil {
		return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "to", Message: err.Error()}}}
	}
	cfg := g.Config()
	var att *store.Attachment
	if a := req.Attachment; a != nil {
		data, err := base64.StdEncoding.DecodeString(a.Data)
		switch {
		case err != nil:
			return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "attachment.data", Message: "want base64"}}}
		case len(data) == 0 || len(data) > maxAttachment:
			return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "attachment.data", Message: "want 1 byte to 2 MiB"}}}
		case !slices.Contains(attachmentTypes, a.ContentType):
			return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "attachment.content_type", Message: fmt.Sprintf("want one of %v", attachmentTypes)}}}
		}
		att = &store.Attachment{Name: a.Name, ContentType: a.ContentType, Data: data}
	}
	if req.Grid != "" {
		if cfg.Grid(req.Grid) == nil {
			return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: "grid", Message: fmt.Sprintf("unknown grid %q", req.Grid)}}}
		}
		if !p.InScope(gridPath(cfg, req.Grid)) {
			return AlertRow{}, errForbidden("grid " + req.Grid)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, _, err := g.db.GetAlert(ctx, id)
	if err != nil {
		return AlertRow{}, storeErr(err)
	}
	if !alertVisible(cfg, p, r) {
		return AlertRow{}, errForbidden("alert " + id)
	}
	if ifState != "" && ifState != r.State {
		return AlertRow{}, fmt.Errorf("alert %s is %s, not %s: %w", id, r.State, ifState, httpapi.ErrPrecondition)
	}
	if err := alertflow.Check(alertflow.State(r.State), alertflow.Request{To: to, Comment: req.Comment, Grid: req.Grid, HasAttachment: att != nil}); err != nil {
		var fe *alertflow.FieldError
		if errors.As(err, &fe) {
			return AlertRow{}, &httpapi.FieldErrors{Errors: []httpapi.FieldError{{Field: fe.Field, Message: fe.Message}}}
		}
		return AlertRow{}, fmt.Errorf("%w (%w)", err, httpapi.ErrConflict)
	}
	row, tr, err := g.db.TransitionAlert(ctx, id, store.TransitionWrite{
		From: r.State, To: string(to), Actor: actor(p), Comment: req.Comment, Grid: req.Grid, Attachment: att,
	})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return AlertRow{}, fmt.Errorf("alert %s was moved by someone else: %w", id, httpapi.ErrConflict)
		}
		return AlertRow{}, err
	}
	g.publishUpdate(cfg, row, tr)
	return g.Alert(p, id)
}

// AlertUpdate is the message published on the alert-updates topic for each
// handling step (docs/alert-update.schema.json).
type AlertUpdate struct {
	SchemaVersion string          `json:"schema_version"`
	EventID       string          `json:"event_id"`
	MessageID     string          `json:"message_id"`
	Seq           int             `json:"seq"`
	From          string          `json:"from"`
	State         string          `json:"state"`
	Actor         string          `json:"actor"`
	At            string          `json:"at"`
	Comment       string          `json:"comment,omitempty"`
	AssignedGrid  *idName         `json:"assigned_grid,omitempty"`
	AttachmentURL string          `json:"attachment_url,omitempty"`
	Camera        idName          `json:"camera"`
	Rule          json.RawMessage `json:"rule,omitempty"`
	Type          string          `json:"type"`
	Priority      int             `json:"priority"`
	Deadline      string          `json:"deadline,omitempty"`
	Overdue       bool            `json:"overdue"`
}

func (g *Gateway) publishUpdate(cfg *conf.Config, r store.AlertRow, t store.Transition) {
	row := g.alertRow(cfg, r, t.At)
	td := g.transitionDoc(r.EventID, t)
	u := AlertUpdate{
		SchemaVersion: "1.0", EventID: r.EventID, MessageID: fmt.Sprintf("%s:state:%d", r.EventID, t.Seq), Seq: t.Seq,
		From: t.From, State: t.To, Actor: t.Actor, At: td.At, Comment: t.Comment, AssignedGrid: row.AssignedGrid,
		AttachmentURL: td.AttachmentURL, Camera: row.Camera, Rule: row.Rule, Type: r.Type, Priority: r.Priority,
		Deadline: row.Deadline, Overdue: row.Overdue,
	}
	b, err := json.Marshal(u)
	if err == nil {
		err = g.queue.Enqueue(alerts.Message{ID: u.MessageID, Topic: cfg.AlertHandling.UpdatesTopic, Key: []byte(r.Camera), Value: b, Time: t.At})
	}
	if err != nil {
		g.log.Error("alert update not queued for Kafka", "event_id", r.EventID, "seq", t.Seq, "err", err)
	}
}

// AlertAttachment returns the file attached to a handling step.
func (g *Gateway) AlertAttachment(p auth.Principal, id string, seq int) (store.Attachment, error) {
	r, _, err := g.db.GetAlert(context.Background(), id)
	if err != nil {
		return store.Attachment{}, storeErr(err)
	}
	if !alertVisible(g.Config(), p, r) {
		return store.Attachment{}, errForbidden("alert " + id)
	}
	a, err := g.db.Attachment(context.Background(), id, seq)
	return a, storeErr(err)
}
