import CFFmpeg

/// A decoded picture with its timing, as it travels through the pipeline.
///
/// The picture stays in its decoded pixel format (any libav format); convert it with
/// `FrameConverter` when a stage needs RGB or another size.
public final class VideoFrame: @unchecked Sendable {
    let frame: LibavFrame
    /// 0-based position in decode order of delivered frames (-1 for pre-roll frames).
    public internal(set) var index: Int
    /// Whether the frame comes before the requested start, decoded only so that stages that
    /// remember earlier frames are warmed up (`ReaderOptions.preroll`); outputs leave it out.
    public internal(set) var isPreroll = false
    /// Presentation timestamp in `timeBase` units.
    public var pts: Int64
    public internal(set) var timeBase: Rational
    /// Decoder-exported motion vectors, when the reader was asked for them.
    public let motionVectors: [MotionVector]?

    init(frame: LibavFrame, index: Int, pts: Int64, timeBase: Rational, motionVectors: [MotionVector]?) {
        self.frame = frame
        self.index = index
        self.pts = pts
        self.timeBase = timeBase
        self.motionVectors = motionVectors
    }

    public var width: Int { Int(frame.pointer.pointee.width) }
    public var height: Int { Int(frame.pointer.pointee.height) }
    /// Presentation time in seconds.
    public var seconds: Double { Double(pts) * timeBase.doubleValue }
    /// Pixel format name, e.g. `yuv420p`.
    public var pixelFormat: String {
        av_get_pix_fmt_name(AVPixelFormat(frame.pointer.pointee.format)).map { String(cString: $0) } ?? "unknown"
    }
}

/// A compressed audio packet, copied to outputs unchanged.
public final class AudioPacket: @unchecked Sendable {
    let packet: LibavPacket
    /// Index of the audio stream in the input container.
    public let streamIndex: Int
    public let timeBase: Rational

    init(packet: LibavPacket, streamIndex: Int, timeBase: Rational) {
        self.packet = packet
        self.streamIndex = streamIndex
        self.timeBase = timeBase
    }

    /// Presentation timestamp in `timeBase` units (libav's no-value when absent).
    public var pts: Int64 { packet.pointer.pointee.pts }

    /// Moves the packet `ticks` later on its timeline.
    func shift(by ticks: Int64) {
        if packet.pointer.pointee.pts != ss_nopts() { packet.pointer.pointee.pts += ticks }
        if packet.pointer.pointee.dts != ss_nopts() { packet.pointer.pointee.dts += ticks }
    }
    /// The packet's bytes.
    public var data: [UInt8] {
        let p = packet.pointer.pointee
        guard let bytes = p.data, p.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(p.size)))
    }
}
