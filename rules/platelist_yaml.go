package rules

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// plateListYAML is the written form of a PlateList.
type plateListYAML struct {
	Kind    string       `yaml:"kind"`
	Name    string       `yaml:"name,omitempty"`
	Entries []PlateEntry `yaml:"entries"`
}

// MarshalYAML writes an entry without a note as its bare text.
func (e PlateEntry) MarshalYAML() (any, error) {
	if e.Note == "" {
		return e.Text, nil
	}
	return struct {
		Text string `yaml:"text"`
		Note string `yaml:"note"`
	}{e.Text, e.Note}, nil
}

// decodeLists reads `lists: [{kind: block, name: 布控, entries: [粤D12345, {text: 粤B…, note: …}]}]`
// strictly: unknown keys are errors naming their path.
func decodeLists(v *yaml.Node) ([]PlateList, error) {
	v = resolve(v)
	if v.Kind != yaml.SequenceNode {
		return nil, nodeErr(v, "want a list of watch lists, got %s", describe(v))
	}
	out := make([]PlateList, 0, len(v.Content))
	for i, c := range v.Content {
		l, err := decodeList(c)
		if err != nil {
			return nil, under(fmt.Sprintf("[%d]", i), err)
		}
		out = append(out, l)
	}
	return out, nil
}

func decodeList(n *yaml.Node) (PlateList, error) {
	var l PlateList
	err := decodeMapping(n, []string{"kind", "name", "entries"}, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "kind":
			l.Kind, err = decodeString(v)
		case "name":
			l.Name, err = decodeString(v)
		case "entries":
			l.Entries, err = decodeEntries(v)
		}
		return err
	})
	return l, err
}

func decodeEntries(v *yaml.Node) ([]PlateEntry, error) {
	v = resolve(v)
	if v.Kind != yaml.SequenceNode {
		return nil, nodeErr(v, "want a list of plates, got %s", describe(v))
	}
	out := make([]PlateEntry, 0, len(v.Content))
	for i, c := range v.Content {
		var e PlateEntry
		var err error
		if resolve(c).Kind == yaml.ScalarNode {
			e.Text, err = decodeString(c)
		} else {
			err = decodeMapping(c, []string{"text", "note"}, func(key string, v *yaml.Node) error {
				var err error
				if key == "text" {
					e.Text, err = decodeString(v)
				} else {
					e.Note, err = decodeString(v)
				}
				return err
			})
		}
		if err != nil {
			return nil, under(fmt.Sprintf("[%d]", i), err)
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeMapping walks a mapping whose keys must be among keys, each at most once,
// calling field for each non-null value; errors name the key.
func decodeMapping(n *yaml.Node, keys []string, field func(key string, v *yaml.Node) error) error {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nodeErr(n, "want a mapping, got %s", describe(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		known := false
		for _, want := range keys {
			known = known || k.Value == want
		}
		switch {
		case k.Kind != yaml.ScalarNode:
			return nodeErr(k, "want a key name, got %s", describe(k))
		case !known:
			return &FieldError{Path: k.Value, Line: k.Line, Msg: "unknown key (want one of " + strings.Join(keys, ", ") + ")"}
		case seen[k.Value]:
			return &FieldError{Path: k.Value, Line: k.Line, Msg: "repeated key"}
		}
		seen[k.Value] = true
		if resolve(v).ShortTag() == "!!null" {
			continue
		}
		if err := field(k.Value, v); err != nil {
			return under(k.Value, err)
		}
	}
	return nil
}
