import Inference
import Segmentation

/// A pipeline as declared in a pipeline file (`pipelines/*.yaml`), after validation.
public struct PipelineSpec: Sendable {
    /// Video file or URL to read.
    public var input: String
    /// ONNX model path; nil for the bundled model.
    public var model: String?
    /// Model input size, for models whose size is not fixed.
    public var size: ModelSize?
    public var decode = DecodeSpec()
    public var queues = QueueSpec()
    public var stages: [any StageSpec]

    public init(input: String, model: String? = nil, size: ModelSize? = nil, stages: [any StageSpec]) {
        self.input = input
        self.model = model
        self.size = size
        self.stages = stages
    }
}

/// `decode:` — reader settings and the part of the input to process.
public struct DecodeSpec: Sendable {
    public var threads: Int?
    public var from: Double?
    public var to: Double?
    public var frames: Int?
}

/// `queues:` — the queues between stages.
public struct QueueSpec: Sendable {
    public var capacity = 8
    public var policy = QueuePolicy.block
}
