package alertflow

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseState(t *testing.T) {
	for _, s := range States() {
		got, err := ParseState(string(s))
		require.NoError(t, err)
		require.Equal(t, s, got)
	}
	for _, bad := range []string{"", "New", "open", " closed"} {
		_, err := ParseState(bad)
		require.EqualError(t, err, `unknown state "`+bad+`" (new, accepted, dispatched, handling, feedback, closed, void, returned)`)
	}
}

// allowedMoves is the contract from the API document, written out independently of
// the implementation's table.
var allowedMoves = map[[2]State]bool{
	{StateNew, StateAccepted}:        true,
	{StateNew, StateVoid}:            true,
	{StateAccepted, StateDispatched}: true,
	{StateAccepted, StateHandling}:   true,
	{StateAccepted, StateVoid}:       true,
	{StateDispatched, StateHandling}: true,
	{StateDispatched, StateReturned}: true,
	{StateReturned, StateDispatched}: true,
	{StateReturned, StateVoid}:       true,
	{StateHandling, StateFeedback}:   true,
	{StateFeedback, StateClosed}:     true,
	{StateFeedback, StateHandling}:   true,
}

// TestCheckEveryPair tries all 64 (from, to) pairs with a request that carries every
// field a move may need.
func TestCheckEveryPair(t *testing.T) {
	for _, from := range States() {
		for _, to := range States() {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				err := Check(from, Request{To: to, Comment: "ok", Grid: "110101001"})
				require.Equal(t, allowedMoves[[2]State{from, to}], Allowed(from, to))
				if allowedMoves[[2]State{from, to}] {
					require.NoError(t, err)
					require.Contains(t, Next(from), to)
					return
				}
				require.ErrorIs(t, err, ErrNotAllowed)
				var me *MoveError
				require.ErrorAs(t, err, &me)
				require.Equal(t, from, me.From)
				require.Equal(t, to, me.To)
				require.NotContains(t, Next(from), to)
			})
		}
	}
}

func TestNextAndTerminal(t *testing.T) {
	cases := []struct {
		state    State
		next     []State
		terminal bool
	}{
		{StateNew, []State{StateAccepted, StateVoid}, false},
		{StateAccepted, []State{StateDispatched, StateHandling, StateVoid}, false},
		{StateDispatched, []State{StateHandling, StateReturned}, false},
		{StateReturned, []State{StateDispatched, StateVoid}, false},
		{StateHandling, []State{StateFeedback}, false},
		{StateFeedback, []State{StateClosed, StateHandling}, false},
		{StateClosed, nil, true},
		{StateVoid, nil, true},
		{"bogus", nil, false},
	}
	for _, c := range cases {
		t.Run(string(c.state), func(t *testing.T) {
			got := Next(c.state)
			require.ElementsMatch(t, c.next, got)
			require.Equal(t, c.terminal, Terminal(c.state))
			if len(got) > 0 {
				got[0] = "mutated"
				require.NotEqual(t, State("mutated"), Next(c.state)[0], "Next must return a copy")
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	long := strings.Repeat("好", MaxComment+1)
	cases := []struct {
		name string
		from State
		req  Request
		want string // "" = allowed
		// fields are the fields of the expected *FieldError values, in order.
		fields []string
	}{
		{name: "closed is final", from: StateClosed, req: Request{To: StateHandling},
			want: "cannot move from closed to handling; allowed: none"},
		{name: "skip ahead", from: StateNew, req: Request{To: StateClosed},
			want: "cannot move from new to closed; allowed: accepted, void"},
		{name: "missing to", from: StateNew, req: Request{}, want: "to: required", fields: []string{"to"}},
		{name: "unknown to", from: StateNew, req: Request{To: "done"},
			want: `to: unknown state "done" (new, accepted, dispatched, handling, feedback, closed, void, returned)`, fields: []string{"to"}},
		{name: "dispatch needs grid", from: StateAccepted, req: Request{To: StateDispatched},
			want: "grid: required when dispatching", fields: []string{"grid"}},
		{name: "blank grid", from: StateReturned, req: Request{To: StateDispatched, Grid: "  "},
			want: "grid: required when dispatching", fields: []string{"grid"}},
		{name: "dispatch with grid", from: StateAccepted, req: Request{To: StateDispatched, Grid: "110101001"}},
		{name: "void needs comment", from: StateNew, req: Request{To: StateVoid},
			want: "comment: required when moving to void", fields: []string{"comment"}},
		{name: "void blank comment", from: StateAccepted, req: Request{To: StateVoid, Comment: " \n"},
			want: "comment: required when moving to void", fields: []string{"comment"}},
		{name: "void with comment", from: StateReturned, req: Request{To: StateVoid, Comment: "wind moved a bag"}},
		{name: "return needs comment", from: StateDispatched, req: Request{To: StateReturned},
			want: "comment: required when moving to returned", fields: []string{"comment"}},
		{name: "comment at limit", from: StateNew, req: Request{To: StateAccepted, Comment: strings.Repeat("好", MaxComment)}},
		{name: "comment too long", from: StateNew, req: Request{To: StateAccepted, Comment: long},
			want: "comment: too long (2001 characters, at most 2000)", fields: []string{"comment"}},
		{name: "accept needs nothing", from: StateNew, req: Request{To: StateAccepted}},
		{name: "attachment allowed", from: StateHandling, req: Request{To: StateFeedback, HasAttachment: true}},
		{name: "move checked before fields", from: StateClosed, req: Request{To: StateDispatched},
			want: "cannot move from closed to dispatched; allowed: none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.from, c.req)
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, c.want)
			require.Equal(t, c.fields == nil, errors.Is(err, ErrNotAllowed))
			require.Equal(t, c.fields, fieldsOf(err))
		})
	}
}

func TestCheckJoinsFieldErrors(t *testing.T) {
	// A dispatch without a grid and with an overlong comment reports both fields.
	err := Check(StateAccepted, Request{To: StateDispatched, Comment: strings.Repeat("x", MaxComment+5)})
	require.Equal(t, []string{"grid", "comment"}, fieldsOf(err))
	require.EqualError(t, err, "grid: required when dispatching\ncomment: too long (2005 characters, at most 2000)")
	require.NotErrorIs(t, err, ErrNotAllowed)
}

// fieldsOf lists the Field of every *FieldError in err (which may be joined).
func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *FieldError
		if errors.As(e, &fe) {
			out = append(out, fe.FieldPath())
		}
	}
	walk(err)
	return out
}

