import ArgumentParser
import Foundation
import Pipeline
import VideoIO

/// Which part of the input to process.
struct RangeOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: "Start time (seconds or [hh:]mm:ss); frame-accurate.")
    var from: TimeArgument?

    @Option(name: .customLong("to"), help: "End time, exclusive (seconds or [hh:]mm:ss).")
    var to: TimeArgument?

    @Option(help: "Process at most this many frames.")
    var frames: Int?

    @Option(help: ArgumentHelp("With --from: also decode this much before it to warm up temporal aggregation, leaving those frames out of the outputs (default: 1s with temporal options, else 0).", valueName: "duration"))
    var preroll: DurationArgument?

    func validate() throws {
        if let frames, frames <= 0 { throw ValidationError("--frames must be a positive number") }
        if let from, let to, to.seconds <= from.seconds {
            throw ValidationError("--to (\(to.seconds) s) must be later than --from (\(from.seconds) s)")
        }
    }

    func apply(to decode: inout DecodeSpec) {
        decode.from = from?.seconds
        decode.to = to?.seconds
        decode.frames = frames
        decode.preroll = preroll?.seconds
    }
}

/// Whether outputs are cut into pieces by media time.
struct SplitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Cut every output into pieces of this much media time (e.g. 10min, 600s), each finished and moved into place when the next starts; paths take {n} (piece number) and strftime fields (%Y%m%d-%H%M%S, the piece's wall-clock start), else get -{n} before the extension.", valueName: "duration"))
    var splitEvery: DurationArgument?

    func validate() throws {
        if let splitEvery, splitEvery.seconds < 1 { throw ValidationError("--split-every must be at least 1s") }
    }

    func apply(to spec: inout PipelineSpec) {
        spec.splitEvery = splitEvery?.seconds
    }
}

/// How the output video is encoded. `--encode-threads` 0 (x264 decides) is a measured default
/// (BENCHMARKS.md, "Defaults"): one x264 thread was not faster.
struct EncodingOptions: ParsableArguments {
    @Option(help: "x264 preset: \(x264Presets.joined(separator: ", ")).")
    var preset = VideoSpec(path: "").preset

    @Option(help: "x264 constant rate factor (0-51, lower is better).")
    var crf = VideoSpec(path: "").crf

    @Option(help: "Encoder threads (0: the encoder decides).")
    var encodeThreads = VideoSpec(path: "").threads

    func validate() throws {
        try videoStage(path: "").validate(flags: ["preset": "--preset", "crf": "--crf", "threads": "--encode-threads"])
    }

    /// A `video` stage writing to `path`; `overlaid` false encodes the decoded picture.
    func videoStage(path: String, overlaid: Bool = true) -> VideoSpec {
        VideoSpec(path: path, preset: preset, crf: crf, threads: encodeThreads, overlaid: overlaid)
    }
}

/// How a pipeline runs and reports. `--decode-threads` = all cores is a measured default
/// (BENCHMARKS.md, "Defaults"): one thread was not faster; `--queue-capacity` 8 was not varied.
struct RunOptions: ParsableArguments {
    @Option(help: "Decoder threads.")
    var decodeThreads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Items each queue between stages holds (default: 8 for files, 2 for live streams).")
    var queueCapacity: Int?

    @Flag(help: "When a queue is full, drop the oldest item instead of waiting (drops are counted); the default for live streams (rtsp://, rtmp://, srt://, udp://).")
    var dropOldest = false

    @Flag(help: "Live streams too: when a queue is full, wait instead of dropping.")
    var noDrop = false

    @Option(help: "How RTSP media travels: tcp or udp.")
    var rtspTransport = RTSPTransport.tcp

    @Option(help: "Live streams: time without data (or to answer when connecting) after which the stream counts as lost, e.g. 5s, 500ms.")
    var stallTimeout = DurationArgument(seconds: DecodeSpec().stallTimeout)

