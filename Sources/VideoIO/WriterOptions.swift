import CFFmpeg

/// The video codecs a `VideoWriter` produces.
public enum OutputCodec: Sendable {
    /// H.264 (libx264) in yuv420p, for viewing; odd sizes are cropped by one pixel.
    case h264
    /// Lossless FFV1 in gray8, for label maps (pixel value = class id); any size.
    case ffv1Gray

    var pixelFormat: AVPixelFormat { self == .h264 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_GRAY8 }
}

/// How a `VideoWriter` encodes.
public struct WriterOptions: Sendable {
    public var codec = OutputCodec.h264
    /// Copy the source's audio streams.
    public var copyAudio = true
    /// x264 preset (H.264 only) (`ultrafast` ... `veryslow`).
    public var preset = "medium"
    /// x264 constant rate factor; lower is better quality.
    public var crf = 23
    /// Encoder threads; 0 lets the encoder choose.
    public var encodeThreads = 0
    /// Seconds subtracted from every timestamp (the start of a cut), so outputs start near 0.
    public var timeOrigin: Double = 0

    public init() {}
}
