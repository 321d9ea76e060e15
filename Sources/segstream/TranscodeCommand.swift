import ArgumentParser
import Pipeline

struct TranscodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcode",
        abstract: "Decode and re-encode a video without inference (the I/O floor).",
        discussion: "Keeps every PTS, copies audio unchanged and carries rotation."
    )

    @Argument(help: "Video file or URL (rtsp://, http://).")
    var input: String

    @Option(name: .shortAndLong, help: "Output video (.mp4, .mov or .mkv).")
    var output: String

    @OptionGroup var range: RangeOptions
    @OptionGroup var encoding: EncodingOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var split: SplitOptions

    func run() throws {
        var spec = PipelineSpec(input: input, stages: [encoding.videoStage(path: output, overlaid: false)])
        range.apply(to: &spec.decode)
        runOptions.apply(to: &spec)
        split.apply(to: &spec)
        try runOptions.run(spec)
    }
}
