import VideoIO

/// Sink stage: writes each frame's labels as a lossless label video (FFV1 gray8 in MKV, pixel
/// value = class id, same timestamps as the input).
///
/// Takes: `.frame` with `labels`; passes every item on, so other sinks can follow. After a
/// `.piece` item (`--split-every`) the next frame finishes the current file and starts the next.
///
/// ```yaml
/// - labels:
///     path: out.labels.mkv
/// ```
public final class LabelVideoSink: Stage {
    public let name = "labels"
    private let pieces: PieceSeries<VideoWriter>

    /// - Parameter naming: with `--split-every`, the paths of the pieces.
    public init(path: String, source: MediaInfo, timeOrigin: Double = 0, naming: PieceNaming? = nil) throws {
        var options = WriterOptions()
        options.codec = .ffv1Gray
        options.copyAudio = false
        options.timeOrigin = timeOrigin
        pieces = try PieceSeries(videoAt: path, naming: naming, source: source, options: options)
    }

    /// Warnings of every file written (repeated or backward timestamps).
    public var warnings: [String] { pieces.warnings + pieces.current.warnings }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item, let labels = frame.labels {
            let picture = frame.picture
            try pieces.output(forFrameAt: picture.seconds).write(VideoFrame(gray: labels.pixels, width: labels.width, height: labels.height,
                                                index: picture.index, pts: picture.pts, timeBase: picture.timeBase))
        } else if case .piece(let piece) = item {
            pieces.begin(piece)
        }
        try emit(item)
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        try pieces.close(after: ending)
    }
}

/// `labels`: the label video.
public struct LabelsSpec: FileStageSpec, SinkSpec {
    public static let name = "labels"
    public static let writesFolder = false
    static let keys = ["path"]
    public var path: String

    public init(path: String) { self.path = path }

    mutating func read(_ options: Fields) throws {
        path = try options.required("path")
    }

    public func validate() throws(OptionError) {}

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.labels], gives: [], repeatable: true)
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        let sink = try LabelVideoSink(path: path, source: context.info, timeOrigin: context.timeOrigin, naming: context.naming(of: path))
        context.reportWarnings { sink.warnings }
        return sink
    }
}
