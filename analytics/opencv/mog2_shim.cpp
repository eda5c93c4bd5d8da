// OpenCV's MOG2 behind a C interface; exceptions are caught here.
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/video/background_segm.hpp>

#include "mog2_shim.h"

struct se_mog2 {
	cv::Ptr<cv::BackgroundSubtractorMOG2> mog;
};

se_mog2 *se_mog2_new(int history, double var_threshold, int mixtures) {
	try {
		se_mog2 *m = new se_mog2();
		m->mog = cv::createBackgroundSubtractorMOG2(history, var_threshold, true);
		m->mog->setNMixtures(mixtures);
		return m;
	} catch (...) {
		return nullptr;
	}
}

void se_mog2_free(se_mog2 *m) { delete m; }

int se_mog2_apply(se_mog2 *m, void *img, void *fg, char *err, int errlen) {
	try {
		m->mog->apply(*static_cast<cv::Mat *>(img), *static_cast<cv::Mat *>(fg));
		return 0;
	} catch (const std::exception &e) {
		std::snprintf(err, errlen, "%s", e.what());
		return -1;
	}
}
