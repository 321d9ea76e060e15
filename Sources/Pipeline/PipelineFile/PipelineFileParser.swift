import Foundation
import Inference
import Segmentation
import VideoIO

/// Reads a pipeline file into a `PipelineSpec`, validating every key and value; errors name the
/// file, line and key. Stages are checked against each other's contracts
/// (`PipelineSpec.contracts()`): a stage that would find no labels, no overlay picture or no
/// model input where it stands is refused with its line.
///
/// ```yaml
/// input: fixtures/videos/dashcam-sample.mp4
/// model: fixtures/models/roadseg.onnx     # optional: the bundled model
/// decode: {threads: 2, from: 0, to: 10}       # preroll: 1 (s decoded before from, left out of outputs)
///                                         # live streams: stall_timeout: 5, reconnect_window: 60
/// queues: {capacity: 8, policy: block}    # default: 2 and dropOldest for live streams, 8 and block for files
/// split_every: 600                        # seconds of media per output piece (paths take {n}, %Y%m%d-%H%M%S)
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
        try top.allow(["input", "model", "size", "decode", "queues", "split_every", "stages"])
        guard let input = try top.string("input") else { throw top.missing("input") }
        var spec = PipelineSpec(input: input, model: try top.string("model"), stages: [])
        spec.splitEvery = try top.double("split_every", 1...)
        if let size = try top.string("size") {
            guard let parsed = ModelSize(size) else { throw top.invalid("size", ModelSize.expected) }
            spec.size = parsed
        }
        if let decode = try top.fields("decode") {
            try decode.allow(["threads", "from", "to", "frames", "preroll", "rtsp_transport", "stall_timeout", "reconnect_window"])
            spec.decode = DecodeSpec(threads: try decode.int("threads", 1...64), from: try decode.double("from", 0...),
                                     to: try decode.double("to", 0...), frames: try decode.int("frames", 1...))
            if let transport = try decode.string("rtsp_transport") {
                guard let value = RTSPTransport(rawValue: transport) else { throw decode.invalid("rtsp_transport", "must be tcp or udp") }
                spec.decode.rtspTransport = value
            }
            spec.decode.preroll = try decode.double("preroll", 0...3600)
            spec.decode.stallTimeout = try decode.double("stall_timeout", 0.1...3600) ?? spec.decode.stallTimeout
            spec.decode.reconnectWindow = try decode.double("reconnect_window", 0...) ?? spec.decode.reconnectWindow
            if let from = spec.decode.from, let to = spec.decode.to, to <= from { throw decode.invalid("to", "must be later than 'from'") }
        }
        if let queues = try top.fields("queues") {
            try queues.allow(["capacity", "policy"])
            spec.queues.capacity = try queues.int("capacity", 1...4096)
            if let policy = try queues.string("policy") {
                guard let value = QueuePolicy(rawValue: policy) else { throw queues.invalid("policy", "must be block or dropOldest") }
                spec.queues.policy = value
            }
        }
        let (stages, lines) = try stages(top, file: file)
        spec.stages = stages
        do { _ = try spec.contracts() } catch {
            throw PipelineFileError(file: file, line: error.stage.map { lines[$0] } ?? top.value("stages")?.line, error.description)
        }
        if let output = overrides.output, let first = spec.stages.firstIndex(where: { $0 is any SinkSpec }),
           var sink = spec.stages[first] as? any SinkSpec {
            sink.path = output
            spec.stages[first] = sink
        }
        return spec
    }

    private static func apply(_ setting: String, to tree: inout ConfigTree, file: String) throws {
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw PipelineFileError(file: file, line: 0, "'\(setting)' is not key=value")
        }
        var path = parts[0].split(separator: ".").map(String.init)
        if let stage = path.first, StageRegistry.names.contains(stage) {
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

    /// The stages, with the line of each.
    private static func stages(_ top: Fields, file: String) throws -> ([any StageSpec], lines: [Int]) {
        guard let list = top.value("stages") else { throw top.missing("stages") }
        guard case .sequence(let entries, _) = list, !entries.isEmpty else {
            throw PipelineFileError(file: file, line: list.line, "'stages' must be a non-empty list")
        }
        let stages = try entries.map { entry in
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
        return (stages, entries.map(\.line))
    }

    private static func stage(_ name: String, _ options: Fields, line: Int, file: String) throws -> any StageSpec {
        guard var spec = StageRegistry.stage(named: name) else {
            throw PipelineFileError(file: file, line: line, "unknown stage '\(name)'; stages are \(StageRegistry.names.joined(separator: ", "))")
        }
        try options.allow(type(of: spec).keys)
        try spec.read(options)
        do { try spec.validate() } catch { throw options.invalid(error.key, error.reason) }
        return spec
    }
}
