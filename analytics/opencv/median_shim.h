// C interface to the running-median background update in median_shim.cpp.
#ifndef SHARPEYES_MEDIAN_SHIM_H
#define SHARPEYES_MEDIAN_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// se_median_apply compares grey (a cv::Mat*, 8-bit, one channel) with two
// background estimates of the same size and type, fast and slow (cv::Mat*), and
// writes the foreground mask into fg (a cv::Mat*, reallocated to grey's size):
// 255 where grey differs from both by more than threshold and more than the
// pixel's spread (spread, a cv::Mat* like grey), else 0. It then moves every
// pixel of spread one level towards four times its distance from fast, every
// pixel of fast step grey levels towards grey, and, when learn_slow is not 0,
// every pixel of slow that fast does not see moving one level towards grey. It
// returns the number of foreground pixels, or -1 when the Mats do not fit.
int se_median_apply(void *grey, void *fast, void *slow, void *spread, void *fg, int threshold, int step,
	int learn_slow);

// se_median_shadows clears the foreground pixels of fg (a cv::Mat*, 8-bit, one
// channel) that are shadows: where the colour picture bgr (a cv::Mat*, 8-bit,
// three channels, fg's size) is the colour background (colour, a cv::Mat* like
// bgr) dimmed to between tau_lo and tau_hi percent of its brightness, give or
// take chroma levels (scaled like the brightness): the ground in the shade. It
// then moves every pixel of colour step levels per channel towards bgr. It
// returns the number of pixels it cleared, or -1 when the Mats do not fit, and
// writes the smallest box holding them into box (x0, y0, x1, y1, inclusive;
// x1 < x0 when none).
int se_median_shadows(void *bgr, void *colour, void *fg, int tau_lo, int tau_hi, int chroma, int step, int *box);

// se_median_restore closes fg (a cv::Mat*, 8-bit, one channel) with kernel (a
// cv::Mat*, 8-bit) and keeps only what moving (a cv::Mat* like fg) has set:
// the pixels a shadow test cleared that the object encloses come back. Only
// pixels inside the box (x0, y0, x1, y1, inclusive) can change; the work stays
// near it. copy and scratch (cv::Mat*) are working memory kept between calls.
// It returns 0, or -1 when the Mats do not fit.
int se_median_restore(void *fg, void *moving, void *kernel, void *copy, void *scratch, int x0, int y0, int x1, int y1);

// se_mask_morph opens (close 0) or closes mask (a cv::Mat*, 8-bit, one
// channel, continuous) in place by kernel (a cv::Mat*, 8-bit), as OpenCV's
// morphologyEx with its default border does: by the element's row runs when
// every row is one run centred on the anchor (ellipses, crosses, odd
// rectangles), else by morphologyEx. scratch (a cv::Mat*) is working memory
// kept between calls. It returns 0, or -1 when the Mats do not fit.
int se_mask_morph(void *mask, void *kernel, void *scratch, int close);

// se_planes_median reads k pictures of n bytes each, back to back in planes
// (which it reorders), and writes each byte's median over the pictures into
// med (n bytes). When spread is not NULL it also writes four times each byte's
// median distance from that median, saturated at 255, into spread (n bytes).
// It returns 0, or -1 for an empty input.
int se_planes_median(uint8_t *planes, int k, int n, uint8_t *med, uint8_t *spread);

#ifdef __cplusplus
}
#endif

#endif
