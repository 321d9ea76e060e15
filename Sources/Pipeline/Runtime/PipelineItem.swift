import Dispatch
import Inference
import Segmentation
import VideoIO

/// What flows between stages: frames, audio packets that sinks copy unchanged, and the gaps
/// where a live stream was lost and came back. Stages pass on every item they do not consume.
public enum PipelineItem: @unchecked Sendable {
    case frame(FrameItem)
    case audio(AudioPacket)
    /// Comes right before the first frame after the gap; a full queue never drops it.
    case gap(StreamGap)
    /// Sinks start new files here (`--split-every`); the next frame is the piece's first. A full
    /// queue never drops it.
    case piece(PieceStart)

    var isFrame: Bool {
        if case .frame = self { true } else { false }
    }

    /// Whether this item marks a point in the stream (a gap, a new piece): full queues keep it.
    var isMarker: Bool {
        switch self {
        case .gap, .piece: true
        case .frame, .audio: false
        }
    }
}

/// A frame and everything stages attach to it on its way to the sinks.
public final class FrameItem: @unchecked Sendable {
    /// The picture sinks render: the decoded one, or the overlay drawn on a copy of it. Its
    /// `index` is the frame's sequence number.
    public var picture: VideoFrame
    /// The normalised model input (set by preprocessing on frames the model runs on, cleared
    /// after inference).
    public var modelInput: [Float]?
    /// Whether the model runs on this frame at full size; false for frames whose scores the
    /// `temporal` stage carries from earlier frames (set by preprocessing).
    public var inferred = true
    /// On frames between keyframes, the model input at the reduced size of the temporal stage's
    /// updates (set by preprocessing when updates are on, cleared after inference).
    public var updateInput: (input: [Float], size: ModelSize)?
    /// The model's scores for `updateInput` (set by inference, cleared by the temporal stage).
    public var updateScores: ClassScores?
    /// Whether the picture differs too much from the previous one for earlier scores to carry
    /// over (set by preprocessing when a `temporal` stage follows).
    public var sceneCut = false
    /// The picture in gray (0–1) at the model's input size, the guide of motion estimation and
    /// refinement (set by preprocessing when a `temporal` or `refine` stage follows, cleared by
    /// the last of them).
    public var guide: [Float]?
    /// The model's class scores (set by inference instead of `labels` when a `temporal` or
    /// `refine` stage follows, cleared by the last of them).
    public var scores: ClassScores?
    /// Class ids at the picture's size (set by inference, or by refinement).
    public var labels: LabelMap?

    /// When the frame left the decoder (uptime, nanoseconds): where its latency counts from.
    public let arrival = DispatchTime.now().uptimeNanoseconds

    public init(picture: VideoFrame) { self.picture = picture }
}
