// The running-median background update: one pass over the pixels instead of the
// chain of OpenCV calls it would take.
#include <cstdint>

#include <opencv2/core.hpp>

#include "median_shim.h"

static bool fits(const cv::Mat &m, const cv::Mat &like) {
	return m.type() == CV_8UC1 && m.size() == like.size() && m.isContinuous();
}

// update is se_median_apply's pass over the pixels, on its own so that GCC
// vectorises it (inlined into the try block it does not); the Mats are distinct.
__attribute__((noinline)) static void update(int n, const uint8_t *__restrict g, uint8_t *__restrict fa, uint8_t *__restrict sl,
	uint8_t *__restrict va, uint8_t *__restrict f, uint8_t thr, uint8_t st, uint8_t ls) {
	// Unsigned saturating arithmetic and no branches, so the compiler vectorises it.
	for (int i = 0; i < n; i++) {
		const uint8_t gi = g[i], fi = fa[i], si = sl[i], vi = va[i];
		const uint8_t fu = gi > fi ? gi - fi : 0, fd = fi > gi ? fi - gi : 0;
		const uint8_t su = gi > si ? gi - si : 0, sd = si > gi ? si - gi : 0;
		const uint8_t df = fu | fd;
		// The Sigma-Delta threshold (Manzanera and Richefeu, 2004): a pixel's
		// own spread, which follows four times its distance from the median
		// one level a frame, so leaves, water or a flag learn their own range
		// (a walker passing raises it a few levels for a while).
		const uint8_t t = vi > thr ? vi : thr;
		const uint8_t fastMoving = df > t ? 1 : 0;
		const uint8_t slowMoving = (su | sd) > t ? 1 : 0;
		f[i] = (fastMoving & slowMoving) ? 255 : 0;
		const uint8_t d2 = df > 63 ? 255 : static_cast<uint8_t>(df << 2);
		va[i] = vi + (d2 > vi ? 1 : 0) - (vi > d2 ? 1 : 0);
		fa[i] = fi + (fu < st ? fu : st) - (fd < st ? fd : st);
		const uint8_t l = ls & (fastMoving ^ 1);
		sl[i] = si + (su < l ? su : l) - (sd < l ? sd : l);
	}
}

int se_median_apply(void *greyp, void *fastp, void *slowp, void *spreadp, void *fgp, int threshold, int step,
	int learn_slow) {
	try {
		const cv::Mat &grey = *static_cast<cv::Mat *>(greyp);
		cv::Mat &fast = *static_cast<cv::Mat *>(fastp);
		cv::Mat &slow = *static_cast<cv::Mat *>(slowp);
		cv::Mat &spread = *static_cast<cv::Mat *>(spreadp);
		cv::Mat &fg = *static_cast<cv::Mat *>(fgp);
		if (!fits(grey, grey) || !fits(fast, grey) || !fits(slow, grey) || !fits(spread, grey) ||
			threshold < 0 || threshold > 255 || step < 1 || step > 255) {
			return -1;
		}
		fg.create(grey.size(), CV_8UC1);
		update(static_cast<int>(grey.total()), grey.ptr<uint8_t>(), fast.ptr<uint8_t>(), slow.ptr<uint8_t>(),
			spread.ptr<uint8_t>(), fg.ptr<uint8_t>(), static_cast<uint8_t>(threshold), static_cast<uint8_t>(step),
			learn_slow ? 1 : 0);
		return cv::countNonZero(fg);
	} catch (...) {
		return -1;
	}
}

