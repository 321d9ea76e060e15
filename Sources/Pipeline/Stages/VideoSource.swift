import VideoIO

/// Source stage: decodes a file or stream into frames and audio packets.
///
/// Gives: `.frame` for each decoded picture, `.audio` for each audio packet (in file order).
public final class VideoSource: SourceStage {
    public let name = "decode"
    public let reader: VideoReader
    public let expectedFrames: Int?

    /// Opens `url`; see `VideoReader` for the errors.
    public init(url: String, options: ReaderOptions = ReaderOptions()) throws {
        reader = try VideoReader(url: url, options: options)
        expectedFrames = Self.expectedFrames(info: reader.info, options: options)
    }

    public func next() throws -> PipelineItem? {
        switch try reader.next() {
        case .video(let picture)?: return .frame(FrameItem(picture: picture))
        case .audio(let packet)?: return .audio(packet)
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
