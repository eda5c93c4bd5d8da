package opencv

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	"gocv.io/x/gocv"
)

// modelCheckEnv carries a checkRequest (JSON) to the child process.
const modelCheckEnv = "SHARPEYES_MODEL_CHECK"

// modelCheckTimeout bounds a check when ctx has no earlier deadline.
const modelCheckTimeout = 60 * time.Second

// checkRequest is what the parent asks the child to verify.
type checkRequest struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Size   int    `json:"size"`
}

// CheckModel verifies, in a child process, that OpenCV can load the ONNX model
// at path and run it at the format's default input size (DefaultInputSize;
// DefaultPlateDetectorSize for FormatHyperLPR3; the fixed input of FormatLPRNet
// and FormatPlateColor) with outputs shaped for format.
// OpenCV 4.6 aborts the whole process on some files it cannot import, so the
// check re-executes the current binary (os.Executable) with SHARPEYES_MODEL_CHECK
// set: that binary's main or TestMain must call RunModelCheckIfRequested first.
func CheckModel(ctx context.Context, path, format string) error {
	if pf, ok := plateFormatByName(format); ok {
		return checkModel(ctx, path, format, pf.defaultSize)
	}
	return checkModel(ctx, path, format, DefaultInputSize)
}

func checkModel(ctx context.Context, path, format string, size int) error {
	if _, err := formatByName(format); err != nil {
		if _, ok := plateFormatByName(format); !ok {
			return fmt.Errorf("model %s: %w (or a plate format: %q, %q, %q)", path, err,
				FormatHyperLPR3, FormatLPRNet, FormatPlateColor)
		}
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("model %s: file not found", path)
	case err != nil:
		return fmt.Errorf("model %s: %w", path, err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("model %s: not a regular file", path)
	}
	if os.Getenv(modelCheckEnv) != "" {
		return fmt.Errorf("model %s: cannot check from inside a model check: RunModelCheckIfRequested was not called first", path)
	}
	return runChild(ctx, checkRequest{Path: path, Format: format, Size: size})
}

// runChild re-executes this binary as the model check and interprets its report.
func runChild(ctx context.Context, req checkRequest) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("model %s: find own executable for the check: %w", req.Path, err)
	}
	ctx, cancel := context.WithTimeout(ctx, modelCheckTimeout)
	defer cancel()
	spec, _ := json.Marshal(req)
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), modelCheckEnv+"="+string(spec))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	stage, result := parseReport(&stdout)
	switch {
	case runErr == nil && strings.HasPrefix(result, "ok"):
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("model %s: check stopped at %s: %w", req.Path, stage, ctx.Err())
	case strings.HasPrefix(result, "error "):
		return fmt.Errorf("model %s: %s", req.Path, strings.TrimPrefix(result, "error "))
	case stage == "forward":
		input := fmt.Sprintf("%d×%d", req.Size, req.Size)
		if pf, ok := plateFormatByName(req.Format); ok {
			input = plateInputDesc(pf, req.Size)
		}
		return fmt.Errorf("model %s: OpenCV cannot run it at %s: %s", req.Path, input, tail(stderr.String(), runErr))
	default:
		return fmt.Errorf("model %s: OpenCV cannot load it: %s", req.Path, tail(stderr.String(), runErr))
	}
}

// parseReport returns the last stage the child reached and its result line.
func parseReport(r io.Reader) (stage, result string) {
	stage = "start"
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "sharpeyes-model-check: ")
		switch {
		case !ok:
		case strings.HasPrefix(line, "stage "):
			stage = strings.TrimPrefix(line, "stage ")
		default:
			result = line
		}
	}
	return stage, result
}

// tail summarizes how the child died: the last lines it wrote before Go's crash
// dump (OpenCV's exception text for an abort), the signal, and the exit status.
func tail(stderr string, runErr error) string {
	var lines []string
	signal := ""
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		if name, _, ok := strings.Cut(l, ": "); ok && strings.HasPrefix(name, "SIG") && strings.ToUpper(name) == name {
			signal = name
			break // Go's crash dump follows: goroutines and registers
		}
		if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "goroutine ") {
			break
		}
		if l == "" || strings.HasPrefix(l, "terminate called after throwing") {
			continue
		}
		lines = append(lines, strings.TrimPrefix(l, "what():  "))
	}
	msg := strings.Join(lines[max(0, len(lines)-3):], " | ")
	if len(msg) > 600 {
		msg = "…" + msg[len(msg)-600:]
	}
	var how []string
	if signal != "" {
		how = append(how, signal)
	}
	if runErr != nil {
		how = append(how, runErr.Error())
	}
	if len(how) == 0 {
		return msg
	}
	if msg == "" {
		return strings.Join(how, ", ")
	}
	return msg + " (" + strings.Join(how, ", ") + ")"
}

// RunModelCheckIfRequested runs the model check and exits when this process is
// a CheckModel child (SHARPEYES_MODEL_CHECK is set); otherwise it returns at
// once. Call it first thing in main and in TestMain of packages that check models.
func RunModelCheckIfRequested() {
	spec := os.Getenv(modelCheckEnv)
	if spec == "" {
		return
	}
	os.Exit(runModelCheck(spec, os.Stdout))
}

// runModelCheck loads and runs the model, reporting each stage before it is
// tried so the parent knows where an abort happened. It returns the exit code.
func runModelCheck(spec string, out io.Writer) int {
	report := func(format string, args ...any) {
		fmt.Fprintf(out, "sharpeyes-model-check: "+format+"\n", args...)
	}
	var req checkRequest
	if err := json.Unmarshal([]byte(spec), &req); err != nil {
		report("error bad %s: %v", modelCheckEnv, err)
		return 1
	}
	if pf, ok := plateFormatByName(req.Format); ok {
		return runPlateModelCheck(req, pf, report)
	}
	format, err := formatByName(req.Format)
	if err != nil {
		report("error %v", err)
		return 1
	}
	report("stage load")
	m, err := loadModel(req.Path, format, req.Size)
	if err != nil {
		report("error OpenCV cannot load it: %v", err)
		return 1
	}
	defer m.close()
	report("stage forward")
	img := grayImage(360, 640)
	defer img.Close()
	outs, ts, _, err := m.forward(img)
	if err != nil {
		report("error %v", err)
		return 1
	}
	defer closeMats(outs)
	if err := format.check(ts, req.Size); err != nil {
		report("error %v", err)
		return 1
	}
	report("ok outputs %s", shapes(ts))
	return 0
}

// grayImage returns a mid-gray BGR image owned by the caller.
func grayImage(h, w int) gocv.Mat {
	return gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), h, w, gocv.MatTypeCV8UC3)
}
