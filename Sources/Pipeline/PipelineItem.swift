import Segmentation
import VideoIO

/// What flows between stages: frames, and audio packets that sinks copy unchanged.
public enum PipelineItem: @unchecked Sendable {
    case frame(FrameItem)
    case audio(AudioPacket)

    var isFrame: Bool {
        if case .frame = self { true } else { false }
    }
}

/// A frame and everything stages attach to it on its way to the sinks.
public final class FrameItem: @unchecked Sendable {
    /// The picture sinks render: the decoded one, or the overlay drawn on a copy of it. Its
    /// `index` is the frame's sequence number.
    public var picture: VideoFrame
    /// The normalised model input (set by preprocessing, cleared after inference).
    public var modelInput: [Float]?
    /// Class ids at the picture's size (set by inference).
    public var labels: LabelMap?

    public init(picture: VideoFrame) { self.picture = picture }
}
