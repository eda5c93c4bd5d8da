// Package alertflow is the alert handling workflow (派遣—处置—反馈—办结): which state
// an alert may move to next, what each move needs, and when an open alert is overdue.
// It is pure policy; storage and the HTTP API live elsewhere.
package alertflow

import (
	"fmt"
	"slices"
	"strings"
)

// State is where an alert stands in its handling.
type State string

// The handling states, in workflow order.
const (
	StateNew        State = "new"        // raised, nobody has looked at it
	StateAccepted   State = "accepted"   // an operator took it
	StateDispatched State = "dispatched" // sent to a grid for handling
	StateHandling   State = "handling"   // someone is on it
	StateFeedback   State = "feedback"   // handling reported back, awaiting review
	StateClosed     State = "closed"     // done (terminal)
	StateVoid       State = "void"       // false alarm (terminal)
	StateReturned   State = "returned"   // the dispatched grid says it is not theirs
)

// states lists every state in workflow order.
var states = []State{StateNew, StateAccepted, StateDispatched, StateHandling, StateFeedback,
	StateClosed, StateVoid, StateReturned}

// moves is the transition table; a state missing here has no way out.
var moves = map[State][]State{
	StateNew:        {StateAccepted, StateVoid},
	StateAccepted:   {StateDispatched, StateHandling, StateVoid},
	StateDispatched: {StateHandling, StateReturned},
	StateReturned:   {StateDispatched, StateVoid},
	StateHandling:   {StateFeedback},
	StateFeedback:   {StateClosed, StateHandling},
}

// States returns every state in workflow order (a fresh slice).
func States() []State { return slices.Clone(states) }

// Valid reports whether s is one of the handling states.
func (s State) Valid() bool { return slices.Contains(states, s) }

// ParseState returns the state named s, or an error listing the valid ones.
func ParseState(s string) (State, error) {
	if st := State(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("unknown state %q (%s)", s, joinStates(states))
}

// Next returns the states an alert in s may move to (a fresh slice; empty for
// terminal and unknown states).
func Next(s State) []State { return slices.Clone(moves[s]) }

// Allowed reports whether an alert may move from one state to the other.
func Allowed(from, to State) bool { return slices.Contains(moves[from], to) }

// Terminal reports whether s ends the workflow (closed or void).
func Terminal(s State) bool { return s == StateClosed || s == StateVoid }

// joinStates formats a list of states as "a, b" or "none".
func joinStates(list []State) string {
	if len(list) == 0 {
		return "none"
	}
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}
