// The running-median background update: one pass over the pixels instead of the
// chain of OpenCV calls it would take.
#include <cstdint>

#include <opencv2/core.hpp>

#include "median_shim.h"

static bool fits(const cv::Mat &m, const cv::Mat &like) {
	return m.type() == CV_8UC1 && m.size() == like.size() && m.isContinuous();
}

int se_median_apply(void *greyp, void *fastp, void *slowp, void *fgp, int threshold, int step, int learn_slow) {
	try {
		const cv::Mat &grey = *static_cast<cv::Mat *>(greyp);
		cv::Mat &fast = *static_cast<cv::Mat *>(fastp);
		cv::Mat &slow = *static_cast<cv::Mat *>(slowp);
		cv::Mat &fg = *static_cast<cv::Mat *>(fgp);
		if (!fits(grey, grey) || !fits(fast, grey) || !fits(slow, grey) || threshold < 0 || threshold > 255 ||
			step < 1 || step > 255) {
			return -1;
		}
		fg.create(grey.size(), CV_8UC1);
		const int n = static_cast<int>(grey.total());
		const uint8_t *g = grey.ptr<uint8_t>();
		uint8_t *fa = fast.ptr<uint8_t>(), *sl = slow.ptr<uint8_t>(), *f = fg.ptr<uint8_t>();
		const uint8_t thr = static_cast<uint8_t>(threshold), st = static_cast<uint8_t>(step);
		const uint8_t ls = learn_slow ? 1 : 0;
		// Unsigned saturating arithmetic and no branches, so the compiler vectorises it.
		for (int i = 0; i < n; i++) {
			const uint8_t gi = g[i], fi = fa[i], si = sl[i];
			const uint8_t fu = gi > fi ? gi - fi : 0, fd = fi > gi ? fi - gi : 0;
			const uint8_t su = gi > si ? gi - si : 0, sd = si > gi ? si - gi : 0;
			const uint8_t fastMoving = (fu | fd) > thr ? 1 : 0;
			const uint8_t slowMoving = (su | sd) > thr ? 1 : 0;
			f[i] = (fastMoving & slowMoving) ? 255 : 0;
			fa[i] = fi + (fu < st ? fu : st) - (fd < st ? fd : st);
			const uint8_t l = ls & (fastMoving ^ 1);
			sl[i] = si + (su < l ? su : l) - (sd < l ? sd : l);
		}
		return cv::countNonZero(fg);
	} catch (...) {
		return -1;
	}
}

