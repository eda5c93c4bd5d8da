package conf

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

// FieldError is a configuration error tied to the path of the field it concerns,
// for example "cameras[0].analysis.fps".
type FieldError struct {
	Path string
	Line int
	Msg  string
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: %s (line %d)", e.Path, e.Msg, e.Line)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

func fieldErr(path string, n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	if path == "" {
		path = "(root)"
	}
	return &FieldError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

var (
	yamlUnmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodeStrict decodes node into the value v points to, walking structs, slices and
// maps itself so that every error (an unknown key, a wrong type, a bad value from a
// field type's own UnmarshalYAML) names the path of the field it concerns.
// Types with their own UnmarshalYAML are decoded whole by that method.
func decodeStrict(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return decodeStrict(n, v.Elem(), path)
	}
	pt := reflect.PointerTo(v.Type())
	if pt.Implements(yamlUnmarshalerType) || pt.Implements(textUnmarshalerType) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			var re *rules.FieldError
			if errors.As(err, &re) {
				line := re.Line
				if line == 0 {
					line = n.Line
				}
				return &FieldError{Path: join(path, re.Path), Line: line, Msg: re.Msg}
			}
			return fieldErr(path, n, "%s", cleanYAMLError(err))
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		return decodeStruct(n, v, path)
	case reflect.Slice:
		return decodeSlice(n, v, path)
	case reflect.Array:
		return decodeArray(n, v, path)
	case reflect.Map:
		return decodeMap(n, v, path)
	default:
		if n.Kind != yaml.ScalarNode {
			return fieldErr(path, n, "expected a %s value", kindName(v.Kind()))
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			return fieldErr(path, n, "expected a %s value, got %q", kindName(v.Kind()), n.Value)
		}
		return nil
	}
}

func decodeStruct(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		return fieldErr(path, n, "expected a mapping")
	}
	fields := yamlFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		idx, ok := fields[k.Value]
		if !ok {
			return fieldErr(p, k, "unknown key")
		}
		if seen[k.Value] {
			return fieldErr(p, k, "duplicate key")
		}
		seen[k.Value] = true
		if err := decodeStrict(val, v.FieldByIndex(idx), p); err != nil {
			return err
		}
	}
	return nil
}

func decodeSlice(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.SequenceNode {
		return fieldErr(path, n, "expected a list")
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		if err := decodeStrict(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

func decodeArray(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) != v.Len() {
		return fieldErr(path, n, "expected a list of %d values", v.Len())
	}
	for i, item := range n.Content {
		if err := decodeStrict(item, v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func decodeMap(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		return fieldErr(path, n, "expected a mapping")
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		kv := reflect.New(v.Type().Key()).Elem()
		if k.Kind == yaml.ScalarNode && kv.Kind() == reflect.Int && k.Tag == "!!str" {
			// JSON documents can only quote integer keys ({"0": "person"}).
			kc := *k
			kc.Tag, kc.Style = "", 0
			k = &kc
		}
		if err := decodeStrict(k, kv, p); err != nil {
			return err
		}
		ev := reflect.New(v.Type().Elem()).Elem()
		if err := decodeStrict(val, ev, p); err != nil {
			return err
		}
		m.SetMapIndex(kv, ev)
	}
	v.Set(m)
	return nil
}

// yamlFields maps each yaml key of a struct type to its field index; inline
// fields contribute their own keys.
func yamlFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, idx := range yamlFields(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = []int{i}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Bool:
		return "boolean (true or false)"
	default:
		return k.String()
	}
}

// cleanYAMLError strips yaml.v3's "yaml: unmarshal errors:\n  line N:" framing.
func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "line ") {
		if _, rest, ok := strings.Cut(s, ": "); ok {
			s = rest
		}
	}
	return strings.TrimPrefix(s, "yaml: ")
}
