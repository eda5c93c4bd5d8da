// The running-median background update: one pass over the pixels instead of the
// chain of OpenCV calls it would take.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "median_shim.h"

// SE_CLONES marks the whole-picture passes: not inlined (GCC does not
// vectorise them inside a try block) and compiled for AVX2 too, chosen at run
// time where the CPU has it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SE_CLONES __attribute__((noinline, target_clones("avx2", "default")))
#else
#define SE_CLONES __attribute__((noinline))
#endif

static bool fits(const cv::Mat &m, const cv::Mat &like) {
	return m.type() == CV_8UC1 && m.size() == like.size() && m.isContinuous();
}

// update is se_median_apply's pass over the pixels, on its own so that GCC
// vectorises it (inlined into the try block it does not); the Mats are distinct.
SE_CLONES static void update(int n, const uint8_t *__restrict g, uint8_t *__restrict fa, uint8_t *__restrict sl,
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

// clear_shadows is se_median_shadows' test, pixel by pixel over the moving
// ones; it widens box (x0, y0, x1, y1, inclusive) around the pixels it clears.
__attribute__((noinline)) static int clear_shadows(int cols, int rows, const uint8_t *__restrict in,
	const uint8_t *__restrict bg, uint8_t *__restrict f, int64_t lo, int64_t hi, int64_t c2, int *box) {
	int cleared = 0;
	for (int y = 0; y < rows; y++) {
		for (int x = 0; x < cols; x++) {
			const int i = y * cols + x;
			if (x + 8 <= cols) {
				uint64_t eight;
				std::memcpy(&eight, f + i, 8);
				if (eight == 0) { // most of a picture is still: skip it eight pixels at a time
					x += 7;
					continue;
				}
			}
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
				box[0] = x < box[0] ? x : box[0];
				box[1] = y < box[1] ? y : box[1];
				box[2] = x > box[2] ? x : box[2];
				box[3] = y > box[3] ? y : box[3];
			}
		}
	}
	return cleared;
}

// follow moves every byte of bg at most st levels towards in; on its own so
// that GCC vectorises it (inside a try block it does not).
SE_CLONES static void follow(int n, const uint8_t *__restrict in, uint8_t *__restrict bg, uint8_t st) {
	for (int i = 0; i < n; i++) {
		const uint8_t v = in[i], b = bg[i];
		const uint8_t up = v > b ? v - b : 0, down = b > v ? b - v : 0;
		bg[i] = b + (up < st ? up : st) - (down < st ? down : st);
	}
}

int se_median_shadows(void *bgrp, void *colourp, void *fgp, int tau_lo, int tau_hi, int chroma, int step, int *box) {
	try {
		const cv::Mat &bgr = *static_cast<cv::Mat *>(bgrp);
		cv::Mat &colour = *static_cast<cv::Mat *>(colourp);
		cv::Mat &fg = *static_cast<cv::Mat *>(fgp);
		if (bgr.type() != CV_8UC3 || !bgr.isContinuous() || colour.type() != CV_8UC3 || colour.size() != bgr.size() ||
			!colour.isContinuous() || !fits(fg, bgr) || tau_lo < 0 || tau_hi > 100 || tau_lo >= tau_hi || chroma < 0 || chroma > 255 ||
			step < 1 || step > 255) {
			return -1;
		}
		// The brightness distortion a = <I,B>/<B,B> of Horprasert et al. (1999),
		// as in OpenCV's MOG2: a shadow is the ground's colour B dimmed, aB with
		// a < 1, give or take chroma levels scaled by a. Integer maths on squares.
		box[0] = bgr.cols, box[1] = bgr.rows, box[2] = -1, box[3] = -1;
		const int cleared = clear_shadows(bgr.cols, bgr.rows, bgr.ptr<uint8_t>(), colour.ptr<uint8_t>(), fg.ptr<uint8_t>(),
			tau_lo, tau_hi, static_cast<int64_t>(chroma) * chroma, box);
		follow(static_cast<int>(3 * bgr.total()), bgr.ptr<uint8_t>(), colour.ptr<uint8_t>(), static_cast<uint8_t>(step));
		return cleared;
	} catch (...) {
		return -1;
	}
}

