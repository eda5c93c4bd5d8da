package opencv

// #include "hog_shim.h"
import "C"

// SetThreads sets how many worker threads OpenCV's parallel loops use, for the
// whole process, and returns the previous setting. 0 means one per CPU; 1 runs
// them on the calling goroutine's thread.
func SetThreads(n int) int {
	return int(C.se_set_threads(C.int(n)))
}
