import Segmentation

/// A pipeline as declared in a pipeline file (`pipelines/*.yaml`), after validation.
public struct PipelineSpec: Sendable {
    /// Video file or URL to read.
    public var input: String
    /// ONNX model path; nil for the bundled model.
    public var model: String?
    /// Model input size "HxW", for models whose size is not fixed.
    public var size: String?
    public var decode = DecodeSpec()
    public var queues = QueueSpec()
    public var stages: [StageSpec]

    public init(input: String, model: String? = nil, size: String? = nil, stages: [StageSpec]) {
        self.input = input
        self.model = model
        self.size = size
        self.stages = stages
    }

    /// Whether a `refine` stage runs.
    var refines: Bool { stages.contains { $0.name == "refine" } }

    /// The `temporal` stage's settings, when it runs.
    var temporal: TemporalAggregation? {
        stages.lazy.compactMap { stage -> TemporalAggregation? in
            if case .temporal(let settings) = stage { settings } else { nil }
        }.first
    }

    /// Whether inference keeps the class scores, for `refine` or for a `temporal` stage that blends keyframes.
    var keepsScores: Bool { refines || (temporal.map { $0.blend < 1 } ?? false) }
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

/// One entry of `stages:`.
public enum StageSpec: Sendable {
    case preprocess
    case infer(batch: Int, threads: Int?)
    case temporal(TemporalAggregation)
    case refine(EdgeRefinement)
    case overlay(alpha: Double, contours: Bool, legend: Bool, palette: String?)
    case video(path: String, preset: String, crf: Int, threads: Int)
    case labels(path: String)
    case pngs(folder: String)
    case json(path: String, rle: Bool)
    case clips(ClipsSpec)

    /// The stage's name in pipeline files.
    public var name: String {
        switch self {
        case .preprocess: "preprocess"
        case .infer: "infer"
        case .temporal: "temporal"
        case .refine: "refine"
        case .overlay: "overlay"
        case .video: "video"
        case .labels: "labels"
        case .pngs: "pngs"
        case .json: "json"
        case .clips: "clips"
        }
    }

    /// Whether the stage writes an output (a sink).
    var isSink: Bool {
        switch self {
        case .video, .labels, .pngs, .json, .clips: true
        case .preprocess, .infer, .temporal, .refine, .overlay: false
        }
    }

    /// Whether the stage needs labels from `infer` before it.
    var needsLabels: Bool {
        switch self {
        case .overlay, .labels, .pngs, .json, .clips: true
        case .preprocess, .infer, .temporal, .refine, .video: false
        }
    }
}

/// `clips:` — one annotated clip per event where a class's area share exceeds a threshold.
public struct ClipsSpec: Sendable {
    public var folder: String
    /// The trigger, `NAME>FRACTION` (e.g. `person>0.02`).
    public var when: String
    /// Seconds the trigger must hold; seconds of padding before and after an event.
    public var minimum: Double = 1
    public var pre: Double = 2
    public var post: Double = 2
    public var preset = "medium"
    public var crf = 23

    public init(folder: String, when: String) {
        self.folder = folder
        self.when = when
    }
}
