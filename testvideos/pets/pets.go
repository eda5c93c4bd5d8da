// Package pets gives tests and benchmarks access to the PETS 2009 S2L1 sequence
// (Debian opencv-doc's vtest.avi) and its MOT ground truth in ../shared/eval: it finds
// the files, parses the boxes, derives line crossings and per-frame region counts with
// the product's conventions, and converts the clip to an H.264 Annex-B stream.
//
// The data belongs to others and is never copied into the project: the video is fetched
// by scripts/setup.sh into testvideos/data/ (git-ignored) and the truth stays in
// ../shared/eval/pets09-s2l1/. Callers skip, saying why, when either is missing.
package pets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Properties of the sequence. Frame n of vtest.avi (0-based) is MOT frame n+1.
// The AVI header says 10 fps but the sequence was shot at 7 fps (seqinfo.ini):
// times here are seconds at 7 fps.
const (
	Width  = 768
	Height = 576
	FPS    = 7
	Frames = 795
)

// systemVideo is where Debian's opencv-doc package installs the clip.
const systemVideo = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"

// ErrNotFound is returned (wrapped) when a data file is missing; tests skip on it.
var ErrNotFound = errors.New("pets: data file not found")

// RepoRoot walks up from the working directory to the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repo root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find repo root: no go.mod above the working directory: %w", ErrNotFound)
		}
		dir = parent
	}
}

// DataDir returns <repo>/testvideos/data, where downloaded and converted clips live.
func DataDir() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testvideos", "data"), nil
}

// VideoPath locates vtest.avi: testvideos/data/vtest.avi first, then opencv-doc's copy.
func VideoPath() (string, error) {
	var tried []string
	if data, err := DataDir(); err == nil {
		p := filepath.Join(data, "vtest.avi")
		if fileExists(p) {
			return p, nil
		}
		tried = append(tried, p)
	}
	if fileExists(systemVideo) {
		return systemVideo, nil
	}
	tried = append(tried, systemVideo)
	return "", fmt.Errorf("vtest.avi not at %v (run scripts/setup.sh): %w", tried, ErrNotFound)
}

// GTPath locates the MOT ground truth at <repo>/../shared/eval/pets09-s2l1/gt.txt.
func GTPath() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "..", "shared", "eval", "pets09-s2l1", "gt.txt")
	if !fileExists(p) {
		return "", fmt.Errorf("PETS ground truth not at %s: %w", p, ErrNotFound)
	}
	return filepath.Clean(p), nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Size() > 0
}
