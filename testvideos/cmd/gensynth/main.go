// Command gensynth writes a synthetic test clip: the H.264 Annex-B stream, its ground
// truth and its clip.json sidecar, from a built-in scene or a scene JSON file.
//
//	go run ./testvideos/cmd/gensynth -scene tripwire-basic -out testvideos/data/
//	go run ./testvideos/cmd/gensynth -scene-file my.json -out /tmp/clips -png 0,50
//	go run ./testvideos/cmd/gensynth -pets       (PETS 2009 S2L1 as testvideos/data/vtest.h264)
//	go run ./testvideos/cmd/gensynth -plates 140 -seed 1 -out /tmp/plates  (still pictures + ground_truth.tsv)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes/testvideos/pets"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gensynth:", err)
		os.Exit(1)
	}
}

func run() error {
	name := flag.String("scene", "", "built-in scene: "+strings.Join(synth.Names(), ", "))
	file := flag.String("scene-file", "", "scene JSON file (instead of -scene)")
	out := flag.String("out", "testvideos/data", "output directory")
	pngs := flag.String("png", "", "also write these frames as PNG, comma-separated indices")
	petsClip := flag.Bool("pets", false, "convert PETS 2009 S2L1 (vtest.avi) to testvideos/data/vtest.h264 instead")
	plates := flag.Int("plates", 0, "write this many still pictures of plates (every kind and colour) and their EasyPR-format ground_truth.tsv to -out instead")
	seed := flag.Uint64("seed", 1, "with -plates: the seed of the pictures")
	flag.Parse()

	if *plates != 0 {
		return writeStills(*plates, *seed, *out)
	}

	if *petsClip {
		c, err := pets.H264(context.Background())
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d frames %dx%d @%d fps\n", c.Path, c.Frames, c.Width, c.Height, c.FPS)
		return nil
	}

	scene, err := loadScene(*name, *file)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	base := filepath.Join(*out, scene.Name)
	clip, err := synth.GenerateFiles(ctx, scene, base)
	if err != nil {
		return err
	}
	t := clip.Truth
	fmt.Printf("%s: %d frames %dx%d @%d fps, %d objects, %d crossings, %d intrusions, %d crowds, %d plates\n",
		clip.Path, clip.Frames, clip.Width, clip.Height, clip.FPS,
		len(t.Objects), len(t.Crossings), len(t.Intrusions), len(t.Crowds), len(t.Plates))
	fmt.Printf("truth: %s\nsidecar: %s\n", clip.TruthPath, clip.MetaPath)
	if *pngs != "" {
		return writePNGs(ctx, scene, base, *pngs)
	}
	return nil
}

func loadScene(name, file string) (synth.Scene, error) {
	switch {
	case (name == "") == (file == ""):
		return synth.Scene{}, errors.New("give exactly one of -scene and -scene-file")
	case file != "":
		s, err := synth.LoadScene(file)
		if err == nil && s.Name == "" {
			s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		}
		return s, err
	}
	return synth.Builtin(name)
}

func writePNGs(ctx context.Context, scene synth.Scene, base, list string) error {
	r, err := synth.NewRenderer(ctx, scene)
	if err != nil {
		return err
	}
	s := r.Scene()
	rgb := make([]byte, s.Width*s.Height*3)
	for _, f := range strings.Split(list, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || i < 0 || i >= r.Frames() {
			return fmt.Errorf("-png: bad frame %q (0..%d)", f, r.Frames()-1)
		}
		r.Render(i, rgb)
		img := image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
		for p := 0; p < s.Width*s.Height; p++ {
			copy(img.Pix[p*4:], rgb[p*3:p*3+3])
			img.Pix[p*4+3] = 255
		}
		path := fmt.Sprintf("%s-%04d.png", base, i)
		if err := writePNG(path, img); err != nil {
			return err
		}
		fmt.Println("frame:", path)
	}
	return nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeStills(n int, seed uint64, dir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	set, err := synth.WriteStills(ctx, synth.StillOptions{N: n, Seed: seed}, dir)
	if err != nil {
		return err
	}
	fmt.Printf("%d pictures in %s\ntruth: %s\n", len(set.Stills), set.Dir, set.TruthPath)
	return nil
}
