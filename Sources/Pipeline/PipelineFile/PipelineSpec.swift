import Inference
import Segmentation
import VideoIO

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
    /// Seconds of media per piece of every output (`split_every`); nil: one file each.
    public var splitEvery: Double?
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
    /// Seconds decoded before `from` to warm up stages that remember earlier frames, their
    /// outputs left out; nil: 1 s when a `temporal` stage follows, else none.
    public var preroll: Double?
    public var rtspTransport = RTSPTransport.tcp
    /// Seconds a live stream may go without data before it counts as lost.
    public var stallTimeout: Double = 5
    /// Seconds a lost live stream is given to come back (reconnecting with backoff).
    public var reconnectWindow: Double = 60

    public init(threads: Int? = nil, from: Double? = nil, to: Double? = nil, frames: Int? = nil) {
        self.threads = threads
        self.from = from
        self.to = to
        self.frames = frames
    }

    /// The pre-roll to decode before `from` (none without `from`).
    func effectivePreroll(stages: [any StageSpec]) -> Double {
        guard let from, from > 0 else { return 0 }
        return min(from, preroll ?? (stages.contains { $0 is TemporalSpec } ? 1 : 0))
    }

    /// How a lost live stream comes back.
    public var reconnect: ReconnectPolicy { ReconnectPolicy(stallTimeout: stallTimeout, window: reconnectWindow) }
}

/// `queues:` — the queues between stages.
public struct QueueSpec: Sendable {
    /// Items each queue holds; nil: 8 for files, 2 for live network streams.
    public var capacity: Int?
    /// nil: `dropOldest` for live network streams, `block` for files.
    public var policy: QueuePolicy?
}

extension PipelineSpec {
    /// What a full queue does: the policy given, else `dropOldest` for a live network stream
    /// (a camera does not wait; every drop is counted) and `block` for a file.
    public var queuePolicy: QueuePolicy { queues.policy ?? (isLiveStream(input) ? .dropOldest : .block) }

    /// Items each queue holds: the capacity given, else 2 for a live network stream (frames wait
    /// less: a 720p25 camera's p95 latency is 0.5 s instead of 1.1 s at 8, at the same
    /// throughput; BENCHMARKS.md, "Live latency") and 8 for a file.
    public var queueCapacity: Int { queues.capacity ?? (isLiveStream(input) ? 2 : 8) }
}
