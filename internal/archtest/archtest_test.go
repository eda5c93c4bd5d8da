// Package archtest checks the import boundaries of docs/ARCHITECTURE (STYLE.md §1, §9):
// which folders may import gocv, kafka-go, pion/webrtc, cgo decoders and test helpers.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const mod = "github.com/sharpeyes/sharpeyes/"

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "-tags", "matprofile", "../../...").Output()
	require.NoError(t, err, "go list")
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		err := dec.Decode(&p)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		pkgs = append(pkgs, p)
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}

// rule: packages matching importer (prefix, relative to the module) must not import target
// (an import path prefix) unless they are in allowed.
type boundary struct {
	name    string
	target  string
	allowed []string // module-relative package prefixes that may import target
}

var boundaries = []boundary{
	{name: "gocv only in analytics/opencv", target: "gocv.io/x/gocv", allowed: []string{"analytics/opencv"}},
	{name: "kafka-go only in gateway/alerts", target: "github.com/segmentio/kafka-go", allowed: []string{"gateway/alerts"}},
	{name: "pion/webrtc only in gateway/whep", target: "github.com/pion/webrtc", allowed: []string{"gateway/whep"}},
	{name: "sqlite only in gateway/store", target: "modernc.org/sqlite", allowed: []string{"gateway/store"}},
	{name: "bcrypt only in gateway/auth", target: "golang.org/x/crypto/bcrypt", allowed: []string{"gateway/auth"}},
	{name: "testify assert is not used", target: "github.com/stretchr/testify/assert", allowed: nil},
}

func rel(p string) string { return strings.TrimPrefix(p, mod) }

func allowedFor(b boundary, p string) bool {
	for _, a := range b.allowed {
		if rel(p) == a || strings.HasPrefix(rel(p), a+"/") {
			return true
		}
	}
	return false
}

func TestImportBoundaries(t *testing.T) {
	pkgs := listPackages(t)
	for _, p := range pkgs {
		all := append(append(append([]string{}, p.Imports...), p.TestImports...), p.XTestImports...)
		for _, imp := range all {
			for _, b := range boundaries {
				if strings.HasPrefix(imp, b.target) && !allowedFor(b, p.ImportPath) {
					t.Errorf("%s: %s imports %s", b.name, rel(p.ImportPath), imp)
				}
			}
		}
		// Layering: streams imports no other folder of ours; rules only the standard
		// library and yaml; analytics only streams/unit from streams; test helpers
		// (testvideos) only from tests and test tools.
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, mod) {
				if strings.HasPrefix(rel(p.ImportPath), "rules") && strings.Contains(imp, ".") && imp != "gopkg.in/yaml.v3" {
					t.Errorf("rules must stay pure: %s imports %s", rel(p.ImportPath), imp)
				}
				continue
			}
			from, to := rel(p.ImportPath), rel(imp)
			switch {
			case strings.HasPrefix(from, "streams") && !strings.HasPrefix(to, "streams"):
				t.Errorf("streams must not import %s (from %s)", to, from)
			case strings.HasPrefix(from, "rules") && !strings.HasPrefix(to, "rules"):
				t.Errorf("rules must not import %s (from %s)", to, from)
			case strings.HasPrefix(from, "analytics") && !strings.HasPrefix(to, "analytics") && to != "streams/unit":
				t.Errorf("analytics may import only streams/unit from outside, not %s (from %s)", to, from)
			case strings.HasPrefix(to, "testvideos") && !strings.HasPrefix(from, "testvideos"):
				t.Errorf("testvideos is for tests only: %s imports %s", from, to)
			}
		}
	}
}
