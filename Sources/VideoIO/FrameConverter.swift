import CFFmpeg

/// Converts pictures between pixel formats and sizes with libswscale, reusing its context.
final class FrameConverter {
    private var context: OpaquePointer?
    private var key: (Int32, Int32, Int32, Int32, Int32, Int32)?

    deinit { sws_freeContext(context) }

    /// Scales `source` (its top-left `sourceWidth`x`sourceHeight` region) into `target`, whose
    /// size and format must already be set and whose buffers must be allocated.
    func convert(_ source: UnsafeMutablePointer<AVFrame>, sourceWidth: Int32, sourceHeight: Int32,
                 into target: UnsafeMutablePointer<AVFrame>) throws {
        let wanted = (sourceWidth, sourceHeight, source.pointee.format,
                      target.pointee.width, target.pointee.height, target.pointee.format)
        if context == nil || key.map({ $0 != wanted }) ?? true {
            sws_freeContext(context)
            context = sws_getContext(sourceWidth, sourceHeight, AVPixelFormat(source.pointee.format),
                                     target.pointee.width, target.pointee.height, AVPixelFormat(target.pointee.format),
                                     SWS_BICUBIC, nil, nil, nil)
            key = wanted
        }
        guard let context else {
            throw VideoIOError("cannot convert pixel format \(Self.name(source.pointee.format)) to \(Self.name(target.pointee.format))")
        }
        sws_scale(context, UnsafePointer(OpaquePointer(source.planes)), source.strides, 0, sourceHeight,
                  target.planes, target.strides)
    }

    static func name(_ format: Int32) -> String {
        av_get_pix_fmt_name(AVPixelFormat(format)).map { String(cString: $0) } ?? "unknown"
    }
}
