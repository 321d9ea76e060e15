import ArgumentParser
import Foundation
import Pipeline

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment a video: colour overlay video, lossless label video, label PNGs and/or frame-level JSON.",
        discussion: """
            decode → preprocess (scale to the model size, normalise) → batched inference → argmax \
            (or, with --refine, edge refinement) → labels scaled to the frame → sinks. Audio, rotation \
            and timestamps are kept.
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
    var alpha = OverlaySpec().alpha

    @Flag(help: "Draw class boundaries in full colour on the overlay.")
    var contours = false

    @Flag(help: "Draw a legend of the classes present on the overlay.")
    var legend = false

    @Option(help: "Palette JSON: a list of [r, g, b] by class id, or {\"class name\": [r, g, b]} (default: the model's).")
    var palette: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var encoding: EncodingOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var split: SplitOptions

    private var overlay: OverlaySpec { OverlaySpec(alpha: alpha, contours: contours, legend: legend, palette: palette) }

    func validate() throws {
        try overlay.validate(flags: [:])
        if rle && json == nil { throw ValidationError("--rle needs --json OUT.jsonl") }
    }

    /// The overlay path: the one given, none when another output was asked for, else a default.
    private var overlayPath: String? {
        if let output { return output }
        if labelsOut != nil || labelsPng != nil || json != nil { return nil }
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        return "\(stem.isEmpty ? "output" : stem).segmented.mp4"
    }

    /// The pipeline these options describe.
    var spec: PipelineSpec {
        var stages = modelOptions.stages
        if let labelsOut { stages.append(LabelsSpec(path: labelsOut)) }
        if let labelsPng { stages.append(PNGsSpec(folder: labelsPng)) }
        if let json { stages.append(JSONSpec(path: json, rle: rle)) }
        if let overlayPath { stages += [overlay, encoding.videoStage(path: overlayPath)] }
        var spec = PipelineSpec(input: input, model: modelOptions.model, size: modelOptions.size, stages: stages)
        range.apply(to: &spec.decode)
        runOptions.apply(to: &spec)
        split.apply(to: &spec)
        return spec
    }

    func run() throws {
        try runOptions.run(spec)
    }
}
