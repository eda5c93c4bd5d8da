package decode

// All C of the file reader lives in this file: a handle with the demuxer, the decoder,
// one packet, one frame and the swscale context, plus open, next (demux + decode +
// convert in one call, so Go crosses into C once per frame) and close. Symbols carry
// the se_file_ prefix so they never clash with avcodec.go's se_ helpers.

/*
#cgo pkg-config: libavformat libavcodec libavutil libswscale
#include <stdlib.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

typedef struct {
	AVFormatContext *fmt;
	AVCodecContext *dec;
	AVPacket *pkt;
	AVFrame *frame;
	struct SwsContext *sws;
	int stream;
	int draining;     // the demuxer is done and the decoder was sent the flush packet
	int read_err;     // the demuxer error that ended the file early, 0 after a clean EOF
	int errs_in_row;  // consecutive decode errors, to give up on a hopeless file
	int64_t packets, decode_errors, corrupt_frames;
} se_file_reader;

enum { SE_FILE_EOF = 0, SE_FILE_FRAME = 1, SE_FILE_CONVERT_FAILED = 2 };

// Past this many consecutive decoder errors the file is declared unreadable.
enum { SE_FILE_MAX_ERRS_IN_ROW = 500 };

static void se_file_close(se_file_reader *r) {
	if (!r) return;
	avcodec_free_context(&r->dec);
	avformat_close_input(&r->fmt);
	av_packet_free(&r->pkt);
	av_frame_free(&r->frame);
	sws_freeContext(r->sws);
	free(r);
}

// se_file_open_decoder opens the decoder for the chosen stream. Slice threads
// only: with frame threads a damaged picture's corrupt flags are set or not
// depending on thread timing, so the same file would give different frames from
// run to run; reading the same file twice must give the same frames.
static int se_file_open_decoder(se_file_reader *r, const AVCodec *codec) {
	AVStream *st = r->fmt->streams[r->stream];
	r->dec = avcodec_alloc_context3(codec);
	if (!r->dec) return AVERROR(ENOMEM);
	int ret = avcodec_parameters_to_context(r->dec, st->codecpar);
	if (ret < 0) return ret;
	r->dec->pkt_timebase = st->time_base;
	r->dec->thread_type = FF_THREAD_SLICE;
	r->dec->thread_count = 0;
	// Damaged input makes the decoder log per macroblock; Stats counts it instead.
	// The offset demotes its errors to verbose, below the default log level.
	r->dec->log_level_offset = AV_LOG_VERBOSE - AV_LOG_ERROR;
	return avcodec_open2(r->dec, codec, NULL);
}

// se_file_open demuxes path, picks the best video stream and opens its decoder.
// On failure *out is NULL and the return value is an AVERROR; *step tells which
// step failed (1 open, 2 probe, 3 find stream, 4 open decoder).
static int se_file_open(se_file_reader **out, const char *path, int *step) {
	*out = NULL;
	se_file_reader *r = calloc(1, sizeof *r);
	if (!r) return AVERROR(ENOMEM);
	r->pkt = av_packet_alloc();
	r->frame = av_frame_alloc();
	int ret = AVERROR(ENOMEM);
	*step = 1;
	if (!r->pkt || !r->frame) goto fail;
	// Only the file protocol, so neither the path nor a playlist inside the file
	// can make FFmpeg reach the network.
	AVDictionary *opts = NULL;
	av_dict_set(&opts, "protocol_whitelist", "file", 0);
	ret = avformat_open_input(&r->fmt, path, NULL, &opts);
	av_dict_free(&opts);
	if (ret < 0) goto fail;
	*step = 2;
	ret = avformat_find_stream_info(r->fmt, NULL);
	if (ret < 0) goto fail;
	*step = 3;
	const AVCodec *codec = NULL;
	ret = av_find_best_stream(r->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
	if (ret < 0) goto fail;
	r->stream = ret;
	// Cover art of an audio file is a one-picture "video" stream: not a video.
	ret = AVERROR_STREAM_NOT_FOUND;
	if (r->fmt->streams[r->stream]->disposition & AV_DISPOSITION_ATTACHED_PIC) goto fail;
	for (unsigned i = 0; i < r->fmt->nb_streams; i++)
		if ((int)i != r->stream) r->fmt->streams[i]->discard = AVDISCARD_ALL;
	*step = 4;
	ret = se_file_open_decoder(r, codec);
	if (ret < 0) goto fail;
	*out = r;
	return 0;
fail:
	se_file_close(r);
	return ret;
}

// se_file_convert scales the decoded picture into dst as packed BGR24, ow*oh pixels.
// JPEG-range formats are mapped to their plain twins plus a full-range flag so
// swscale does not warn about deprecated formats.
static int se_file_convert(se_file_reader *r, uint8_t *dst, int ow, int oh) {
	AVFrame *f = r->frame;
	int fmt = f->format, full = f->color_range == AVCOL_RANGE_JPEG;
	switch (fmt) {
	case AV_PIX_FMT_YUVJ420P: fmt = AV_PIX_FMT_YUV420P; full = 1; break;
	case AV_PIX_FMT_YUVJ422P: fmt = AV_PIX_FMT_YUV422P; full = 1; break;
	case AV_PIX_FMT_YUVJ444P: fmt = AV_PIX_FMT_YUV444P; full = 1; break;
	case AV_PIX_FMT_YUVJ440P: fmt = AV_PIX_FMT_YUV440P; full = 1; break;
	}
	r->sws = sws_getCachedContext(r->sws, f->width, f->height, fmt, ow, oh,
		AV_PIX_FMT_BGR24, SWS_BILINEAR, NULL, NULL, NULL);
	if (!r->sws) return AVERROR(EINVAL);
	const int *coef = sws_getCoefficients(f->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT);
	sws_setColorspaceDetails(r->sws, coef, full, coef, 1, 0, 1 << 16, 1 << 16);
	uint8_t *planes[4] = {dst, NULL, NULL, NULL};
	int strides[4] = {ow * 3, 0, 0, 0};
	int h = sws_scale(r->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
	return h == oh ? 0 : AVERROR(EINVAL);
}

// se_file_feed reads one packet of the video stream and sends it to the decoder.
// At the end of the input (or on a read error) it sends the flush packet instead.
// A packet the decoder rejects is dropped and counted.
static int se_file_feed(se_file_reader *r) {
	int ret = av_read_frame(r->fmt, r->pkt);
	if (ret < 0) {
		if (ret != AVERROR_EOF) r->read_err = ret;
		r->draining = 1;
		avcodec_send_packet(r->dec, NULL);
		return 0;
	}
	if (r->pkt->stream_index != r->stream) {
		av_packet_unref(r->pkt);
		return 0;
	}
	r->packets++;
	ret = avcodec_send_packet(r->dec, r->pkt);
	av_packet_unref(r->pkt);
	if (ret < 0 && ret != AVERROR(EAGAIN)) {
		r->decode_errors++;
		if (++r->errs_in_row > SE_FILE_MAX_ERRS_IN_ROW) return ret;
	}
	return 0;
}

// se_file_next decodes the next clean picture into r->frame and converts it into dst.
// It returns SE_FILE_FRAME, SE_FILE_EOF, SE_FILE_CONVERT_FAILED when swscale could
// not convert the picture, or an AVERROR when the file cannot go on;
// once the decoder is drained it returns the read error that ended the file, if any.
// Pictures the decoder flags as corrupt or concealed are dropped and counted.
static int se_file_next(se_file_reader *r, uint8_t *dst, int ow, int oh) {
	for (;;) {
		int ret = avcodec_receive_frame(r->dec, r->frame);
		if (ret >= 0) {
			r->errs_in_row = 0;
			if ((r->frame->flags & AV_FRAME_FLAG_CORRUPT) || r->frame->decode_error_flags) {
				r->corrupt_frames++;
				av_frame_unref(r->frame);
				continue;
			}
			return se_file_convert(r, dst, ow, oh) < 0 ? SE_FILE_CONVERT_FAILED : SE_FILE_FRAME;
		}
		if (ret == AVERROR_EOF) return r->read_err ? r->read_err : SE_FILE_EOF;
		if (ret != AVERROR(EAGAIN)) {
			r->decode_errors++;
			if (++r->errs_in_row > SE_FILE_MAX_ERRS_IN_ROW) return ret;
			continue;
		}
		if (r->draining) return r->read_err ? r->read_err : SE_FILE_EOF;
		ret = se_file_feed(r);
		if (ret < 0) return ret;
	}
}

// se_file_ts returns the picture's best-effort timestamp in stream time base, or
// AV_NOPTS_VALUE (raw elementary streams carry none).
static int64_t se_file_ts(se_file_reader *r) { return r->frame->best_effort_timestamp; }

static AVStream *se_file_stream(se_file_reader *r) { return r->fmt->streams[r->stream]; }

static int64_t se_file_nopts(void) { return AV_NOPTS_VALUE; }

// se_file_ns converts a timestamp difference in stream time base to nanoseconds.
static int64_t se_file_ns(se_file_reader *r, int64_t ts) {
	return av_rescale_q(ts, se_file_stream(r)->time_base, (AVRational){1, 1000000000});
}

// se_file_duration returns the container duration in AV_TIME_BASE units when it
// came from timestamps or stream headers (not guessed from the bitrate), else 0.
static int64_t se_file_duration(se_file_reader *r) {
	if (r->fmt->duration == AV_NOPTS_VALUE || r->fmt->duration <= 0) return 0;
	if (r->fmt->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) return 0;
	return r->fmt->duration;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"
)

// fileAV owns one demuxer + decoder + scaler chain; it is freed by close.
type fileAV struct {
	r *C.se_file_reader
}

// fileStreamInfo is what the demuxer and decoder know about the chosen stream.
type fileStreamInfo struct {
	width, height int
	codec         string
	fps           float64 // avg_frame_rate, else r_frame_rate, else 0
	startTS       int64   // stream start_time in time base; noTS when unknown
	frames        int64   // frame count from the container header, else 0
	duration      time.Duration
}

var noTS = int64(C.se_file_nopts())

// fileOpenSteps names the failing step of se_file_open for error messages.
var fileOpenSteps = [...]string{1: "open", 2: "read stream info", 3: "find a video stream", 4: "open decoder"}

// fileOpen opens path through FFmpeg's file protocol explicitly, so a name with a
// colon is never taken for a URL.
func fileOpen(path string) (*fileAV, error) {
	cpath := C.CString("file:" + path)
	defer C.free(unsafe.Pointer(cpath))
	var r *C.se_file_reader
	var step C.int
	if ret := C.se_file_open(&r, cpath, &step); ret < 0 {
		return nil, fileOpenError(step, ret)
	}
	return &fileAV{r: r}, nil
}

func (a *fileAV) info() fileStreamInfo {
	st := C.se_file_stream(a.r)
	par := st.codecpar
	in := fileStreamInfo{
		width:    int(par.width),
		height:   int(par.height),
		codec:    C.GoString(C.avcodec_get_name(par.codec_id)),
		fps:      fileRational(st.avg_frame_rate),
		startTS:  int64(st.start_time),
		frames:   int64(st.nb_frames),
		duration: time.Duration(C.se_file_duration(a.r)) * time.Microsecond,
	}
	if in.fps == 0 {
		in.fps = fileRational(st.r_frame_rate)
	}
	return in
}

func fileRational(q C.AVRational) float64 {
	if q.num <= 0 || q.den <= 0 {
		return 0
	}
	return float64(q.num) / float64(q.den)
}

// next decodes the next picture into dst (len ow*oh*3) and returns its timestamp in
// stream time base (noTS when absent), io.EOF at the clean end of the file, or the
// error that ended it.
func (a *fileAV) next(dst []byte, ow, oh int) (int64, error) {
	ret := C.se_file_next(a.r, (*C.uint8_t)(unsafe.Pointer(&dst[0])), C.int(ow), C.int(oh))
	switch {
	case ret == C.SE_FILE_FRAME:
		return int64(C.se_file_ts(a.r)), nil
	case ret == C.SE_FILE_EOF:
		return noTS, io.EOF
	case ret == C.SE_FILE_CONVERT_FAILED:
		w, h, f := a.r.frame.width, a.r.frame.height, a.r.frame.format
		return noTS, fmt.Errorf("convert a %dx%d %s picture to BGR24 failed", w, h, C.GoString(C.av_get_pix_fmt_name(int32(f))))
	default:
		return noTS, fileAVError(ret)
	}
}

// duration converts a timestamp difference in stream time base to a Duration.
func (a *fileAV) duration(ts int64) time.Duration {
	return time.Duration(C.se_file_ns(a.r, C.int64_t(ts)))
}

// counters returns packets read, packets or pictures the decoder rejected, and
// pictures dropped because the decoder flagged them corrupt.
func (a *fileAV) counters() (packets, decodeErrors, corruptFrames int64) {
	return int64(a.r.packets), int64(a.r.decode_errors), int64(a.r.corrupt_frames)
}

func (a *fileAV) close() {
	if a.r != nil {
		C.se_file_close(a.r)
		a.r = nil
	}
}

// fileOpenError explains why se_file_open failed, in the words a user needs.
func fileOpenError(step C.int, code C.int) error {
	switch {
	case code == C.AVERROR_INVALIDDATA && step <= 2:
		return errors.New("not a recognised video file")
	case code == C.AVERROR_STREAM_NOT_FOUND:
		return errors.New("the file has no video stream")
	case code == C.AVERROR_DECODER_NOT_FOUND:
		return errors.New("no decoder for the video stream's codec")
	}
	return fmt.Errorf("%s: %w", fileOpenSteps[step], fileAVError(code))
}

func fileAVError(code C.int) error {
	var buf [128]C.char
	C.av_strerror(code, &buf[0], C.size_t(len(buf)))
	return errors.New(C.GoString(&buf[0]))
}
