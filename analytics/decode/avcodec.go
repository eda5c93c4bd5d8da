package decode

// All C of this package lives in this file: a handle with the codec context, one
// packet, two frames and the swscale context, plus three calls (open, decode,
// convert) so that Go crosses into C once per step.

/*
#cgo pkg-config: libavcodec libavutil libswscale
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <libavcodec/avcodec.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

typedef struct {
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVFrame *frame; // newest decoded picture
	AVFrame *tmp;
	struct SwsContext *sws;
	char msg[200]; // last FFmpeg error logged during se_decode
} se_dec;

enum { SE_AGAIN = 0, SE_FRAME = 1, SE_CORRUPT = 2 };

// FFmpeg logs per packet; keep only the last error of the calling thread so the
// Go error can carry it, and print nothing.
static __thread char se_last_log[200];

static void se_log(void *avcl, int level, const char *fmt, va_list vl) {
	if (level > AV_LOG_ERROR) return;
	vsnprintf(se_last_log, sizeof se_last_log, fmt, vl);
}

static void se_init_log(void) { av_log_set_callback(se_log); }

static void se_close(se_dec *d) {
	avcodec_free_context(&d->ctx);
	av_packet_free(&d->pkt);
	av_frame_free(&d->frame);
	av_frame_free(&d->tmp);
	sws_freeContext(d->sws);
	free(d);
}

// Slice threads add no delay (frame threads add thread_count-1 frames), and
// LOW_DELAY makes the decoder output each picture as soon as it is complete.
static int se_open(se_dec **out, int codec_id) {
	*out = NULL;
	const AVCodec *c = avcodec_find_decoder(codec_id);
	if (!c) return AVERROR_DECODER_NOT_FOUND;
	se_dec *d = calloc(1, sizeof *d);
	if (!d) return AVERROR(ENOMEM);
	d->ctx = avcodec_alloc_context3(c);
	d->pkt = av_packet_alloc();
	d->frame = av_frame_alloc();
	d->tmp = av_frame_alloc();
	if (!d->ctx || !d->pkt || !d->frame || !d->tmp) { se_close(d); return AVERROR(ENOMEM); }
	d->ctx->thread_type = FF_THREAD_SLICE;
	d->ctx->thread_count = 0;
	d->ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
	// The HEVC decoder skips broken NAL units silently unless told to explode.
	if (codec_id == AV_CODEC_ID_HEVC) d->ctx->err_recognition |= AV_EF_EXPLODE;
	int r = avcodec_open2(d->ctx, c, NULL);
	if (r < 0) { se_close(d); return r; }
	*out = d;
	return 0;
}

// se_decode sends one Annex-B access unit and keeps the newest output picture.
// send_packet copies data (the packet is not reference counted), so data only
// needs to live for the call.
static int se_decode_step(se_dec *d, uint8_t *data, int size, int64_t pts) {
	d->pkt->data = data;
	d->pkt->size = size;
	d->pkt->pts = pts;
	int r = avcodec_send_packet(d->ctx, d->pkt);
	d->pkt->data = NULL;
	d->pkt->size = 0;
	if (r < 0) return r;
	int got = SE_AGAIN;
	for (;;) {
		r = avcodec_receive_frame(d->ctx, d->tmp);
		if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) break;
		if (r < 0) return r;
		av_frame_unref(d->frame);
		av_frame_move_ref(d->frame, d->tmp);
		got = SE_FRAME;
	}
	if (got == SE_FRAME && ((d->frame->flags & AV_FRAME_FLAG_CORRUPT) || d->frame->decode_error_flags))
		return SE_CORRUPT;
	return got;
}

// The log buffer is per thread, so it is read within the same C call.
static int se_decode(se_dec *d, uint8_t *data, int size, int64_t pts) {
	se_last_log[0] = 0;
	int r = se_decode_step(d, data, size, pts);
	snprintf(d->msg, sizeof d->msg, "%s", se_last_log);
	return r;
}

static void se_flush(se_dec *d) { avcodec_flush_buffers(d->ctx); }

// se_convert scales the newest picture into dst as packed BGR24, ow*oh pixels.
static int se_convert(se_dec *d, uint8_t *dst, int ow, int oh) {
	AVFrame *f = d->frame;
	int fmt = f->format, full = f->color_range == AVCOL_RANGE_JPEG;
	switch (fmt) {
	case AV_PIX_FMT_YUVJ420P: fmt = AV_PIX_FMT_YUV420P; full = 1; break;
	case AV_PIX_FMT_YUVJ422P: fmt = AV_PIX_FMT_YUV422P; full = 1; break;
	case AV_PIX_FMT_YUVJ444P: fmt = AV_PIX_FMT_YUV444P; full = 1; break;
	}
	d->sws = sws_getCachedContext(d->sws, f->width, f->height, fmt, ow, oh,
		AV_PIX_FMT_BGR24, SWS_BILINEAR, NULL, NULL, NULL);
	if (!d->sws) return AVERROR(EINVAL);
	const int *coef = sws_getCoefficients(f->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT);
	sws_setColorspaceDetails(d->sws, coef, full, coef, 1, 0, 1 << 16, 1 << 16);
	uint8_t *planes[4] = {dst, NULL, NULL, NULL};
	int strides[4] = {ow * 3, 0, 0, 0};
	int h = sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
	return h == oh ? 0 : AVERROR(EINVAL);
}
*/
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/sharpeyes/sharpeyes/streams/unit"
)

