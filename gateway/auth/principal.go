package auth

import (
	"context"
	"slices"
)

// Kinds of principal.
const (
	KindUser  = "user"  // logged in with a password; holds a session
	KindToken = "token" // a machine client with a config API token
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Name string
	Role Role
	// Grid limits the caller to this grid and the grids below it; "" means the
	// whole district.
	Grid string
	Kind string // KindUser or KindToken
}

// Can reports whether the principal's role includes need.
func (p Principal) Can(need Role) bool { return p.Role.AtLeast(need) }

// InScope reports whether an object lies inside the principal's grid subtree.
// gridPath is the object's grid code followed by its ancestors, up to the root.
// Unscoped principals see everything; an object without a grid (empty path) is in
// scope only for them.
func (p Principal) InScope(gridPath []string) bool {
	return p.Grid == "" || slices.Contains(gridPath, p.Grid)
}

// ctxKey keys the values this package puts in a context.
type ctxKey int

const (
	principalKey ctxKey = iota
	sessionKey          // sha256 hex of the session token, for logout
)

// NewContext returns a copy of ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// FromContext returns the principal Middleware (or NewContext) put in ctx.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey).(Principal)
	return p, ok
}

// withSession records the session a request was authenticated with.
func withSession(ctx context.Context, hash string) context.Context {
	return context.WithValue(ctx, sessionKey, hash)
}

// sessionFrom returns the session hash recorded by withSession.
func sessionFrom(ctx context.Context) (string, bool) {
	h, ok := ctx.Value(sessionKey).(string)
	return h, ok && h != ""
}
