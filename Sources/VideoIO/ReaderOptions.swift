import Foundation

/// How a `VideoReader` opens and decodes its input.
public struct ReaderOptions: Sendable {
    /// Decoder threads; libavcodec would otherwise use one.
    public var decodeThreads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Attach codec motion vectors (`export_mvs`) to each frame.
    public var exportMotionVectors = false
    /// Deliver audio packets (for copying) as well as video frames.
    public var includeAudio = true
    /// First presentation time to deliver, in seconds from the stream start.
    public var start: Double?
    /// Presentation time (seconds from the stream start) at which to stop, exclusive.
    public var end: Double?
    /// Stop after this many video frames.
    public var maxFrames: Int?
    /// Seconds a network read may stall before the input counts as unreachable.
    public var networkTimeout: Double = 10

    public init() {}
}
