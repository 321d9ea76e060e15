/// Runs the model on batches of frames and attaches each frame's labels at picture size.
///
/// Takes: `.frame` with `modelInput`. Gives: the same frames, in order, with `labels` set
/// (argmax of the class scores, scaled to the picture by nearest neighbour). Items wait until
/// `batchSize` frames are gathered; audio packets wait with them so order is kept. The last,
/// partial batch runs at close.
///
/// ```yaml
/// - stage: infer
///   batch: 4
/// ```
public final class InferenceStage: Stage {
    public let name = "infer"
    private let model: SegmentationModel
    private let batchSize: Int
    private var pending: [PipelineItem] = []
    private var pendingFrames: [FrameItem] = []

    public init(model: SegmentationModel, batchSize: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        self.model = model
        self.batchSize = batchSize
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        pending.append(item)
        if case .frame(let frame) = item { pendingFrames.append(frame) }
        if pendingFrames.count == batchSize { try flush(emit: emit) }
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        if ending != .failed { try flush(emit: emit) }
    }

    private func flush(emit: (PipelineItem) throws -> Void) throws {
        if !pendingFrames.isEmpty {
            let inputs = pendingFrames.map { $0.modelInput ?? [] }
            for (frame, labels) in zip(pendingFrames, try model.labels(for: inputs)) {
                frame.labels = labels.resized(width: frame.picture.width, height: frame.picture.height)
                frame.modelInput = nil
            }
        }
        let items = pending
        pending.removeAll(keepingCapacity: true)
        pendingFrames.removeAll(keepingCapacity: true)
        for item in items { try emit(item) }
    }
}