    @Option(help: "Live streams: how long a lost stream is given to come back, reconnecting with backoff (0.5 s to 5 s); then the run ends with exit 1.")
    var reconnectWindow = DurationArgument(seconds: DecodeSpec().reconnectWindow)

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard decodeThreads > 0 else { throw ValidationError("--decode-threads must be at least 1") }
        if let queueCapacity, queueCapacity <= 0 { throw ValidationError("--queue-capacity must be at least 1") }
        if dropOldest && noDrop { throw ValidationError("--drop-oldest and --no-drop contradict each other") }
        guard stallTimeout.seconds >= 0.1 else { throw ValidationError("--stall-timeout must be at least 100ms") }
    }

    func apply(to spec: inout PipelineSpec) {
        spec.decode.threads = decodeThreads
        spec.queues.capacity = queueCapacity
        if dropOldest { spec.queues.policy = .dropOldest }
        if noDrop { spec.queues.policy = .block }
        spec.decode.rtspTransport = rtspTransport
        spec.decode.stallTimeout = stallTimeout.seconds
        spec.decode.reconnectWindow = reconnectWindow.seconds
    }

    func run(_ spec: PipelineSpec) throws {
        try segstream.run(spec, report: report)
    }
}

/// How a run reports: progress, statistics, metrics.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print per-stage busy time and queue statistics at the end.")
    var stats = false

    @Flag(name: .shortAndLong, help: "Hide the progress line (warnings and errors still show).")
    var quiet = false

    @Option(help: ArgumentHelp("Serve /metrics (Prometheus text format) and /healthz (200 while frames arrive, 503 while stalled or reconnecting) over HTTP while running.", valueName: "host:port"))
    var metrics: ListenAddress?
}

/// Builds and runs `spec` with SIGINT and SIGTERM handling (the frames in flight finish and every
/// output is finalised; a second signal abandons the queued frames) and progress, then prints
/// warnings and statistics. Reconnect attempts of a live input are warned of as they happen.
/// With `--metrics`, the endpoint listens from before the input is opened until the run ends.
/// - Throws: the run's first error; `ExitCode(130)` after SIGINT, `ExitCode(143)` after SIGTERM;
///   `PipelineError` when a live input was lost for good (after its outputs were finalised).
func run(_ spec: PipelineSpec, report options: ReportOptions) throws {
    let service = try options.metrics.map(MetricsService.init)
    defer { service?.stop() }
    let pipeline = try PipelineBuilder.build(spec) { printError("warning: \($0)") }
    let runner = pipeline.runner
    service?.attach(PipelineMetrics(runner: runner, source: pipeline.source, stallTimeout: spec.decode.stallTimeout))
    let interrupt = InterruptSignal { runner.interrupt() }
    let progress = ProgressLine(quiet: options.quiet, expectedFrames: runner.expectedFrames) { runner.framesCompleted }
    let result = Result { try runner.run() }
    progress?.stop()
    withExtendedLifetime(interrupt) {}
    for warning in pipeline.warnings { printError("warning: \(warning)") }
    let report = try result.get()
    let dropped = report.queues.reduce(0) { $0 + $1.dropped }
    if dropped > 0 { printError("warning: \(dropped) item(s) were dropped by full queues (dropOldest); see --stats") }
    let lostInNetwork = LibavLog.lostNetworkPackets
    if lostInNetwork > 0 { printError("warning: \(lostInNetwork) RTP packet(s) were lost in the network or a full socket buffer") }
    if options.stats {
        printError(report.table)
        if isLiveStream(spec.input) {
            printError("reconnects: \(pipeline.source.reconnects); RTP packets lost: \(lostInNetwork); decode errors: \(pipeline.source.reader.decodeErrors)")
        }
    }
    if report.ending == .interrupted {
        let signal = interrupt.received == SIGTERM ? "SIGTERM" : "SIGINT"
        printError("interrupted (\(signal)) after \(report.frames) frames")
        throw ExitCode(interrupt.exitStatus ?? 130)
    }
    if let failure = pipeline.source.failure { throw PipelineError(failure) }
}

extension StageSpec {
    /// `validate()`, naming the offending option as the command line spells it (`flags` maps
    /// pipeline-file keys to options; others become `--KEY`).
    func validate(flags: [String: String]) throws {
        do { try validate() } catch { throw ValidationError("\(flags[error.key] ?? "--\(error.key)") \(error.reason)") }
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
}

extension RTSPTransport: ExpressibleByArgument {}
