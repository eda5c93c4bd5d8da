package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sharpeyes/sharpeyes/rules"
)

// FuzzRuleYAML feeds arbitrary YAML to the rule decoder and the document
// parser: neither may panic, and a rule that decodes and validates must come
// back unchanged through yaml.Marshal.
func FuzzRuleYAML(f *testing.F) {
	for _, tc := range yamlCases {
		f.Add([]byte(tc.in))
	}
	files, err := filepath.Glob("testdata/*.yaml")
	require.NoError(f, err)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = rules.Parse(data)

		var r rules.Rule
		if yaml.Unmarshal(data, &r) != nil || r.Validate() != nil {
			return
		}
		out, err := yaml.Marshal(r)
		require.NoError(t, err)
		var back rules.Rule
		require.NoError(t, yaml.Unmarshal(out, &back), "marshalled:\n%s", out)
		require.Equal(t, r, back, "marshalled:\n%s", out)
		require.NoError(t, back.Validate())
	})
}
