package conf

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Roles are the access levels, each including the ones before it.
var Roles = []string{"viewer", "operator", "rule_author", "admin"}

// Auth configures who may use the API and the web viewer. Every API call needs a
// bearer token or a login session; without users and tokens the gateway creates an
// initial admin account and writes its password to data_dir (see the README).
type Auth struct {
	// Users log in with a password; the file holds bcrypt hashes only
	// (`sharpeyes hash-password` makes one). They are kept in the database as
	// read-only "config" users; admins add others through the API.
	Users []AuthUser `yaml:"users"`
	// Tokens are API tokens for machine clients (Authorization: Bearer).
	Tokens []AuthToken `yaml:"tokens"`
	// SessionTTL is how long a login lasts.
	SessionTTL Duration `yaml:"session_ttl"`
	// SecureCookie marks the session cookie Secure (set it behind HTTPS).
	SecureCookie bool `yaml:"secure_cookie"`
}

// AuthUser is a person who logs in.
type AuthUser struct {
	Name         string `yaml:"name"`
	Role         string `yaml:"role"`
	Grid         string `yaml:"grid"` // optional: limits the user to this grid's subtree
	PasswordHash string `yaml:"password_hash"`
}

// AuthToken is a machine client's API token.
type AuthToken struct {
	Name  string `yaml:"name"`
	Token string `yaml:"token"`
	Role  string `yaml:"role"`
	Grid  string `yaml:"grid"`
}

// AlertHandling configures stored alerts and their handling workflow.
type AlertHandling struct {
	// UpdatesTopic receives every handling transition (key = camera id).
	UpdatesTopic string `yaml:"updates_topic"`
	// Deadlines are the time to close an alert, per priority (1–4), counted from
	// the moment it was raised; an alert open longer is flagged overdue.
	Deadlines map[int]Duration `yaml:"deadlines"`
	// Retention is how long closed and void alerts are kept in the database.
	Retention Duration `yaml:"retention"`
}

// Database configures the embedded SQLite database.
type Database struct {
	// Path of the database file; default data_dir/sharpeyes.db.
	Path string `yaml:"path"`
}

var (
	bcryptHash = regexp.MustCompile(`^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}$`)
	userName   = regexp.MustCompile(`^[\p{L}\p{N}._@-]{1,64}$`)
)

// ValidUserName reports whether s can name a user or a token.
func ValidUserName(s string) bool { return userName.MatchString(s) }

// ValidBcryptHash reports whether s looks like a bcrypt hash.
func ValidBcryptHash(s string) bool { return bcryptHash.MatchString(s) }

func (c *Config) validateAuth(Mode) error {
	a := &c.Auth
	if a.SessionTTL < Duration(time.Minute) || a.SessionTTL > Duration(30*24*time.Hour) {
		return &FieldError{Path: "auth.session_ttl", Msg: "must be 1m to 720h"}
	}
	names := map[string]bool{}
	checkRole := func(p, role, grid string) error {
		if !slices.Contains(Roles, role) {
			return &FieldError{Path: p + ".role", Msg: fmt.Sprintf("unknown role %q (%s)", role, strings.Join(Roles, ", "))}
		}
		if grid != "" && c.Grid(grid) == nil {
			return &FieldError{Path: p + ".grid", Msg: fmt.Sprintf("unknown grid %q", grid)}
		}
		return nil
	}
	for i, u := range a.Users {
		p := fmt.Sprintf("auth.users[%d]", i)
		if !ValidUserName(u.Name) {
			return &FieldError{Path: p + ".name", Msg: fmt.Sprintf("want 1–64 letters, digits, '.', '_', '@' or '-', got %q", u.Name)}
		}
		if names[u.Name] {
			return &FieldError{Path: p + ".name", Msg: fmt.Sprintf("duplicate name %q", u.Name)}
		}
		names[u.Name] = true
		if err := checkRole(p, u.Role, u.Grid); err != nil {
			return err
		}
		if !ValidBcryptHash(u.PasswordHash) {
			return &FieldError{Path: p + ".password_hash", Msg: "want a bcrypt hash ($2a$…, from `sharpeyes hash-password`), never a plain password"}
		}
	}
	tokens := map[string]bool{}
	for i, t := range a.Tokens {
		p := fmt.Sprintf("auth.tokens[%d]", i)
		if !ValidUserName(t.Name) {
			return &FieldError{Path: p + ".name", Msg: fmt.Sprintf("want 1–64 letters, digits, '.', '_', '@' or '-', got %q", t.Name)}
		}
		if names[t.Name] {
			return &FieldError{Path: p + ".name", Msg: fmt.Sprintf("duplicate name %q", t.Name)}
		}
		names[t.Name] = true
		if len(t.Token) < 16 {
			return &FieldError{Path: p + ".token", Msg: "must be at least 16 characters (e.g. `openssl rand -hex 24`)"}
		}
		if tokens[t.Token] {
			return &FieldError{Path: p + ".token", Msg: "the same token is given twice"}
		}
		tokens[t.Token] = true
		if err := checkRole(p, t.Role, t.Grid); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateAlertHandling(Mode) error {
	h := &c.AlertHandling
	if err := validateTopic(h.UpdatesTopic); err != nil {
		return &FieldError{Path: "alert_handling.updates_topic", Msg: err.Error()}
	}
	if h.UpdatesTopic == c.Kafka.Topic {
		return &FieldError{Path: "alert_handling.updates_topic", Msg: fmt.Sprintf("must differ from kafka.topic (%q)", c.Kafka.Topic)}
	}
	for p, d := range h.Deadlines {
		if p < 1 || p > 4 {
			return &FieldError{Path: fmt.Sprintf("alert_handling.deadlines.%d", p), Msg: "priorities are 1–4"}
		}
		if d <= 0 {
			return &FieldError{Path: fmt.Sprintf("alert_handling.deadlines.%d", p), Msg: "must be positive"}
		}
	}
	if h.Retention < 0 {
		return &FieldError{Path: "alert_handling.retention", Msg: "must not be negative (0 keeps alerts forever)"}
	}
	return nil
}

// validateTopic applies Kafka's topic name rules.
func validateTopic(t string) error {
	if t == "" || len(t) > 249 || t == "." || t == ".." {
		return fmt.Errorf("want 1–249 characters of [a-zA-Z0-9._-], got %q", t)
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("want 1–249 characters of [a-zA-Z0-9._-], got %q", t)
		}
	}
	return nil
}

// DatabasePath returns the database file.
func (c *Config) DatabasePath() string {
	if c.Database.Path != "" {
		return c.Database.Path
	}
	return c.DataDir + "/sharpeyes.db"
}
