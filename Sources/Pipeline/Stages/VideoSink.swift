import VideoIO

/// Sink stage: encodes frames to H.264 and copies audio packets into a video file.
///
/// Takes: `.frame` (its picture is encoded) and `.audio` (copied). Closing after a finished or
/// interrupted run finalises the file; after a failure (or an interruption before the first
/// frame) the partial file is removed.
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
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        switch ending {
        case .failed: writer.abort()
        case .interrupted where writer.framesWritten == 0: writer.abort()
        case .finished, .interrupted: try writer.finish()
        }
    }
}
