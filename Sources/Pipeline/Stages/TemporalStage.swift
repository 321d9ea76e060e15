import Segmentation

/// Temporal keyframe aggregation (see `TemporalAggregator`): frames the model skipped get the
/// previous frame's scores moved along the motion between the two pictures (block matching on
/// the gray guides); keyframes may blend their scores with those carried ones.
///
/// Takes: `.frame` with `guide`, and `scores` (or, when nothing needs scores, `labels`) on
/// frames the model ran on (set by `preprocess` with the stage's keyframe policy, and by
/// `infer`). Gives: `scores` when a `refine` stage follows, else `labels` at picture size.
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
        if case .frame(let frame) = item, let guide = frame.guide {
            if carriesScores {
                if frame.inferred && frame.scores == nil {
                    throw PipelineError("'temporal' with blend or refine needs a model that outputs class scores; this model outputs class ids")
                }
                let scores = try found(aggregator.next(inferred: frame.inferred ? frame.scores : nil, restart: frame.sceneCut, guide: guide), frame)
                if givesScores {
                    frame.scores = scores
                } else {
                    frame.labels = scores.argmax.resized(width: frame.picture.width, height: frame.picture.height)
                    frame.scores = nil
                }
            } else {
                frame.labels = try found(aggregator.next(inferred: frame.inferred ? frame.labels : nil, guide: guide), frame)
            }
            if !givesScores { frame.guide = nil }
        }
        try emit(item)
    }

    private func found<T>(_ carried: T?, _ frame: FrameItem) throws -> T {
        guard let carried else { throw PipelineError("frame \(frame.picture.index): no earlier keyframe to carry the segmentation from") }
        return carried
    }
}
