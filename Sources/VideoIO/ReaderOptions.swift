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
    /// Seconds before `start` also decoded and delivered, as pre-roll frames (`isPreroll`), so
    /// that stages with a memory of earlier frames reach `start` as a run from earlier would.
    public var preroll: Double = 0
    /// Stop after this many video frames.
    public var maxFrames: Int?
    /// Seconds a network read may stall before the input counts as unreachable.
    public var networkTimeout: Double = 10
    /// Seconds opening the input, or waiting for its next packet, may take before reading gives
    /// up (the input counts as stalled); nil: no limit beyond `networkTimeout`.
    public var stallTimeout: Double?
    /// How RTSP media travels: `tcp` (interleaved in the RTSP connection, no losses) or `udp`.
    public var rtspTransport = RTSPTransport.tcp

    public init() {}
}

/// How an RTSP camera's media travels.
public enum RTSPTransport: String, Sendable, CaseIterable {
    case tcp, udp
}

/// Whether `url` names a live network stream (RTSP, RTMP, SRT, UDP, RTP, TCP) rather than a
/// file: such inputs run live by default (a full queue drops its oldest item).
public func isLiveStream(_ url: String) -> Bool {
    guard let scheme = url.range(of: "://").map({ url[..<$0.lowerBound].lowercased() }) else { return false }
    return ["rtsp", "rtsps", "rtmp", "rtmps", "srt", "udp", "rtp", "tcp"].contains(scheme)
}

/// Whether `url` names a local file (a path or `file:` URL), whose failures to open are the
/// file's own, not a network's.
func isLocalFile(_ url: String) -> Bool {
    !url.contains("://") || url.lowercased().hasPrefix("file:")
}
