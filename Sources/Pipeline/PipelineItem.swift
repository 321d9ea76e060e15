import VideoIO

/// What flows between stages: frames, and audio packets that sinks copy unchanged.
public enum PipelineItem: @unchecked Sendable {
    case frame(FrameItem)
    case audio(AudioPacket)
}

/// A frame and everything stages attach to it on its way to the sinks.
public final class FrameItem: @unchecked Sendable {
    /// The decoded picture, kept for rendering; its `index` is the frame's sequence number.
    public let picture: VideoFrame

    public init(picture: VideoFrame) { self.picture = picture }
}
