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
    /// The picture in gray (0–1) at the model's input size, the refinement's guide (set by
    /// preprocessing when a `refine` stage follows, cleared by it).
    public var guide: [Float]?
    /// The model's class scores (set by inference instead of `labels` when a `refine` stage
    /// follows, cleared by it).
    public var scores: ClassScores?
    /// Class ids at the picture's size (set by inference, or by refinement).
    public var labels: LabelMap?

    public init(picture: VideoFrame) { self.picture = picture }
}
