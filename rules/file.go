package rules

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Parse reads a rules document, a mapping with one key `rules` holding a list
// of rules, and validates it. Errors name the field path, e.g.
// "rules[1].line: zero-length line".
func Parse(data []byte) ([]Rule, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse rules: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty document
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, nodeErr(root, "want a mapping with a rules key, got %s", describe(root))
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := resolve(root.Content[i])
		if k.Value != "rules" || list != nil {
			return nil, &FieldError{Path: k.Value, Line: k.Line, Msg: "unknown or repeated key (want rules)"}
		}
		list = resolve(root.Content[i+1])
	}
	if list == nil || list.ShortTag() == "!!null" {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, under("rules", nodeErr(list, "want a list of rules, got %s", describe(list)))
	}
	rs := make([]Rule, len(list.Content))
	for i, n := range list.Content {
		if err := rs[i].UnmarshalYAML(n); err != nil {
			return nil, under(fmt.Sprintf("rules[%d]", i), err)
		}
	}
	if err := ValidateRules("rules", rs); err != nil {
		return nil, err
	}
	return rs, nil
}

// LoadFile reads and parses the rules document at path.
func LoadFile(path string) ([]Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	rs, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load rules from %s: %w", path, err)
	}
	return rs, nil
}