// half_widths describes a structuring element whose every row is empty or one
// run centred on the anchor column (OpenCV's ellipse and cross, a rectangle of
// odd width): hw[r] is row r's half-width, -1 for an empty row. It returns
// false for any other element.
static bool half_widths(const cv::Mat &kernel, std::vector<int> &hw) {
	const int c = kernel.cols / 2;
	hw.assign(kernel.rows, -1);
	for (int y = 0; y < kernel.rows; y++) {
		const uint8_t *row = kernel.ptr<uint8_t>(y);
		int x0 = 0;
		while (x0 < kernel.cols && !row[x0]) {
			x0++;
		}
		int x1 = x0;
		while (x1 < kernel.cols && row[x1]) {
			x1++;
		}
		for (int x = x1; x < kernel.cols; x++) {
			if (row[x]) {
				return false;
			}
		}
		if (x0 == x1) {
			continue;
		}
		if (c - x0 != x1 - 1 - c) {
			return false;
		}
		hw[y] = c - x0;
	}
	return true;
}

// pick is the dilation's (max) or the erosion's (min) choice of two values.
template <bool grow> static inline uint8_t pick(uint8_t a, uint8_t b) {
	return grow ? (a > b ? a : b) : (a < b ? a : b);
}

// widen writes into out each pixel of in combined with its left and right
// neighbours, over rows of cols (beyond a row's ends: nothing, as OpenCV's
// border): one pass over the whole plane, then each row's two ends again.
template <bool grow> static inline void widen(const uint8_t *__restrict in, uint8_t *__restrict out, int cols, int rows) {
	const size_t n = static_cast<size_t>(cols) * rows;
	if (cols == 1) {
		std::copy(in, in + n, out);
		return;
	}
	for (size_t i = 1; i + 1 < n; i++) {
		out[i] = pick<grow>(pick<grow>(in[i - 1], in[i]), in[i + 1]);
	}
	for (size_t y = 0; y < static_cast<size_t>(rows); y++) {
		const size_t l = y * cols, r = l + cols - 1;
		out[l] = pick<grow>(in[l], in[l + 1]);
		out[r] = pick<grow>(in[r - 1], in[r]);
	}
}

// fold combines acc with other, byte by byte.
template <bool grow> static inline void fold(uint8_t *__restrict acc, const uint8_t *__restrict other, size_t n) {
	for (size_t i = 0; i < n; i++) {
		acc[i] = pick<grow>(acc[i], other[i]);
	}
}

SE_CLONES static void widen_max(const uint8_t *__restrict in, uint8_t *__restrict out, int cols, int rows) {
	widen<true>(in, out, cols, rows);
}
SE_CLONES static void widen_min(const uint8_t *__restrict in, uint8_t *__restrict out, int cols, int rows) {
	widen<false>(in, out, cols, rows);
}
SE_CLONES static void fold_max(uint8_t *__restrict acc, const uint8_t *__restrict other, size_t n) { fold<true>(acc, other, n); }
SE_CLONES static void fold_min(uint8_t *__restrict acc, const uint8_t *__restrict other, size_t n) { fold<false>(acc, other, n); }

// morph_rows dilates (grow) or erodes src into dst (cols × rows, 8-bit,
// continuous) by the element of half-widths hw: the plane widened once per
// half-width into wide (room for the widest half-width's planes), then, for
// each row of the element, the widened plane shifted by that row folded into
// dst. About 2 × the widest half-width + the element's height operations a
// pixel, where a general element costs its area.
template <bool grow>
static void morph_rows(const uint8_t *src, uint8_t *dst, int cols, int rows, const std::vector<int> &hw, uint8_t *wide) {
	const int kh = static_cast<int>(hw.size()), cy = kh / 2;
	const int widest = *std::max_element(hw.begin(), hw.end());
	const size_t plane = static_cast<size_t>(cols) * rows;
	const auto widened = [&](int k) { return k == 0 ? src : wide + plane * (k - 1); };
	for (int k = 1; k <= widest; k++) {
		(grow ? widen_max : widen_min)(widened(k - 1), wide + plane * (k - 1), cols, rows);
	}
	std::fill(dst, dst + plane, grow ? 0 : 255);
	for (int r = 0; r < kh; r++) {
		// Output row y takes widened row y + r - cy, where that row exists.
		const int shift = r - cy, y0 = std::max(0, -shift), y1 = std::min(rows, rows - shift);
		if (hw[r] < 0 || y0 >= y1) {
			continue;
		}
		(grow ? fold_max : fold_min)(dst + static_cast<size_t>(y0) * cols, widened(hw[r]) + static_cast<size_t>(y0 + shift) * cols,
			static_cast<size_t>(y1 - y0) * cols);
	}
}

