import Foundation
import Segmentation
import VideoIO

/// What a `StageSpec` makes its stage from: the opened input, the model (loaded when a stage
/// first asks for it), the label set, and the pipeline's other stages.
public final class StageContext {
    /// The input's streams.
    public let info: MediaInfo
    /// Seconds of input skipped before the first frame (the pipeline's `decode.from`).
    public let timeOrigin: Double
    /// Every stage of the pipeline, in order.
    public let stages: [any StageSpec]
    /// Seconds of media per piece of every output (`--split-every`); nil: one file each.
    public let splitEvery: Double?
    private let loadModel: () throws -> SegmentationModel
    private var model: SegmentationModel?
    private var labelSet: LabelSet?
    private(set) var warnings: [() -> [String]] = []

    init(info: MediaInfo, timeOrigin: Double, stages: [any StageSpec], splitEvery: Double?,
         loadModel: @escaping () throws -> SegmentationModel) {
        self.info = info
        self.timeOrigin = timeOrigin
        self.stages = stages
        self.splitEvery = splitEvery
        self.loadModel = loadModel
    }

    /// The pipeline's model, loaded on first use.
    /// - Throws: errors loading the model (`SegmentationModel.init`).
    public func segmentationModel() throws -> SegmentationModel {
        if let model { return model }
        let loaded = try loadModel()
        model = loaded
        return loaded
    }

    /// The model's classes, recoloured by the overlay's palette file when it names one (read
    /// once, for every stage that asks).
    public func labels() throws -> LabelSet {
        if let labelSet { return labelSet }
        var labels = try segmentationModel().labels
        if let palette = first(OverlaySpec.self)?.palette { labels = try labels.recoloured(byFile: palette) }
        labelSet = labels
        return labels
    }

    /// The first stage of type `type` in the pipeline.
    public func first<T: StageSpec>(_ type: T.Type) -> T? {
        stages.lazy.compactMap { $0 as? T }.first
    }

    /// The paths of the pieces of the output at `path` when outputs are split (never standard
    /// output, `-`); nil otherwise.
    public func naming(of path: String) -> PieceNaming? {
        splitEvery != nil && path != "-" ? PieceNaming(splitting: path) : nil
    }

    /// Adds warnings a stage reports after the run (one line each).
    public func reportWarnings(_ warnings: @escaping () -> [String]) {
        self.warnings.append(warnings)
    }
}
