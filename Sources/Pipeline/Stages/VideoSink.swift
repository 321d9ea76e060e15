import VideoIO

/// Sink stage: encodes frames to H.264 and copies audio packets into a video file.
///
/// Takes: `.frame` (its picture is encoded) and `.audio` (copied); passes every item on, so other
/// sinks can follow. After a `.piece` item (`--split-every`) the next frame finishes the current
/// file and starts the next. Closing after a finished or interrupted run finalises the file; after a
/// failure (or an interruption before the first frame) the partial file is removed.
///
/// ```yaml
/// - video:
///     path: out/overlay.mp4   # .mp4, .mov or .mkv
///     preset: veryfast        # x264 preset
///     crf: 23                 # x264 constant rate factor, 0-51
///     threads: 0              # encoder threads (0: the encoder decides)
/// ```
public final class VideoSink: Stage {
    public let name = "encode"
    private let pieces: PieceSeries<VideoWriter>

    /// - Parameter naming: with `--split-every`, the paths of the pieces (`.piece` items start them).
    public init(path: String, source: MediaInfo, options: WriterOptions = WriterOptions(), naming: PieceNaming? = nil) throws {
        pieces = try PieceSeries(videoAt: path, naming: naming, source: source, options: options)
    }

    /// Warnings of every file written (repeated or backward timestamps).
    public var warnings: [String] { pieces.warnings + pieces.current.warnings }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        switch item {
        case .frame(let frame): try pieces.output(forFrameAt: frame.picture.seconds).write(frame.picture)
        case .audio(let packet): try pieces.current.write(packet)
        case .piece(let piece): pieces.begin(piece)
        case .gap: break
        }
        try emit(item)
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        try pieces.close(after: ending)
    }
}

/// `video`: the overlay encoded to H.264, audio copied.
public struct VideoSpec: FileStageSpec, SinkSpec {
    public static let name = "video"
    public static let writesFolder = false
    static let keys = ["path", "preset", "crf", "threads"]
    public var path: String
    public var preset = "medium"
    public var crf = 23
    /// Encoder threads (0: x264 decides, a measured default: BENCHMARKS.md, "Defaults").
    public var threads = 0
    /// Whether the encoded picture is the overlay; false encodes the decoded picture as is
    /// (`segstream transcode`, a pipeline without inference).
    public var overlaid = true

    public init(path: String, preset: String = "medium", crf: Int = 23, threads: Int = 0, overlaid: Bool = true) {
        self.path = path
        self.preset = preset
        self.crf = crf
        self.threads = threads
        self.overlaid = overlaid
    }

    mutating func read(_ options: Fields) throws {
        path = try options.required("path")
        preset = try options.string("preset") ?? preset
        crf = try options.int("crf") ?? crf
        threads = try options.int("threads") ?? threads
    }

    public func validate() throws(OptionError) {
        try OptionError.check("preset", preset, oneOf: x264Presets)
        try OptionError.check("crf", crf, in: 0...51)
        try OptionError.check("threads", threads, in: 0...64)
    }

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [overlaid ? .overlay : .picture], gives: [], repeatable: true)
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        var options = WriterOptions()
        options.preset = preset
        options.crf = crf
        options.encodeThreads = threads
        options.timeOrigin = context.timeOrigin
        let sink = try VideoSink(path: path, source: context.info, options: options, naming: context.naming(of: path))
        context.reportWarnings { sink.warnings }
        return sink
    }
}

extension PieceSeries where Output == VideoWriter {
    /// A video output, or the pieces of a split one: each later piece's timestamps start at its
    /// first frame (it starts on a keyframe and plays alone).
    convenience init(videoAt path: String, naming: PieceNaming?, source: MediaInfo, options: WriterOptions) throws {
        try self.init(path: path, naming: naming, open: { path, piece in
            var options = options
            if let piece { options.timeOrigin = piece.seconds }
            return try VideoWriter(path: path, source: source, options: options)
        }, finish: { writer in
            try writer.finish()
            return writer.warnings
        })
    }

    /// Finishes the last file after a finished or interrupted run; removes it after a failure or
    /// when an interruption came before the first frame.
    func close(after ending: RunEnding) throws {
        switch ending {
        case .failed: current.abort()
        case .interrupted where current.framesWritten == 0: current.abort()
        case .finished, .interrupted: try current.finish()
        }
    }
}
