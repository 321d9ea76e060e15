import ArgumentParser
import Foundation
import Pipeline
import Segmentation
import VideoIO

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment a video: colour overlay video, lossless label video and/or frame-level JSON.",
        discussion: """
            decode → preprocess (scale to the model size, normalise) → batched inference → argmax → \
            labels scaled to the frame → overlay → H.264. Audio, rotation and timestamps are kept.
            """
    )

    @Argument(help: "Video file or URL (rtsp://, http://).")
    var input: String

    @Option(name: .shortAndLong, help: "Overlay video (.mp4, .mov or .mkv). Default: INPUT-NAME.segmented.mp4 here, unless another output is given.")
    var output: String?

    @Option(help: "Label video: FFV1 gray8 in MKV, pixel value = class id, same timestamps.")
    var labelsOut: String?

    @Option(help: "Folder for one 8-bit palette PNG of labels per frame (000000.png, ...; pixel value = class id).")
    var labelsPng: String?

    @Option(help: "Frame-level JSON Lines: a header line, then per frame the classes present with pixel counts, area, box and components.")
    var json: String?

    @Flag(help: "With --json, add each class mask as COCO RLE (pycocotools' compact counts).")
    var rle = false

    @Option(help: "Overlay colour weight, 0 to 1.")
    var alpha = 0.5

    @Flag(help: "Draw class boundaries in full colour on the overlay.")
    var contours = false

    @Option(help: "Palette JSON: a list of [r, g, b] by class id, or {\"class name\": [r, g, b]} (default: the model's).")
    var palette: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var encoding: EncodingOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard (0...1).contains(alpha) else { throw ValidationError("--alpha must be between 0 and 1") }
        if rle && json == nil { throw ValidationError("--rle needs --json OUT.jsonl") }
    }

    /// The overlay path: the one given, none when only labels were asked for, else a default.
    private var overlayPath: String? {
        if let output { return output }
        if labelsOut != nil || labelsPng != nil || json != nil { return nil }
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        return "\(stem.isEmpty ? "output" : stem).segmented.mp4"
    }

    /// The model's classes, recoloured by `--palette` when given.
    private func labels(of model: SegmentationModel) throws -> LabelSet {
        guard let palette else { return model.labels }
        guard let data = FileManager.default.contents(atPath: palette) else {
            throw PipelineError("\(palette): cannot read the palette file")
        }
        do {
            return try model.labels.recoloured(byJSON: data)
        } catch let error as PaletteError {
            throw PipelineError("\(palette): \(error)")
        }
    }

    func run() throws {
        let model = try modelOptions.load()
        let labels = try labels(of: model)
        var readerOptions = ReaderOptions()
        readerOptions.decodeThreads = runOptions.decodeThreads
        range.apply(to: &readerOptions)
        let source = try VideoSource(url: input, options: readerOptions)
        let info = source.reader.info
        let origin = range.from?.seconds ?? 0
        var stages: [Stage] = [try PreprocessStage(model: model), InferenceStage(model: model, batchSize: modelOptions.batch)]
        var sinks: [(VideoWriter)] = []
        if let labelsOut {
            let sink = try LabelVideoSink(path: labelsOut, source: info, timeOrigin: origin)
            stages.append(sink)
            sinks.append(sink.writer)
        }
        if let labelsPng {
            stages.append(try LabelPNGSink(folder: labelsPng, labels: labels, source: info))
        }
        if let json {
            stages.append(try JSONLinesSink(path: json, model: model, labels: labels, source: info, rle: rle))
        }
        if let overlayPath {
            var options = encoding.writerOptions
            options.timeOrigin = origin
            let sink = try VideoSink(path: overlayPath, source: info, options: options)
            stages += [try OverlayStage(labels: labels, alpha: alpha, contours: contours), sink]
            sinks.append(sink.writer)
        }
        let runner = PipelineRunner(source: source, stages: stages, queueCapacity: runOptions.queueCapacity)
        try runOptions.execute(runner) {
            (source.reader.damage.map { ["\(input): \($0)"] } ?? []) + sinks.flatMap(\.warnings)
        }
    }
}
