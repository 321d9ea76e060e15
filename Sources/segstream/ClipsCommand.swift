import ArgumentParser
import Foundation
import Pipeline

struct ClipsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clips",
        abstract: "Write one annotated clip per event where a class covers more than a share of the frame.",
        discussion: "Clips go to the output folder as clip-001.mp4, ... with index.json listing each event's start, end, peak and class."
    )

    @Argument(help: "Video file or URL (rtsp://, http://).")
    var input: String

    @Option(help: "The trigger: CLASS>AREA, e.g. person>0.02 (area share from 0 to 1).")
    var when: String

    @Option(name: .customLong("min"), help: "How long the trigger must hold (e.g. 1s, 500ms).")
    var minimum = DurationArgument(seconds: 1)

    @Option(help: "Padding before each event.")
    var pre = DurationArgument(seconds: 2)

    @Option(help: "Padding after each event.")
    var post = DurationArgument(seconds: 2)

    @Option(name: .shortAndLong, help: "Clips folder (default: INPUT-NAME.clips here).")
    var output: String?

    @Option(help: "Overlay colour weight, 0 to 1.")
    var alpha = OverlaySpec().alpha

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var encoding: EncodingOptions
    @OptionGroup var runOptions: RunOptions

    private var overlay: OverlaySpec { OverlaySpec(alpha: alpha, legend: true) }

    private var clips: ClipsSpec {
        var clips = ClipsSpec(folder: output ?? "\(URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent).clips", when: when)
        clips.minimum = minimum.seconds
        clips.pre = pre.seconds
        clips.post = post.seconds
        clips.preset = encoding.preset
        clips.crf = encoding.crf
        return clips
    }

    func validate() throws {
        try overlay.validate(flags: [:])
        try clips.validate(flags: ["min": "--min"])
    }

    func run() throws {
        var spec = PipelineSpec(input: input, model: modelOptions.model, size: modelOptions.size,
                                stages: modelOptions.stages + [overlay, clips])
        range.apply(to: &spec.decode)
        runOptions.apply(to: &spec)
        try runOptions.run(spec)
    }
}