int se_median_shadows(void *bgrp, void *colourp, void *fgp, int tau_lo, int tau_hi, int chroma, int step) {
	try {
		const cv::Mat &bgr = *static_cast<cv::Mat *>(bgrp);
		cv::Mat &colour = *static_cast<cv::Mat *>(colourp);
		cv::Mat &fg = *static_cast<cv::Mat *>(fgp);
		if (bgr.type() != CV_8UC3 || !bgr.isContinuous() || colour.type() != CV_8UC3 || colour.size() != bgr.size() ||
			!colour.isContinuous() || !fits(fg, bgr) || tau_lo < 0 || tau_hi > 100 || tau_lo >= tau_hi || chroma < 0 || chroma > 255 ||
			step < 1 || step > 255) {
			return -1;
		}
		const int n = static_cast<int>(bgr.total());
		const uint8_t *__restrict in = bgr.ptr<uint8_t>();
		uint8_t *__restrict bg = colour.ptr<uint8_t>();
		uint8_t *__restrict f = fg.ptr<uint8_t>();
		// The brightness distortion a = <I,B>/<B,B> of Horprasert et al. (1999),
		// as in OpenCV's MOG2: a shadow is the ground's colour B dimmed, aB with
		// a < 1, give or take chroma levels scaled by a. Integer maths on squares.
		const int64_t lo = tau_lo, hi = tau_hi, c2 = static_cast<int64_t>(chroma) * chroma;
		int cleared = 0;
		for (int i = 0; i < n; i++) {
			if (!f[i]) {
				continue;
			}
			const int64_t ib = in[3 * i], ig = in[3 * i + 1], ir = in[3 * i + 2];
			const int64_t bb = bg[3 * i], bgc = bg[3 * i + 1], br = bg[3 * i + 2];
			const int64_t b2 = bb * bb + bgc * bgc + br * br;
			if (b2 < 3 * 24 * 24) {
				continue; // the ground is too dark to tell a shadow on it
			}
			const int64_t dot = ib * bb + ig * bgc + ir * br;
			// lo% <= a <= hi%, with a = dot/b2.
			if (100 * dot < lo * b2 || 100 * dot > hi * b2) {
				continue;
			}
			// |I - aB|^2 = |I|^2 - dot^2/b2 <= (chroma * a)^2 = chroma^2 * dot^2 / b2^2.
			const int64_t i2 = ib * ib + ig * ig + ir * ir;
			if ((i2 * b2 - dot * dot) * b2 <= c2 * dot * dot) {
				f[i] = 0;
				cleared++;
			}
		}
		const uint8_t st = static_cast<uint8_t>(step);
		const int m = 3 * n;
		for (int i = 0; i < m; i++) {
			const uint8_t v = in[i], b = bg[i];
			const uint8_t up = v > b ? v - b : 0, down = b > v ? b - v : 0;
			bg[i] = b + (up < st ? up : st) - (down < st ? down : st);
		}
		return cleared;
	} catch (...) {
		return -1;
	}
}

// exchange orders two planes pixel by pixel: a gets the smaller value.
__attribute__((noinline)) static void exchange(uint8_t *__restrict a, uint8_t *__restrict b, int n) {
	for (int i = 0; i < n; i++) {
		const uint8_t x = a[i], y = b[i];
		a[i] = x < y ? x : y;
		b[i] = x < y ? y : x;
	}
}

// sort_planes sorts every pixel's k values across the planes: odd-even
// transposition, k rounds of whole-plane compare-exchanges that GCC vectorises.
static void sort_planes(uint8_t *planes, int k, int n) {
	for (int round = 0; round < k; round++) {
		for (int j = round & 1; j + 1 < k; j += 2) {
			exchange(planes + static_cast<size_t>(j) * n, planes + static_cast<size_t>(j + 1) * n, n);
		}
	}
}

int se_planes_median(uint8_t *planes, int k, int n, uint8_t *med, uint8_t *spread) {
	if (k < 1 || n < 1) {
		return -1;
	}
	sort_planes(planes, k, n);
	const uint8_t *mid = planes + static_cast<size_t>(k / 2) * n;
	for (int i = 0; i < n; i++) {
		med[i] = mid[i];
	}
	if (spread == nullptr) {
		return 0;
	}
	for (int j = 0; j < k; j++) {
		uint8_t *p = planes + static_cast<size_t>(j) * n;
		for (int i = 0; i < n; i++) {
			p[i] = p[i] > med[i] ? p[i] - med[i] : med[i] - p[i];
		}
	}
	sort_planes(planes, k, n);
	for (int i = 0; i < n; i++) {
		spread[i] = mid[i] > 63 ? 255 : static_cast<uint8_t>(mid[i] * 4);
	}
	return 0;
}
