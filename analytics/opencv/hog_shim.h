// C interface to the C++ HOG people detector in hog_shim.cpp. gocv's
// HOGDescriptor hides the SVM weights of its hits; this returns them.
#ifndef SHARPEYES_HOG_SHIM_H
#define SHARPEYES_HOG_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct se_hog se_hog;

typedef struct {
	int x, y, w, h;
	double weight; // SVM margin; higher is more person-like
} se_hog_hit;

se_hog *se_hog_new(void);
void se_hog_free(se_hog *h);

// se_hog_detect scans img (a cv::Mat*, 8-bit BGR or gray) at all scales and
// writes up to cap raw, ungrouped hits into out. It returns the number of hits
// found (which may exceed cap) or -1 when OpenCV threw; the message is then in err.
int se_hog_detect(se_hog *h, void *img, double hit_threshold, int stride, int padding, double scale,
	se_hog_hit *out, int cap, char *err, int errlen);

// se_set_threads sets OpenCV's worker thread count for parallel loops (0: one
// per CPU, 1: run them on the calling thread) and returns the previous one.
int se_set_threads(int n);

#ifdef __cplusplus
}
#endif

#endif
