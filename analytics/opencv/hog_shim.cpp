// The HOG people detector's C++: OpenCV exceptions are caught here, since one crossing
// into Go would abort the process.
#include <cstdio>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>

#include "hog_shim.h"

struct se_hog {
	cv::HOGDescriptor hog;
};

se_hog *se_hog_new(void) {
	try {
		se_hog *h = new se_hog();
		h->hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
		return h;
	} catch (...) {
		return nullptr;
	}
}

void se_hog_free(se_hog *h) { delete h; }

int se_hog_detect(se_hog *h, void *img, double hit_threshold, int stride, int padding, double scale,
	se_hog_hit *out, int cap, char *err, int errlen) {
	try {
		std::vector<cv::Rect> rects;
		std::vector<double> weights;
		// groupThreshold 0: raw hits with their weights; Go groups them.
		h->hog.detectMultiScale(*static_cast<cv::Mat *>(img), rects, weights, hit_threshold,
			cv::Size(stride, stride), cv::Size(padding, padding), scale, 0, false);
		int n = static_cast<int>(rects.size());
		for (int i = 0; i < n && i < cap; i++) {
			double w = i < static_cast<int>(weights.size()) ? weights[i] : 0;
			out[i] = se_hog_hit{rects[i].x, rects[i].y, rects[i].width, rects[i].height, w};
		}
		return n;
	} catch (const std::exception &e) {
		std::snprintf(err, errlen, "%s", e.what());
		return -1;
	}
}

int se_set_threads(int n) {
	int old = cv::getNumThreads();
	cv::setNumThreads(n);
	return old;
}
