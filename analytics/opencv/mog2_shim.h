// C interface to OpenCV's MOG2 background subtractor with the number of
// Gaussians per pixel set (gocv v0.31 cannot set it).
#ifndef SHARPEYES_MOG2_SHIM_H
#define SHARPEYES_MOG2_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct se_mog2 se_mog2;

// se_mog2_new returns a MOG2 with shadow detection, or NULL.
se_mog2 *se_mog2_new(int history, double var_threshold, int mixtures);
void se_mog2_free(se_mog2 *m);
// se_mog2_apply learns img (a cv::Mat*) and writes the mask into fg (a cv::Mat*):
// 255 foreground, 127 shadow, 0 background. It returns 0, or -1 with err set.
int se_mog2_apply(se_mog2 *m, void *img, void *fg, char *err, int errlen);

#ifdef __cplusplus
}
#endif

#endif
