package opencv

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

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
		{name: "motion-median", new: func(*testing.B) (analytics.Detector, error) {
			return NewMotion(MotionConfig{Background: BackgroundMedian})
		}},
		{name: "motion-mog2", new: func(*testing.B) (analytics.Detector, error) {
			return NewMotion(MotionConfig{Background: BackgroundMOG2})
		}},
		{name: "hog-full-frame", new: func(*testing.B) (analytics.Detector, error) { return NewHOG(HOGConfig{}) }},
		{name: "people-median+hog", new: func(*testing.B) (analytics.Detector, error) {
			return NewPeople(PeopleConfig{Motion: MotionConfig{Background: BackgroundMedian}})
		}},
		{name: "people-mog2+hog", new: func(*testing.B) (analytics.Detector, error) {
			return NewPeople(PeopleConfig{Motion: MotionConfig{Background: BackgroundMOG2}})
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

// BenchmarkMotionClip measures the background models over the whole PETS 2009
// clip (795 frames scaled to 640×360, in order), not a loop over its first 100
// frames as BenchmarkDetectors does: the start of the clip has people standing
// still, which the running median keeps reporting (and HOG keeps checking)
// longer than MOG2. One op is one pass; cpu-ns/frame is the calling thread's CPU
// time inside Detect only, decoding excluded. Run it with -benchtime 1x.
func BenchmarkMotionClip(b *testing.B) {
	defer SetThreads(SetThreads(1))
	for _, bc := range []struct {
		name string
		new  func() (analytics.Detector, error)
	}{
		{name: "motion-median", new: func() (analytics.Detector, error) { return NewMotion(MotionConfig{Background: BackgroundMedian}) }},
		{name: "motion-mog2", new: func() (analytics.Detector, error) { return NewMotion(MotionConfig{Background: BackgroundMOG2}) }},
		{name: "people-median+hog", new: func() (analytics.Detector, error) {
			return NewPeople(PeopleConfig{Motion: MotionConfig{Background: BackgroundMedian}})
		}},
		{name: "people-mog2+hog", new: func() (analytics.Detector, error) {
			return NewPeople(PeopleConfig{Motion: MotionConfig{Background: BackgroundMOG2}})
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var cpu time.Duration
			frames := 0
			for b.Loop() {
				d, err := bc.new()
				require.NoError(b, err)
				streamVTest(b, 640, 360, func(f *analytics.Frame) {
					t0 := threadCPU()
					_, err := d.Detect(f)
					cpu += threadCPU() - t0
					require.NoError(b, err)
					frames++
				})
				require.NoError(b, d.Close())
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(frames), "cpu-ns/frame")
		})
	}
}

// threadCPU returns the calling thread's user+system CPU time.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
