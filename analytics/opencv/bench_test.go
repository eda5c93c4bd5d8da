package opencv

import (
	"context"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

// BenchmarkDetectors measures one Detect per op on PETS 2009 frames scaled to
// 640×360, each detector fed the frames in order (motion models keep learning).
//
// OpenCV runs single-threaded here, as the gateway does by default
// (analysis_threads: 1).
func BenchmarkDetectors(b *testing.B) {
	frames := readVTest(b, 640, 360, 100)
	defer SetThreads(SetThreads(1))
	for _, bc := range []struct {
		name string
		new  func(b *testing.B) (analytics.Detector, error)
	}{
		{name: "motion", new: func(*testing.B) (analytics.Detector, error) { return NewMotion(MotionConfig{}) }},
		{name: "hog-full-frame", new: func(*testing.B) (analytics.Detector, error) { return NewHOG(HOGConfig{}) }},
		{name: "motion-average", new: func(*testing.B) (analytics.Detector, error) {
			return NewMotion(MotionConfig{Background: BackgroundAverage})
		}},
		{name: "people-motion+hog", new: func(*testing.B) (analytics.Detector, error) { return NewPeople(PeopleConfig{}) }},
		{name: "people-average+hog", new: func(*testing.B) (analytics.Detector, error) {
			return NewPeople(PeopleConfig{Motion: MotionConfig{Background: BackgroundAverage}})
		}},
		{name: "yolox-416", new: onnxBench(yoloxModel, FormatYOLOX, 416)},
		{name: "yolox-320", new: onnxBench(yoloxModel, FormatYOLOX, 320)},
		{name: "nanodet-416", new: onnxBench(nanodetModel, FormatNanoDet, 416)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d, err := bc.new(b)
			require.NoError(b, err)
			defer d.Close()
			// Let background models settle before timing.
			for _, f := range frames[:20] {
				_, err := d.Detect(f)
				require.NoError(b, err)
			}
			i := 20
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := d.Detect(frames[i%len(frames)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			// OpenCV spreads some work over threads: CPU time is the cost that
			// matters with many cameras, wall time the latency of one.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU returns the process's user+system CPU time in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func onnxBench(model, format string, size int) func(b *testing.B) (analytics.Detector, error) {
	return func(b *testing.B) (analytics.Detector, error) {
		return NewONNX(context.Background(), ONNXConfig{Path: shared(b, model), Format: format, InputSize: size})
	}
}
