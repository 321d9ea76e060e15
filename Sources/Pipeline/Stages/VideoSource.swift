import VideoIO

/// Source stage: decodes a file or stream into frames and audio packets. A live stream
/// (`isLiveStream`) given a reconnect policy is read by a `LiveReader`, which reconnects when it
/// is lost.
///
/// Gives: `.frame` for each decoded picture, `.audio` for each audio packet (in file order), and
/// `.gap` where a live stream was lost and came back.
public final class VideoSource: SourceStage {
    public let name = "decode"
    public let reader: any MediaReading
    public let expectedFrames: Int?

    /// Opens `url`; see `VideoReader` for the errors.
    /// - Parameters:
    ///   - reconnect: how a live stream comes back when lost; nil: it ends the input.
    ///   - warn: told of each reconnect attempt.
    public init(url: String, options: ReaderOptions = ReaderOptions(), reconnect: ReconnectPolicy? = nil,
                warn: @escaping @Sendable (String) -> Void = { _ in }) throws {
        if let reconnect, isLiveStream(url) {
            reader = try LiveReader(url: url, options: options, policy: reconnect, warn: warn)
            expectedFrames = options.maxFrames
        } else {
            reader = try VideoReader(url: url, options: options)
            expectedFrames = Self.expectedFrames(info: reader.info, options: options)
        }
    }

    /// Why a live stream was given up (the run still finalises its outputs); nil otherwise.
    public var failure: String? { (reader as? LiveReader)?.failure }
    /// Times a live stream was reconnected (safe to read from any thread).
    public var reconnects: Int { (reader as? LiveReader)?.reconnects ?? 0 }

    public func next() throws -> PipelineItem? {
        switch try reader.next() {
        case .video(let picture)?: return .frame(FrameItem(picture: picture))
        case .audio(let packet)?: return .audio(packet)
        case .gap(let gap)?: return .gap(gap)
        case nil: return nil
        }
    }

    public func cancel() { reader.cancel() }

    /// Frames in the requested range, when the input's length is known.
    private static func expectedFrames(info: MediaInfo, options: ReaderOptions) -> Int? {
        guard var frames = info.estimatedFrameCount else { return options.maxFrames }
        let fps = info.video.frameRate.doubleValue
        if fps > 0 {
            let start = Int(((options.start ?? 0) * fps).rounded())
            let end = options.end.map { Int(($0 * fps).rounded()) } ?? frames
            frames = max(0, min(frames, end) - start)
        }
        return options.maxFrames.map { min($0, frames) } ?? frames
    }
}
