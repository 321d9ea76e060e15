import Foundation
import Segmentation
import VideoIO

/// A pipeline ready to run, with what the caller reports afterwards.
public struct BuiltPipeline {
    public let runner: PipelineRunner
    public let source: VideoSource
    let sinkWarnings: [() -> [String]]

    /// Damage in the input and warnings from the sinks, one line each.
    public var warnings: [String] {
        (source.reader.damage.map { ["\(source.reader.info.displayURL): \($0)"] } ?? []) + sinkWarnings.flatMap { $0() }
    }
}

/// Turns a `PipelineSpec` into stages: opens the input, derives each stage's contract, loads the
/// model when a stage needs it, and creates every sink.
public enum PipelineBuilder {
    /// Builds `spec`.
    /// - Parameter warn: told of each reconnect attempt of a live input, while it runs.
    /// - Throws: `PipelineError` for stages that cannot work in the order given or options out of
    ///   range, and the first error opening the input, the model, a palette or an output.
    public static func build(_ spec: PipelineSpec, warn: @escaping @Sendable (String) -> Void = { _ in }) throws -> BuiltPipeline {
        let contracts: [StageContract]
        do { contracts = try spec.contracts() } catch { throw PipelineError("stages: \(error)") }
        for stage in spec.stages {
            do { try stage.validate() } catch { throw PipelineError("\(stage.name): \(error)") }
        }
        try checkDistinctOutputs(spec.stages.compactMap { $0 as? any SinkSpec }, split: spec.splitEvery != nil)
        var readerOptions = ReaderOptions()
        if let threads = spec.decode.threads { readerOptions.decodeThreads = threads }
        readerOptions.start = spec.decode.from.flatMap { $0 > 0 ? $0 : nil }
        readerOptions.end = spec.decode.to
        readerOptions.preroll = spec.decode.effectivePreroll(stages: spec.stages)
        readerOptions.maxFrames = spec.decode.frames
        readerOptions.rtspTransport = spec.decode.rtspTransport
        readerOptions.exportMotionVectors = spec.stages.contains { ($0 as? TemporalSpec)?.settings.codecMotion == true }
        let source = try VideoSource(url: spec.input, options: readerOptions, reconnect: spec.decode.reconnect, splitEvery: spec.splitEvery, warn: warn)
        let keepsScores = contracts.contains { $0.takes.contains(.scores) }
        let context = StageContext(info: source.reader.info, timeOrigin: spec.decode.from ?? 0, stages: spec.stages, splitEvery: spec.splitEvery) {
            let url = try spec.model.map { URL(fileURLWithPath: $0) } ?? BundledModel.url()
            let threads = spec.stages.lazy.compactMap { ($0 as? InferSpec)?.threads }.first ?? Self.defaultInferenceThreads(spec)
            return try SegmentationModel(url: url, size: spec.size, threads: threads, keepsScores: keepsScores)
        }
        var stages: [Stage] = []
        for (stage, contract) in zip(spec.stages, contracts) {
            if let sink = stage as? any SinkSpec, sink.path != "-", spec.splitEvery == nil {
                try createFolder(of: type(of: sink).writesFolder ? sink.path + "/" : sink.path)
            }
            stages.append(try stage.make(context, contract: contract))
            if readerOptions.preroll > 0, stage is TemporalSpec { stages.append(PrerollGate()) }
        }
        if readerOptions.preroll > 0, !spec.stages.contains(where: { $0 is TemporalSpec }) { stages.insert(PrerollGate(), at: 0) }
        let runner = PipelineRunner(source: source, stages: stages, queueCapacity: spec.queueCapacity, queuePolicy: spec.queuePolicy)
        return BuiltPipeline(runner: runner, source: source, sinkWarnings: context.warnings)
    }

    /// Inference threads when none are asked for: one core left to a `temporal` stage, which
    /// works beside inference on every frame (2 cores, held-out tuning clips: keyframe interval 3
    /// 10 % faster with one inference thread, `--smooth --refine` as fast or faster); else nil,
    /// all cores.
    static func defaultInferenceThreads(_ spec: PipelineSpec) -> Int? {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores > 1 && spec.stages.contains(where: { $0 is TemporalSpec }) ? cores - 1 : nil
    }

    /// Refuses two outputs at one path, or with one piece naming when split (before any work:
    /// each would replace the other's files).
    private static func checkDistinctOutputs(_ sinks: [any SinkSpec], split: Bool) throws {
        var seen: [String: String] = [:]
        for sink in sinks where sink.path != "-" {
            let path = split ? PieceNaming(splitting: sink.path).template : sink.path
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            if let other = seen[key] { throw PipelineError("\(sink.path): written by both '\(other)' and '\(sink.name)'; give each output its own path") }
            seen[key] = sink.name
        }
    }

}

extension LabelSet {
    /// This label set recoloured by the palette file at `path` (see `recoloured(byJSON:)`).
    /// - Throws: `PipelineError` naming the file.
    public func recoloured(byFile path: String) throws -> LabelSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError("\(path): cannot read the palette file")
        }
        do {
            return try recoloured(byJSON: data)
        } catch let error as PaletteError {
            throw PipelineError("\(path): \(error)")
        }
    }
}
