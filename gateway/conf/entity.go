package conf

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

// The database and the API hold grids, cameras and rules one at a time, as JSON
// documents with the same keys as the configuration file. Decode* read one strictly
// (unknown keys and bad values are errors naming their field, relative to the
// document: "analysis.fps", "polygon[2]"); Encode* write one.

// DecodeGrid reads one grid document (JSON or YAML).
func DecodeGrid(b []byte) (Grid, error) {
	var g Grid
	err := decodeDoc(b, &g)
	return g, err
}

// DecodeCamera reads one camera document (JSON or YAML).
func DecodeCamera(b []byte) (Camera, error) {
	var c Camera
	err := decodeDoc(b, &c)
	return c, err
}

// DecodeRule reads one rule document (JSON or YAML).
func DecodeRule(b []byte) (rules.Rule, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return rules.Rule{}, &FieldError{Path: "body", Msg: "invalid JSON: " + cleanYAMLError(err)}
	}
	if len(root.Content) == 0 {
		return rules.Rule{}, &FieldError{Path: "body", Msg: "empty document"}
	}
	var r rules.Rule
	if err := root.Content[0].Decode(&r); err != nil {
		return rules.Rule{}, err
	}
	return r, nil
}

func decodeDoc(b []byte, dst any) error {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return &FieldError{Path: "body", Msg: "invalid JSON: " + cleanYAMLError(err)}
	}
	if len(root.Content) == 0 {
		return &FieldError{Path: "body", Msg: "empty document"}
	}
	return decodeStrict(root.Content[0], reflect.ValueOf(dst).Elem(), "")
}

// EncodeGrid writes a grid document.
func EncodeGrid(g Grid) ([]byte, error) { return encodeDoc(g, nil) }

// EncodeRule writes a rule document.
func EncodeRule(r rules.Rule) ([]byte, error) { return encodeDoc(r, nil) }

// EncodeCamera writes a camera document. With secrets the URLs keep their
// passwords (for the database); without, passwords read RedactedPassword (for the API).
func EncodeCamera(c Camera, secrets bool) ([]byte, error) {
	return encodeDoc(c, func(m map[string]any) {
		if !secrets {
			return
		}
		if !c.URL.IsZero() {
			m["url"] = c.URL.Raw()
		}
		if !c.SubURL.IsZero() {
			m["sub_url"] = c.SubURL.Raw()
		}
	})
}

// RedactedPassword stands for a password in URLs the API shows. A camera update
// whose URL carries it keeps the stored password.
const RedactedPassword = "xxxxx"

// KeepPassword returns next with its password replaced by prev's when next carries
// RedactedPassword and both name the same user and host.
func KeepPassword(next, prev SecretURL) SecretURL {
	nu, err1 := url.Parse(next.Raw())
	pu, err2 := url.Parse(prev.Raw())
	if err1 != nil || err2 != nil || nu.User == nil || pu.User == nil {
		return next
	}
	if p, ok := nu.User.Password(); !ok || p != RedactedPassword || nu.User.Username() != pu.User.Username() || nu.Host != pu.Host {
		return next
	}
	pw, _ := pu.User.Password()
	nu.User = url.UserPassword(nu.User.Username(), pw)
	out, err := ParseSecretURL(nu.String())
	if err != nil {
		return next
	}
	return out
}

// encodeDoc writes v as JSON through its YAML form (so the keys are the
// configuration file's), leaving out empty values; edit may adjust the map.
func encodeDoc(v any, edit func(map[string]any)) ([]byte, error) {
	y, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(y, &m); err != nil {
		return nil, err
	}
	pruned, _ := prune(m).(map[string]any)
	if pruned == nil {
		pruned = map[string]any{}
	}
	if edit != nil {
		edit(pruned)
	}
	return json.Marshal(pruned)
}

// prune drops nil, "", 0 and empty collections (but keeps false: enabled: false
// means something), and turns non-string map keys into strings for JSON.
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = prune(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case map[any]any:
		out := map[string]any{}
		for k, e := range x {
			if e = prune(e); e != nil {
				out[keyString(k)] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			// List items stay (a 0 coordinate is a coordinate); maps in them are pruned.
			if p := prune(e); p != nil {
				out[i] = p
			} else {
				out[i] = e
			}
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	case int:
		if x == 0 {
			return nil
		}
	case float64:
		if x == 0 {
			return nil
		}
	}
	return v
}

func keyString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	default:
		return fmt.Sprint(x)
	}
}

// Clone returns a copy of c whose Grids, Cameras and Rules can be replaced or
// re-sliced without touching c (elements are copied by value).
func (c *Config) Clone() *Config {
	n := *c
	n.Grids = append([]Grid(nil), c.Grids...)
	n.Cameras = append([]Camera(nil), c.Cameras...)
	n.Rules = append([]rules.Rule(nil), c.Rules...)
	return &n
}

// Finish completes the per-camera defaults and validates c, after its grids,
// cameras or rules changed.
func (c *Config) Finish(mode Mode) error {
	c.fillDefaults()
	return c.Validate(mode)
}
