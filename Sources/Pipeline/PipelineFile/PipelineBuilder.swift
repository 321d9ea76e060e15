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
        (source.reader.damage.map { ["\(source.reader.info.url): \($0)"] } ?? []) + sinkWarnings.flatMap { $0() }
    }
}

/// Turns a `PipelineSpec` into stages: opens the input, loads the model when a stage needs it,
/// and creates every sink.
public enum PipelineBuilder {
    /// Builds `spec`.
    /// - Throws: the first error opening the input, the model, a palette or an output.
    public static func build(_ spec: PipelineSpec) throws -> BuiltPipeline {
        var readerOptions = ReaderOptions()
        if let threads = spec.decode.threads { readerOptions.decodeThreads = threads }
        readerOptions.start = spec.decode.from
        readerOptions.end = spec.decode.to
        readerOptions.maxFrames = spec.decode.frames
        let source = try VideoSource(url: spec.input, options: readerOptions)
        let info = source.reader.info
        let origin = spec.decode.from ?? 0
        let model = try loadModel(spec)
        var labels = model?.labels ?? LabelSet.cityscapes
        if let palette = spec.stages.lazy.compactMap(\.palette).first { labels = try labels.recoloured(byFile: palette) }
        var stages: [Stage] = []
        var warnings: [() -> [String]] = []
        for stage in spec.stages {
            if let path = stage.outputPath { try createFolder(of: path) }
            switch stage {
            case .preprocess:
                stages.append(try PreprocessStage(model: try require(model), keepsGuide: spec.refines, keyframes: spec.temporal?.keyframes))
            case .infer(let batch, _):
                stages.append(InferenceStage(model: try require(model), batchSize: batch, keepsScores: spec.keepsScores))
            case .temporal(let settings):
                let model = try require(model)
                stages.append(TemporalStage(settings, guideWidth: model.inputWidth, guideHeight: model.inputHeight,
                                            carriesScores: spec.keepsScores, givesScores: spec.refines))
            case .refine(let refinement):
                let model = try require(model)
                stages.append(RefineStage(refinement: refinement, guideWidth: model.inputWidth, guideHeight: model.inputHeight))
            case .overlay(let alpha, let contours, let legend, _):
                stages.append(try OverlayStage(labels: labels, alpha: alpha, contours: contours,
                                               legendHeight: legend ? OverlayStage.legendTextHeight(frameHeight: info.video.height) : nil))
            case .video(let path, let preset, let crf, let threads):
                var options = WriterOptions()
                options.preset = preset
                options.crf = crf
                options.encodeThreads = threads
                options.timeOrigin = origin
                let sink = try VideoSink(path: path, source: info, options: options)
                stages.append(sink)
                warnings.append { sink.writer.warnings }
            case .labels(let path):
                let sink = try LabelVideoSink(path: path, source: info, timeOrigin: origin)
                stages.append(sink)
                warnings.append { sink.writer.warnings }
            case .pngs(let folder):
                stages.append(try LabelPNGSink(folder: folder, labels: labels, source: info))
            case .json(let path, let rle):
                stages.append(try JSONLinesSink(path: path, model: try require(model), labels: labels, source: info, rle: rle))
            case .clips(let clips):
                let trigger: ClipTrigger
                do { trigger = try ClipTrigger(parsing: clips.when, labels: labels) } catch let error as ClipTriggerError {
                    throw PipelineError("clips: \(error)")
                }
                var options = WriterOptions()
                options.preset = clips.preset
                options.crf = clips.crf
                let sink = try ClipSink(folder: clips.folder, trigger: trigger, minimum: clips.minimum, pre: clips.pre,
                                        post: clips.post, source: info, options: options)
                stages.append(sink)
                warnings.append { sink.warnings }
            }
        }
        let runner = PipelineRunner(source: source, stages: stages, queueCapacity: spec.queues.capacity, queuePolicy: spec.queues.policy)
        return BuiltPipeline(runner: runner, source: source, sinkWarnings: warnings)
    }

    private static func loadModel(_ spec: PipelineSpec) throws -> SegmentationModel? {
        guard spec.stages.contains(where: { $0.name == "infer" || $0.name == "preprocess" }) else { return nil }
        let threads = spec.stages.lazy.compactMap { stage -> Int? in
            if case .infer(_, let threads) = stage { return threads } else { return nil }
        }.first
        let url = try spec.model.map { URL(fileURLWithPath: $0) } ?? BundledModel.url()
        return try SegmentationModel(url: url, size: spec.size.flatMap(SegmentationModel.parseSize), threads: threads,
                                     keepsScores: spec.keepsScores)
    }

    /// Creates the folder an output goes into, as pipeline files name folders like `out/`.
    private static func createFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw PipelineError("\(path): cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
    }

    private static func require(_ model: SegmentationModel?) throws -> SegmentationModel {
        guard let model else { throw PipelineError("this stage needs a model") }
        return model
    }
}

extension StageSpec {
    /// The file a sink writes (for folders of files: a path inside the folder).
    var outputPath: String? {
        switch self {
        case .video(let path, _, _, _), .labels(let path), .json(let path, _): return path
        case .pngs(let folder): return folder + "/"
        case .clips(let clips): return clips.folder + "/"
        case .preprocess, .infer, .temporal, .refine, .overlay: return nil
        }
    }

    var palette: String? {
        if case .overlay(_, _, _, let palette) = self { return palette } else { return nil }
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
