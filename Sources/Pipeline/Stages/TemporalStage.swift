import Segmentation

/// Temporal keyframe aggregation (see `TemporalAggregator`): frames the model skipped get the
/// previous frame's scores moved along the motion between the two pictures (block matching on
/// the gray guides); keyframes may blend their scores with those carried ones.
///
/// Takes: `.frame` with `guide`, and `scores` (or, when nothing needs scores, `labels`) on
/// frames the model ran on (set by `preprocess` with the stage's keyframe policy, and by
/// `infer`). Gives: `scores` when a `refine` stage follows, else `labels` at picture size. A
/// frame with nothing to carry from (a live queue dropped every keyframe before it) gets every
/// pixel unlabelled (255).
///
/// ```yaml
/// - temporal:
///     interval: 1        # run the model on one frame in N; carry scores to the others
///     scene_cut: 0.15    # also on a frame this different (mean gray difference) from the last
///     blend: 0.7         # weight of a keyframe's own scores against the carried ones (1: none)
///     search: 24         # motion search radius, model input pixels
///     block: 32          # motion block size, model input pixels
/// ```
public final class TemporalStage: Stage {
    public let name = "temporal"
    private let aggregator: TemporalAggregator
    private let carriesScores: Bool
    private let givesScores: Bool

    /// - Parameters:
    ///   - guideWidth, guideHeight: the guide's size (the model's input size).
    ///   - carriesScores: carry class scores (needed to blend keyframes, and by `refine`);
    ///     otherwise label maps at picture size are carried.
    ///   - givesScores: give scores (a `refine` stage follows) instead of labels.
    public init(_ settings: TemporalAggregation, guideWidth: Int, guideHeight: Int, carriesScores: Bool, givesScores: Bool) {
        precondition(carriesScores || !givesScores, "scores are given only when carried")
        aggregator = TemporalAggregator(settings, guideWidth: guideWidth, guideHeight: guideHeight)
        self.carriesScores = carriesScores
        self.givesScores = givesScores
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            guard let guide = frame.guide else { throw PipelineError("'temporal' needs 'preprocess' to keep each frame's guide") }
            if carriesScores {
                if frame.inferred && frame.scores == nil {
                    throw PipelineError("'temporal' with blend or refine needs a model that outputs class scores; this model outputs class ids")
                }
                if let scores = aggregator.next(inferred: frame.inferred ? frame.scores : nil, restart: frame.sceneCut, guide: guide) {
                    if givesScores {
                        frame.scores = scores
                    } else {
                        frame.labels = scores.argmax.resized(width: frame.picture.width, height: frame.picture.height)
                        frame.scores = nil
                    }
                } else {
                    frame.labels = unknown(frame)
                }
            } else {
                frame.labels = aggregator.next(inferred: frame.inferred ? frame.labels : nil, guide: guide) ?? unknown(frame)
            }
            if !givesScores { frame.guide = nil }
        }
        try emit(item)
    }

    /// Labels for a frame with nothing to carry from (its keyframe was dropped by a live queue):
    /// every pixel unlabelled.
    private func unknown(_ frame: FrameItem) -> LabelMap {
        LabelMap(width: frame.picture.width, height: frame.picture.height,
                 pixels: [UInt8](repeating: LabelSet.ignore, count: frame.picture.width * frame.picture.height))
    }
}
