import CFFmpeg

/// The three planes of an 8-bit yuv420p picture. Chroma planes are `(width + 1) / 2` by
/// `(height + 1) / 2`.
public struct YUV420Planes {
    public var width: Int
    public var height: Int
    public var y: UnsafeMutablePointer<UInt8>
    public var u: UnsafeMutablePointer<UInt8>
    public var v: UnsafeMutablePointer<UInt8>
    public var yStride: Int
    public var uStride: Int
    public var vStride: Int
}

extension VideoFrame {
    /// Calls `body` with the planes of a yuv420p picture.
    /// - Precondition: the picture is yuv420p (see `PixelConverter.yuv420Copy(of:)`).
    public func withYUV420Planes<Result>(_ body: (YUV420Planes) throws -> Result) rethrows -> Result {
        let p = frame.pointer.pointee
        precondition(p.format == AV_PIX_FMT_YUV420P.rawValue, "withYUV420Planes needs a yuv420p picture")
        return try body(YUV420Planes(width: width, height: height, y: p.data.0!, u: p.data.1!, v: p.data.2!,
                                     yStride: Int(p.linesize.0), uStride: Int(p.linesize.1), vStride: Int(p.linesize.2)))
    }
}

/// Converts pictures for stages: to packed RGB24 at a chosen size (model input) or to a
/// modifiable yuv420p copy (overlays). Reuses its swscale contexts; one per stage.
public final class PixelConverter {
    private let rgbConverter = FrameConverter()
    private let yuvConverter = FrameConverter()
    private let target: LibavFrame

    public init() throws { target = try LibavFrame() }

    /// The picture scaled (aspect ratio not kept) to `width`x`height`, as row-major RGB bytes.
    public func rgb(from picture: VideoFrame, width: Int, height: Int) throws -> [UInt8] {
        if target.pointer.pointee.width != Int32(width) || target.pointer.pointee.height != Int32(height) {
            try target.allocate(width: width, height: height, format: AV_PIX_FMT_RGB24)
        }
        try rgbConverter.convert(picture.frame.pointer, sourceWidth: Int32(picture.width), sourceHeight: Int32(picture.height),
                                 into: target.pointer)
        return target.plane0Bytes(rowBytes: width * 3, rows: height)
    }

    /// A copy of `picture` in 8-bit yuv420p (converted with swscale when needed), with the same
    /// size, index and timing, whose pixels the caller may change.
    public func yuv420Copy(of picture: VideoFrame) throws -> VideoFrame {
        let width = picture.width, height = picture.height, frame = picture.frame
        let copy = try LibavFrame()
        try copy.allocate(width: width, height: height, format: AV_PIX_FMT_YUV420P)
        let target = copy.pointer
        if frame.pointer.pointee.format == AV_PIX_FMT_YUV420P.rawValue {
            let status = av_frame_copy(target, frame.pointer)
            if status < 0 { throw VideoIOError("cannot copy a frame: \(avErrorString(status))") }
        } else {
            try yuvConverter.convert(frame.pointer, sourceWidth: Int32(width), sourceHeight: Int32(height), into: target)
        }
        av_frame_copy_props(target, frame.pointer)
        return VideoFrame(frame: copy, index: picture.index, pts: picture.pts, timeBase: picture.timeBase,
                          motionVectors: picture.motionVectors)
    }
}
