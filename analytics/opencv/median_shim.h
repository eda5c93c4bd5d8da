// C interface to the running-median background update in median_shim.cpp.
#ifndef SHARPEYES_MEDIAN_SHIM_H
#define SHARPEYES_MEDIAN_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

// se_median_apply compares grey (a cv::Mat*, 8-bit, one channel) with two
// background estimates of the same size and type, fast and slow (cv::Mat*), and
// writes the foreground mask into fg (a cv::Mat*, reallocated to grey's size):
// 255 where grey differs from both by more than threshold, else 0. It then moves
// every pixel of fast step grey levels towards grey, and, when learn_slow is not
// 0, every pixel of slow that fast does not see moving one level towards grey.
// It returns the number of foreground pixels, or -1 when the Mats do not fit.
int se_median_apply(void *grey, void *fast, void *slow, void *fg, int threshold, int step, int learn_slow);

#ifdef __cplusplus
}
#endif

#endif
