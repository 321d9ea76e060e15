import Foundation
import Segmentation

/// CRF-style edge refinement (see `EdgeRefinement`): each frame's class scores are refined with
/// its picture as the guide, then the labels are scaled to the picture.
///
/// Takes: `.frame` with `scores` and `guide` (set by `infer`, or `temporal`, and `preprocess`
/// when this stage follows them); frames that already have labels (models that output class
/// ids) pass unchanged. Gives: `labels` at picture size.
///
/// ```yaml
/// - refine:
///     radius: 8          # guided filter window radius, in model output pixels
///     epsilon: 0.001     # edge threshold (variance of a 0-1 gray guide)
///     weight: 6          # pairwise term against the logits
///     iterations: 1      # mean-field iterations
/// ```
public final class RefineStage: Stage {
    public let name = "refine"
    private let refiner: EdgeRefiner
    private let guideWidth: Int
    private let guideHeight: Int

    /// - Parameters:
    ///   - guideWidth, guideHeight: the guide's size (the model's input size); it is resampled
    ///     to the scores' size when the model's output is smaller.
    public init(refinement: EdgeRefinement, guideWidth: Int, guideHeight: Int,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        refiner = EdgeRefiner(refinement, threads: threads)
        self.guideWidth = guideWidth
        self.guideHeight = guideHeight
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item, let scores = frame.scores, let guide = frame.guide {
            let labels = scores.withUnsafeBufferPointer { values in
                refiner.labels(scores: values, classes: scores.classes, width: scores.width, height: scores.height,
                               guide: bilinearResize(guide, width: guideWidth, height: guideHeight,
                                                     toWidth: scores.width, height: scores.height))
            }
            frame.labels = labels.resized(width: frame.picture.width, height: frame.picture.height)
            frame.scores = nil
            frame.guide = nil
        }
        try emit(item)
    }
}
