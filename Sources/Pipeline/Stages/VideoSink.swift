import VideoIO

/// Sink stage: encodes frames to H.264 and copies audio packets into a video file.
///
/// Takes: `.frame` (its picture is encoded) and `.audio` (copied); passes every item on, so other
/// sinks can follow. Closing after a finished or interrupted run finalises the file; after a
/// failure (or an interruption before the first frame) the partial file is removed.
public final class VideoSink: Stage {
    public let name = "encode"
    public let writer: VideoWriter

    public init(path: String, source: MediaInfo, options: WriterOptions = WriterOptions()) throws {
        writer = try VideoWriter(path: path, source: source, options: options)
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        switch item {
        case .frame(let frame): try writer.write(frame.picture)
        case .audio(let packet): try writer.write(packet)
        }
        try emit(item)
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        try writer.close(after: ending)
    }
}

extension VideoWriter {
    /// Finishes the file after a finished or interrupted run; removes it after a failure or when
    /// an interruption came before the first frame.
    func close(after ending: RunEnding) throws {
        switch ending {
        case .failed: abort()
        case .interrupted where framesWritten == 0: abort()
        case .finished, .interrupted: try finish()
        }
    }
}
