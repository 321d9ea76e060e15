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
    ///   - guideWidth, guideHeight: the guide's size (the model's input size), where the labels
    ///     are decided before they are scaled to the picture.
    public init(refinement: EdgeRefinement, guideWidth: Int, guideHeight: Int,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        refiner = EdgeRefiner(refinement, threads: threads)
        self.guideWidth = guideWidth
        self.guideHeight = guideHeight
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item, let scores = frame.scores, let guide = frame.guide {
            let labels = refiner.labels(scores, guide: guide, width: guideWidth, height: guideHeight)
            frame.labels = labels.resized(width: frame.picture.width, height: frame.picture.height)
            frame.scores = nil
            frame.guide = nil
        }
        try emit(item)
    }
}

/// `refine`: the guided filter and the mean-field iterations.
public struct RefineSpec: FileStageSpec {
    public static let name = "refine"
    static let keys = ["radius", "epsilon", "weight", "iterations", "subsampling"]
    public var settings = EdgeRefinement()

    public init(_ settings: EdgeRefinement = EdgeRefinement()) { self.settings = settings }

    mutating func read(_ options: Fields) throws {
        settings.radius = try options.int("radius") ?? settings.radius
        settings.epsilon = try options.double("epsilon").map(Float.init) ?? settings.epsilon
        settings.weight = try options.double("weight").map(Float.init) ?? settings.weight
        settings.iterations = try options.int("iterations") ?? settings.iterations
        settings.subsampling = try options.int("subsampling") ?? settings.subsampling
    }

    public func validate() throws(OptionError) {
        try OptionError.check("radius", settings.radius, in: 1...64)
        try OptionError.check("epsilon", Double(settings.epsilon), in: 1e-6...1)
        try OptionError.check("weight", Double(settings.weight), in: 0...100)
        try OptionError.check("iterations", settings.iterations, in: 1...10)
        try OptionError.check("subsampling", settings.subsampling, in: 1...8)
    }

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.scores, .guide], gives: [.labels], follows: [InferSpec.name, TemporalSpec.name])
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        let model = try context.segmentationModel()
        return RefineStage(refinement: settings, guideWidth: model.inputWidth, guideHeight: model.inputHeight)
    }
}
