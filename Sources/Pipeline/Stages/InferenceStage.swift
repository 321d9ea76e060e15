/// Runs the model on batches of frames and attaches each frame's labels at picture size.
///
/// Takes: `.frame` with `modelInput`. Gives: the same frames, in order, with `labels` set
/// (argmax of the class scores, scaled to the picture by nearest neighbour), or with `scores`
/// set instead when a `temporal` or `refine` stage follows and the model gives scores. Frames
/// with an `updateInput` get `updateScores` from a run at its reduced size. Items wait until
/// `batchSize` frames to run on at either size are gathered; other frames and audio packets
/// wait with them so order is kept. The last, partial batches run at close.
///
/// ```yaml
/// - infer:
///     batch: 4       # frames per inference call
///     threads: 2     # inference threads (default: all cores; one fewer with a temporal stage)
/// ```
public final class InferenceStage: Stage {
    public let name = "infer"
    private let model: SegmentationModel
    private let batchSize: Int
    private let keepsScores: Bool
    private var pending: [PipelineItem] = []
    private var pendingFrames: [FrameItem] = []
    private var pendingUpdates: [FrameItem] = []

    /// - Parameter keepsScores: attach the class scores (for temporal aggregation or refinement) instead of the labels.
    public init(model: SegmentationModel, batchSize: Int, keepsScores: Bool = false) {
        precondition(batchSize > 0, "batch size must be positive")
        self.model = model
        self.batchSize = batchSize
        self.keepsScores = keepsScores
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        pending.append(item)
        if case .frame(let frame) = item {
            if frame.inferred { pendingFrames.append(frame) } else if frame.updateInput != nil { pendingUpdates.append(frame) }
        }
        if pendingFrames.count == batchSize || pendingUpdates.count == batchSize { try flush(emit: emit) }
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        if ending != .failed { try flush(emit: emit) }
    }

    private func flush(emit: (PipelineItem) throws -> Void) throws {
        if !pendingFrames.isEmpty {
            let inputs = pendingFrames.map { $0.modelInput ?? [] }
            for (frame, output) in zip(pendingFrames, try model.outputs(for: inputs)) {
                if keepsScores, case .scores(let scores) = output {
                    frame.scores = scores
                } else {
                    frame.labels = output.labels.resized(width: frame.picture.width, height: frame.picture.height)
                }
                frame.modelInput = nil
            }
        }
        if let size = pendingUpdates.first?.updateInput?.size {
            let inputs = pendingUpdates.map { $0.updateInput?.input ?? [] }
            for (frame, output) in zip(pendingUpdates, try model.outputs(for: inputs, size: size)) {
                if case .scores(let scores) = output { frame.updateScores = scores }
                frame.updateInput = nil
            }
        }
        let items = pending
        pending.removeAll(keepingCapacity: true)
        pendingFrames.removeAll(keepingCapacity: true)
        pendingUpdates.removeAll(keepingCapacity: true)
        for item in items { try emit(item) }
    }
}

/// `infer`: frames per call and inference threads.
public struct InferSpec: FileStageSpec {
    public static let name = "infer"
    static let keys = ["batch", "threads"]
    /// Frames per inference call; 2 is the measured default (BENCHMARKS.md, "Defaults").
    public var batch = 2
    /// Inference threads; nil: all cores (one fewer with a `temporal` stage).
    public var threads: Int?

    public init(batch: Int = 2, threads: Int? = nil) {
        self.batch = batch
        self.threads = threads
    }

    mutating func read(_ options: Fields) throws {
        batch = try options.int("batch") ?? batch
        threads = try options.int("threads") ?? threads
    }

    public func validate() throws(OptionError) {
        try OptionError.check("batch", batch, in: 1...256)
        try OptionError.check("threads", threads, in: 1...256)
    }

    /// Gives class scores when a later stage takes them, else labels.
    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.modelInput], gives: later.contains(.scores) ? [.scores] : [.labels])
    }

    /// Plans the model for full batches before the run, so that a live source's first frames do
    /// not wait for it.
    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        let model = try context.segmentationModel()
        try model.prepare(batch: batch)
        return InferenceStage(model: model, batchSize: batch, keepsScores: contract.gives.contains(.scores))
    }
}
