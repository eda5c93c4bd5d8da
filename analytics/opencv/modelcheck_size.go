package opencv

import "context"

// CheckModelSize is CheckModel at a given input size: models with a fixed input
// (the HyperLPR3 detectors come at 320 or 640) must be checked at theirs. Size 0
// takes the format's default, as CheckModel.
func CheckModelSize(ctx context.Context, path, format string, size int) error {
	if size == 0 {
		return CheckModel(ctx, path, format)
	}
	return checkModel(ctx, path, format, size)
}
