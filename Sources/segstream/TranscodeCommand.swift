import ArgumentParser
import Pipeline
import VideoIO

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

    func run() throws {
        var readerOptions = ReaderOptions()
        readerOptions.decodeThreads = runOptions.decodeThreads
        range.apply(to: &readerOptions)
        let source = try VideoSource(url: input, options: readerOptions)
        var writerOptions = encoding.writerOptions
        writerOptions.timeOrigin = range.from?.seconds ?? 0
        let sink = try VideoSink(path: output, source: source.reader.info, options: writerOptions)
        let runner = PipelineRunner(source: source, stages: [sink], queueCapacity: runOptions.queueCapacity)
        try runOptions.execute(runner) {
            (source.reader.damage.map { ["\(input): \($0)"] } ?? []) + sink.writer.warnings
        }
    }
}