// avResult is what one avDecode call produced.
type avResult int

const (
	avAgain   avResult = C.SE_AGAIN   // no picture yet
	avFrame   avResult = C.SE_FRAME   // a clean picture is ready
	avCorrupt avResult = C.SE_CORRUPT // a picture came out with errors or concealment
)

var logOnce sync.Once

// avDec owns one libavcodec decoder; it is freed by close.
type avDec struct {
	d *C.se_dec
}

func avOpen(codec unit.Codec) (*avDec, error) {
	logOnce.Do(func() { C.se_init_log() })
	var id C.int
	switch codec {
	case unit.CodecH264:
		id = C.AV_CODEC_ID_H264
	case unit.CodecH265:
		id = C.AV_CODEC_ID_HEVC
	default:
		return nil, fmt.Errorf("unsupported codec %v", codec)
	}
	var d *C.se_dec
	if r := C.se_open(&d, id); r < 0 {
		return nil, avError("open decoder", r)
	}
	return &avDec{d: d}, nil
}

// decode feeds one Annex-B unit whose backing array has zero padding after len(b).
func (a *avDec) decode(b []byte, pts int64) (avResult, error) {
	r := C.se_decode(a.d, (*C.uint8_t)(unsafe.Pointer(&b[0])), C.int(len(b)), C.int64_t(pts))
	if r < 0 {
		return avAgain, avError("decode", r)
	}
	return avResult(r), nil
}

func (a *avDec) flush() { C.se_flush(a.d) }

// picture returns the size and the packet pts of the newest decoded picture.
func (a *avDec) picture() (w, h int, pts int64) {
	f := a.d.frame
	return int(f.width), int(f.height), int64(f.pts)
}

// lastLog returns the last FFmpeg error message logged by the latest decode, if any.
func (a *avDec) lastLog() string {
	return strings.TrimSpace(C.GoString(&a.d.msg[0]))
}

// convert writes the newest picture into dst (len ow*oh*3) as packed BGR24.
func (a *avDec) convert(dst []byte, ow, oh int) error {
	if r := C.se_convert(a.d, (*C.uint8_t)(unsafe.Pointer(&dst[0])), C.int(ow), C.int(oh)); r < 0 {
		return avError("convert to BGR", r)
	}
	return nil
}

func (a *avDec) close() {
	if a.d != nil {
		C.se_close(a.d)
		a.d = nil
	}
}

func avError(step string, code C.int) error {
	var buf [128]C.char
	C.av_strerror(code, &buf[0], C.size_t(len(buf)))
	return fmt.Errorf("%s: %s", step, C.GoString(&buf[0]))
}