// morph_mask opens (close false) or closes m (8-bit, one channel, continuous)
// in place by kernel, as morphologyEx with its default border does: by the
// element's row runs when it has them (scratch, kept between calls, holds the
// intermediate plane and the widened rows), else by morphologyEx.
static void morph_mask(cv::Mat &m, const cv::Mat &kernel, cv::Mat &scratch, bool close) {
	std::vector<int> hw;
	if (!half_widths(kernel, hw)) {
		cv::morphologyEx(m, m, close ? cv::MORPH_CLOSE : cv::MORPH_OPEN, kernel);
		return;
	}
	const size_t plane = m.total();
	const size_t need = plane * (1 + *std::max_element(hw.begin(), hw.end()));
	if (scratch.empty() || scratch.total() < need) {
		scratch.create(1, static_cast<int>(need), CV_8UC1);
	}
	uint8_t *mid = scratch.ptr<uint8_t>(), *wide = mid + plane, *pix = m.ptr<uint8_t>();
	if (close) {
		morph_rows<true>(pix, mid, m.cols, m.rows, hw, wide);
		morph_rows<false>(mid, pix, m.cols, m.rows, hw, wide);
	} else {
		morph_rows<false>(pix, mid, m.cols, m.rows, hw, wide);
		morph_rows<true>(mid, pix, m.cols, m.rows, hw, wide);
	}
}

static bool usable_kernel(const cv::Mat &kernel) { return !kernel.empty() && kernel.type() == CV_8UC1; }

int se_mask_morph(void *maskp, void *kernelp, void *scratchp, int close) {
	try {
		cv::Mat &m = *static_cast<cv::Mat *>(maskp);
		const cv::Mat &kernel = *static_cast<cv::Mat *>(kernelp);
		if (m.type() != CV_8UC1 || !m.isContinuous() || !usable_kernel(kernel)) {
			return -1;
		}
		morph_mask(m, kernel, *static_cast<cv::Mat *>(scratchp), close != 0);
		return 0;
	} catch (...) {
		return -1;
	}
}

int se_median_restore(void *fgp, void *movingp, void *kernelp, void *copyp, void *scratchp, int x0, int y0, int x1, int y1) {
	try {
		cv::Mat &fg = *static_cast<cv::Mat *>(fgp);
		const cv::Mat &moving = *static_cast<cv::Mat *>(movingp);
		const cv::Mat &kernel = *static_cast<cv::Mat *>(kernelp);
		cv::Mat &copy = *static_cast<cv::Mat *>(copyp);
		if (!fits(moving, fg) || !usable_kernel(kernel)) {
			return -1;
		}
		// Closing reaches a kernel's size from a pixel (dilation, then erosion).
		const int rx = kernel.cols - kernel.cols / 2, ry = kernel.rows - kernel.rows / 2;
		const cv::Rect area = cv::Rect(cv::Point(x0 - 2 * rx, y0 - 2 * ry), cv::Point(x1 + 2 * rx + 1, y1 + 2 * ry + 1)) &
			cv::Rect(0, 0, fg.cols, fg.rows);
		if (area.empty()) {
			return 0;
		}
		// The closing works on a continuous copy of the area (in copy, kept
		// between calls at fg's size), so it sees nothing outside the area:
		// the edges fill as at the picture's edges, which changes no cleared
		// pixel (they lie two kernel radii inside) and, since closing only
		// adds, clears none.
		copy.create(fg.size(), CV_8UC1);
		cv::Mat roi(area.size(), CV_8UC1, copy.ptr<uint8_t>());
		fg(area).copyTo(roi);
		morph_mask(roi, kernel, *static_cast<cv::Mat *>(scratchp), true);
		cv::Mat out = fg(area);
		cv::bitwise_and(roi, moving(area), out);
		return 0;
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
