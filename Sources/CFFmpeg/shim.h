#ifndef SEGSTREAM_CFFMPEG_SHIM_H
#define SEGSTREAM_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/motion_vector.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/// AVERROR(e) is a macro; Swift cannot see it.
static inline int ss_averror(int e) { return AVERROR(e); }
static inline int ss_eagain(void) { return AVERROR(EAGAIN); }
static inline int ss_eof(void) { return AVERROR_EOF; }
static inline int64_t ss_nopts(void) { return AV_NOPTS_VALUE; }
static inline int ss_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }

/// Copies av_err2str's text into a caller buffer.
static inline void ss_strerror(int err, char *buf, size_t size) { av_strerror(err, buf, size); }

#endif
