// Package auth authenticates and authorises callers of the HTTP API: config API
// tokens, password logins with server-side sessions, roles and grid scopes.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Role is an access level. Each role includes every role before it in Roles.
type Role string

// The roles, lowest first.
const (
	RoleViewer     Role = "viewer"      // map, cameras, live video, live alert feed, snapshots
	RoleOperator   Role = "operator"    // + alert list, detail and transitions
	RoleRuleAuthor Role = "rule_author" // + rules, camera snapshot for the editor, detections stream
	RoleAdmin      Role = "admin"       // + cameras, grids, users, audit, config export, reload
)

// roles is the order of the roles, lowest first.
var roles = []Role{RoleViewer, RoleOperator, RoleRuleAuthor, RoleAdmin}

// Roles returns every role, lowest first (a fresh slice).
func Roles() []Role { return slices.Clone(roles) }

// ParseRole returns the role named s, or an error listing the valid roles.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.rank() >= 0 {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (%s)", s, roleList())
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r.rank() >= 0 }

// AtLeast reports whether r includes need. An unknown role includes nothing, and
// nothing includes an unknown role, so a typo fails closed.
func (r Role) AtLeast(need Role) bool {
	have, want := r.rank(), need.rank()
	return have >= 0 && want >= 0 && have >= want
}

// rank is the role's position in roles, or -1.
func (r Role) rank() int { return slices.Index(roles, r) }

// roleList is "viewer, operator, rule_author, admin".
func roleList() string {
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}
