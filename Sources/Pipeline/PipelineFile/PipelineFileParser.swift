import Foundation
import Segmentation

/// Reads a pipeline file into a `PipelineSpec`, validating every key and value; errors name the
/// file, line and key.
///
/// ```yaml
/// input: fixtures/videos/dashcam-sample.mp4
/// model: fixtures/models/roadseg.onnx     # optional: the bundled model
/// decode: {threads: 2, from: 0, to: 10}
/// queues: {capacity: 8, policy: block}    # or dropOldest, for live sources
/// stages:
///   - preprocess
///   - infer: {batch: 2}
///   - overlay: {alpha: 0.5, contours: true}
///   - video: {path: out/dashcam.mp4, preset: veryfast}
///   - json: {path: out/dashcam.jsonl, rle: true}
/// ```
public enum PipelineFileParser {
    /// Overrides from the command line: `input` and `output` replace the input and the first
    /// sink's path; `settings` are `key=value` with dotted keys (`infer.batch=4`, `decode.to=5`).
    public struct Overrides: Sendable {
        public var input: String?
        public var output: String?
        public var settings: [String] = []
        public init() {}
    }

    public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]

    /// Reads and validates the pipeline file at `path`.
    public static func load(path: String, overrides: Overrides = Overrides()) throws -> PipelineSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineFileError(file: path, line: nil, "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, overrides: overrides)
    }

    /// Validates pipeline-file `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String, overrides: Overrides = Overrides()) throws -> PipelineSpec {
        var tree = try ConfigTree.parse(text, file: file)
        for setting in overrides.settings { try apply(setting, to: &tree, file: file) }
        if let input = overrides.input { _ = tree.set(["input"], to: input) }
        let top = try Fields(tree, context: "the pipeline", file: file)
        try top.allow(["input", "model", "size", "decode", "queues", "stages"])
        guard let input = try top.string("input") else { throw top.missing("input") }
        var spec = PipelineSpec(input: input, model: try top.string("model"), size: try top.string("size"), stages: [])
        if let size = spec.size, SegmentationModel.parseSize(size) == nil {
            throw top.invalid("size", "must look like 512x1024 (HxW)")
        }
        if let decode = try top.fields("decode") {
            try decode.allow(["threads", "from", "to", "frames"])
            spec.decode = DecodeSpec(threads: try decode.int("threads", 1...64), from: try decode.double("from", 0...),
                                     to: try decode.double("to", 0...), frames: try decode.int("frames", 1...))
            if let from = spec.decode.from, let to = spec.decode.to, to <= from { throw decode.invalid("to", "must be later than 'from'") }
        }
        if let queues = try top.fields("queues") {
            try queues.allow(["capacity", "policy"])
            spec.queues.capacity = try queues.int("capacity", 1...4096) ?? spec.queues.capacity
            if let policy = try queues.string("policy") {
                guard let value = QueuePolicy(rawValue: policy) else { throw queues.invalid("policy", "must be block or dropOldest") }
                spec.queues.policy = value
            }
        }
        spec.stages = try stages(top, file: file)
        try checkOrder(spec.stages, top: top)
        if let output = overrides.output, let first = spec.stages.firstIndex(where: \.isSink) {
            spec.stages[first] = spec.stages[first].writing(to: output)
        }
        return spec
    }

    private static func apply(_ setting: String, to tree: inout ConfigTree, file: String) throws {
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw PipelineFileError(file: file, line: 0, "'\(setting)' is not key=value")
        }
        var path = parts[0].split(separator: ".").map(String.init)
        if let stage = path.first, StageSpec.names.contains(stage) {
            guard case .mapping(var pairs, let line) = tree, let index = pairs.firstIndex(where: { $0.key == "stages" }),
                  case .sequence(var entries, let stagesLine) = pairs[index].value,
                  let entry = entries.firstIndex(where: { Self.stageName($0) == stage }) else {
                throw PipelineFileError(file: file, line: 0, "\(parts[0]): the pipeline has no '\(stage)' stage")
            }
            if case .scalar = entries[entry] { entries[entry] = .mapping([(stage, .mapping([], line: 0))], line: entries[entry].line) }
            if case .mapping(let stagePairs, _) = entries[entry], stagePairs.count == 1, case .scalar = stagePairs[0].value {
                entries[entry] = .mapping([(stage, .mapping([], line: 0))], line: entries[entry].line)
            }
            path.removeFirst()
            guard entries[entry].set([stage] + path, to: parts[1]) else {
                throw PipelineFileError(file: file, line: 0, "cannot set \(parts[0])")
            }
            pairs[index].value = .sequence(entries, line: stagesLine)
            tree = .mapping(pairs, line: line)
        } else if !tree.set(path[...], to: parts[1]) {
            throw PipelineFileError(file: file, line: 0, "cannot set \(parts[0])")
        }
    }

    private static func stageName(_ entry: ConfigTree) -> String? {
        switch entry {
        case .scalar(let name, _): return name
        case .mapping(let pairs, _): return pairs.count == 1 ? pairs[0].key : nil
        case .sequence: return nil
        }
    }

    private static func stages(_ top: Fields, file: String) throws -> [StageSpec] {
        guard let list = top.value("stages") else { throw top.missing("stages") }
        guard case .sequence(let entries, _) = list, !entries.isEmpty else {
            throw PipelineFileError(file: file, line: list.line, "'stages' must be a non-empty list")
        }
        return try entries.map { entry in
            guard let name = stageName(entry) else {
                throw PipelineFileError(file: file, line: entry.line, "a stage is a name (- preprocess) or a name with options (- infer: {batch: 2})")
            }
            var options = try Fields(.mapping([], line: entry.line), context: name, file: file)
            if case .mapping(let pairs, _) = entry, case .mapping = pairs[0].value {
                options = try Fields(pairs[0].value, context: name, file: file)
            } else if case .mapping(let pairs, _) = entry, case .scalar(let text, let line) = pairs[0].value, !text.isEmpty {
                throw PipelineFileError(file: file, line: line, "options of '\(name)' must be a mapping (key: value)")
            }
            return try stage(name, options, line: entry.line, file: file)
        }
    }

    private static func stage(_ name: String, _ o: Fields, line: Int, file: String) throws -> StageSpec {
        switch name {
        case "preprocess":
            try o.allow([])
            return .preprocess
        case "infer":
            try o.allow(["batch", "threads"])
            return .infer(batch: try o.int("batch", 1...256) ?? 2, threads: try o.int("threads", 1...256))
        case "temporal":
            try o.allow(["interval", "scene_cut", "blend", "search", "block"])
            var temporal = TemporalAggregation()
            temporal.keyframes.interval = try o.int("interval", 1...100) ?? temporal.keyframes.interval
            temporal.keyframes.sceneCut = Float(try o.double("scene_cut", 0...1) ?? Double(temporal.keyframes.sceneCut))
            temporal.blend = Float(try o.double("blend", 0...1) ?? Double(temporal.blend))
            temporal.matcher.searchRadius = try o.int("search", 0...128) ?? temporal.matcher.searchRadius
            temporal.matcher.blockSize = try o.int("block", 4...256) ?? temporal.matcher.blockSize
            return .temporal(temporal)
        case "refine":
            try o.allow(["radius", "epsilon", "weight", "iterations", "subsampling"])
            var refinement = EdgeRefinement()
            refinement.radius = try o.int("radius", 1...64) ?? refinement.radius
            refinement.epsilon = Float(try o.double("epsilon", 1e-6...1) ?? Double(refinement.epsilon))
            refinement.weight = Float(try o.double("weight", 0...100) ?? Double(refinement.weight))
            refinement.iterations = try o.int("iterations", 1...10) ?? refinement.iterations
            refinement.subsampling = try o.int("subsampling", 1...8) ?? refinement.subsampling
            return .refine(refinement)
        case "overlay":
            try o.allow(["alpha", "contours", "legend", "palette"])
            return .overlay(alpha: try o.double("alpha", 0...1) ?? 0.5, contours: try o.bool("contours") ?? false,
                            legend: try o.bool("legend") ?? false, palette: try o.string("palette"))
        case "video":
            try o.allow(["path", "preset", "crf", "threads"])
            let preset = try o.string("preset") ?? "medium"
            guard presets.contains(preset) else { throw o.invalid("preset", "must be one of \(presets.joined(separator: ", "))") }
            return .video(path: try o.required("path"), preset: preset, crf: try o.int("crf", 0...51) ?? 23, threads: try o.int("threads", 0...64) ?? 0)
        case "labels":
            try o.allow(["path"])
            return .labels(path: try o.required("path"))
        case "pngs":
            try o.allow(["folder"])
            return .pngs(folder: try o.required("folder"))
        case "json":
            try o.allow(["path", "rle"])
            return .json(path: try o.required("path"), rle: try o.bool("rle") ?? false)
        case "clips":
            try o.allow(["folder", "when", "min", "pre", "post", "preset", "crf"])
            var clips = ClipsSpec(folder: try o.required("folder"), when: try o.required("when"))
            clips.minimum = try o.double("min", 0...) ?? clips.minimum
            clips.pre = try o.double("pre", 0...) ?? clips.pre
            clips.post = try o.double("post", 0...) ?? clips.post
            clips.preset = try o.string("preset") ?? clips.preset
            guard presets.contains(clips.preset) else { throw o.invalid("preset", "must be one of \(presets.joined(separator: ", "))") }
            clips.crf = try o.int("crf", 0...51) ?? clips.crf
            return .clips(clips)
        default:
            throw PipelineFileError(file: file, line: line, "unknown stage '\(name)'; stages are \(StageSpec.names.joined(separator: ", "))")
        }
    }

    private static func checkOrder(_ stages: [StageSpec], top: Fields) throws {
        var preprocessed = false, inferred = false
        for (index, stage) in stages.enumerated() {
            switch stage {
            case .preprocess: preprocessed = true
            case .infer:
                guard preprocessed else { throw top.invalid("stages", "'infer' needs 'preprocess' before it") }
                inferred = true
            case .temporal:
                guard index > 0, case .infer = stages[index - 1] else {
                    throw top.invalid("stages", "'temporal' must come right after 'infer'")
                }
            case .refine:
                guard index > 0, ["infer", "temporal"].contains(stages[index - 1].name) else {
                    throw top.invalid("stages", "'refine' must come right after 'infer' or 'temporal'")
                }
            default:
                if stage.needsLabels && !inferred { throw top.invalid("stages", "'\(stage.name)' needs 'infer' before it") }
            }
        }
        guard stages.contains(where: \.isSink) else {
            throw top.invalid("stages", "no output: add video, labels, pngs, json or clips")
        }
    }
}

extension StageSpec {
    static let names = ["preprocess", "infer", "temporal", "refine", "overlay", "video", "labels", "pngs", "json", "clips"]

    /// The same sink writing to `path` instead.
    func writing(to path: String) -> StageSpec {
        switch self {
        case .video(_, let preset, let crf, let threads): return .video(path: path, preset: preset, crf: crf, threads: threads)
        case .labels: return .labels(path: path)
        case .pngs: return .pngs(folder: path)
        case .json(_, let rle): return .json(path: path, rle: rle)
        case .clips(var clips):
            clips.folder = path
            return .clips(clips)
        case .preprocess, .infer, .temporal, .refine, .overlay: return self
        }
    }
}