func TestDeadlines(t *testing.T) {
	raised := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	d := DefaultDeadlines()
	cases := []struct {
		name     string
		d        Deadlines
		priority int
		raised   time.Time
		want     time.Time
	}{
		{"p1", d, 1, raised, raised.Add(15 * time.Minute)},
		{"p2", d, 2, raised, raised.Add(time.Hour)},
		{"p3", d, 3, raised, raised.Add(4 * time.Hour)},
		{"p4", d, 4, raised, raised.Add(24 * time.Hour)},
		{"no such priority", d, 5, raised, time.Time{}},
		{"priority zero", d, 0, raised, time.Time{}},
		{"custom", Deadlines{1: 5 * time.Minute}, 1, raised, raised.Add(5 * time.Minute)},
		{"custom lacks p2", Deadlines{1: 5 * time.Minute}, 2, raised, time.Time{}},
		{"non-positive", Deadlines{1: 0}, 1, raised, time.Time{}},
		{"nil map", nil, 1, raised, time.Time{}},
		{"never raised", d, 1, time.Time{}, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.True(t, c.want.Equal(c.d.Due(c.priority, c.raised)), "got %v", c.d.Due(c.priority, c.raised))
		})
	}
	require.Equal(t, Deadlines{1: 15 * time.Minute, 2: time.Hour, 3: 4 * time.Hour, 4: 24 * time.Hour}, DefaultDeadlines())
}

func TestOverdue(t *testing.T) {
	due := time.Date(2025, 3, 1, 8, 15, 0, 0, time.UTC)
	cases := []struct {
		name  string
		state State
		due   time.Time
		now   time.Time
		want  bool
	}{
		{"before", StateNew, due, due.Add(-time.Second), false},
		{"at the deadline", StateNew, due, due, false},
		{"after", StateNew, due, due.Add(time.Second), true},
		{"handling late", StateHandling, due, due.Add(time.Hour), true},
		{"returned late", StateReturned, due, due.Add(time.Hour), true},
		{"closed late", StateClosed, due, due.Add(time.Hour), false},
		{"void late", StateVoid, due, due.Add(time.Hour), false},
		{"no deadline", StateNew, time.Time{}, due.Add(time.Hour), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Overdue(c.state, c.due, c.now))
		})
	}
}
