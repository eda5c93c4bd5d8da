package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // decoders for analyze --image
	_ "image/png"
	"io"
	"os"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/gateway/conf"
)

// ImageOptions configure `analyze --image`.
type ImageOptions struct {
	// ConfigPath is optional: its plates section picks the engine (default classic).
	ConfigPath string
	Images     []string
	// MinHeight skips plates shorter than this many pixels (0: the engine's minimum).
	MinHeight int
}

// ImagePlate is one plate found in a still image: one JSON line of `analyze --image`.
type ImagePlate struct {
	Image           string    `json:"image"`
	Text            string    `json:"text"`
	Display         string    `json:"display"`
	Valid           bool      `json:"valid"`
	Kind            string    `json:"kind"`
	Color           string    `json:"color"`
	Type            string    `json:"type"`
	TypeName        string    `json:"type_name"`
	Confidence      float64   `json:"confidence"`
	CharConfidences []float64 `json:"char_confidences"`
	// BBox is x, y, width, height in the image's pixels.
	BBox [4]int `json:"bbox"`
	// Corners are the plate's corners in pixels: top-left, top-right, bottom-right, bottom-left.
	Corners [4][2]int `json:"corners"`
	// Engine names the engine that read it.
	Engine string `json:"engine"`
}

// AnalyzeImages reads the plates in still images (JPEG or PNG) with the configured
// engine and writes one JSON line per plate to out; a summary goes to logw. An
// image that cannot be read is reported on logw and skipped; the error names the
// images that failed.
func AnalyzeImages(ctx context.Context, o ImageOptions, out, logw io.Writer) error {
	settings := conf.Default().Plates
	if o.ConfigPath != "" {
		cfg, err := conf.Load(o.ConfigPath, conf.ModeAnalyze)
		if err != nil {
			return err
		}
		settings = cfg.Plates
	}
	r, err := newPlateReader(ctx, settings)
	if err != nil {
		return err
	}
	defer r.Close()
	enc := json.NewEncoder(out)
	var failed []string
	found := 0
	t0 := time.Now()
	for _, path := range o.Images {
		pic, err := loadPicture(path)
		if err != nil {
			fmt.Fprintf(logw, "%s: %v\n", path, err)
			failed = append(failed, path)
			continue
		}
		fs, err := r.Read(pic, image.Rectangle{}, o.MinHeight)
		if err != nil {
			fmt.Fprintf(logw, "%s: %v\n", path, err)
			failed = append(failed, path)
			continue
		}
		for _, f := range fs {
			if err := enc.Encode(imagePlate(path, r.Engine(), f)); err != nil {
				return fmt.Errorf("write plates: %w", err)
			}
			found++
		}
	}
	fmt.Fprintf(logw, "read %d images with %s in %.2fs: %d plates\n", len(o.Images)-len(failed), r.Engine(), time.Since(t0).Seconds(), found)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d images could not be read: %v", len(failed), len(o.Images), failed)
	}
	return nil
}

func imagePlate(path, engine string, f plate.Finding) ImagePlate {
	p := plate.Parse(f.Text)
	ip := ImagePlate{
		Image: path, Text: p.Text, Display: p.Display, Valid: p.Valid, Kind: p.Kind.String(),
		Color: f.Color.String(), Confidence: round3(f.Conf), CharConfidences: make([]float64, len(f.CharConf)),
		BBox: [4]int{f.Box.Min.X, f.Box.Min.Y, f.Box.Dx(), f.Box.Dy()}, Engine: engine,
	}
	if ip.Display == "" {
		ip.Display = p.Text
	}
	t := plate.TypeOf(p, f.Color)
	ip.Type, ip.TypeName = t.Code(), t.Name()
	for i, c := range f.CharConf {
		ip.CharConfidences[i] = round3(c)
	}
	for i, c := range f.Corners {
		ip.Corners[i] = [2]int{c.X, c.Y}
	}
	return ip
}

// loadPicture decodes a JPEG or PNG file into packed BGR.
func loadPicture(path string) (plate.Picture, error) {
	f, err := os.Open(path)
	if err != nil {
		return plate.Picture{}, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return plate.Picture{}, fmt.Errorf("decode image: %w", err)
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	pic := plate.Picture{W: b.Dx(), H: b.Dy(), Pix: make([]byte, b.Dx()*b.Dy()*3)}
	for i, j := 0, 0; i < len(rgba.Pix); i, j = i+4, j+3 {
		pic.Pix[j], pic.Pix[j+1], pic.Pix[j+2] = rgba.Pix[i+2], rgba.Pix[i+1], rgba.Pix[i]
	}
	return pic, nil
}
