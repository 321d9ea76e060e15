import ArgumentParser
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file (pipelines/*.yaml).",
        discussion: "--set takes dotted keys: input, model, size, decode.threads|from|to|frames|preroll|rtsp_transport|stall_timeout|reconnect_window, queues.capacity|policy, split_every, and STAGE.OPTION (infer.batch=4, overlay.alpha=0.3, video.preset=fast)."
    )

    @Argument(help: "Pipeline file (YAML).")
    var pipeline: String

    @Option(help: "Input video or URL, replacing the file's 'input'.")
    var input: String?

    @Option(name: .shortAndLong, help: "Path of the first output stage, replacing the file's.")
    var output: String?

    @Option(name: .customLong("set"), help: "Override a setting: key=value (repeatable).")
    var settings: [String] = []

    @OptionGroup var report: ReportOptions

    func run() throws {
        var overrides = PipelineFileParser.Overrides()
        overrides.input = input
        overrides.output = output
        overrides.settings = settings
        let spec = try PipelineFileParser.load(path: pipeline, overrides: overrides)
        try segstream.run(spec, report: report)
    }
}
