import Foundation
import Segmentation
import VideoIO

/// Sink stage: one JSON object per frame (JSON Lines), after a header line describing the model,
/// labels, palette and input. Schema: `schemas/frames.schema.json`.
///
/// Takes: `.frame` with `labels`; passes every item on. A `.gap` (a live stream lost and back)
/// becomes a line of its own, before the first frame after it. Each line is written whole, so the file
/// ends with a complete line even after an error or SIGINT; it is written under a temporary name
/// and moved into place when the stage closes (path `-`: standard output; a FIFO or device at
/// the path is written directly).
///
/// ```yaml
/// - json:
///     path: out.jsonl
///     rle: true      # each class mask as COCO RLE
/// ```
public final class JSONLinesSink: Stage {
    public let name = "json"
    private let pieces: PieceSeries<JSONLinesFile>
    private let labels: LabelSet
    private let rle: Bool
    private var closed = false

    /// Creates the file (`-`: standard output) and writes the header line.
    /// - Parameters:
    ///   - labels: class names and colours to report (the model's, possibly recoloured).
    ///   - naming: with `--split-every`, the paths of the pieces; each starts with a header line.
    public init(path: String, model: SegmentationModel, labels: LabelSet, source: MediaInfo, rle: Bool, naming: PieceNaming? = nil) throws {
        self.labels = labels
        self.rle = rle
        pieces = try PieceSeries(path: path, naming: naming, open: { path, piece in
            let file = try JSONLinesFile(path: path, inputs: [source.url])
            do {
                try file.write(FramesHeader(model: model, labels: labels, source: source, rle: rle, piece: naming.map { _ in piece?.index ?? 0 }))
            } catch {
                file.discard()
                throw error
            }
            return file
        }, finish: { file in
            try file.commit()
            return []
        })
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        switch item {
        case .frame(let frame):
            if let map = frame.labels {
                try pieces.output(forFrameAt: frame.picture.seconds).write(FrameLine(frame: frame, labels: map, names: labels.names, rle: rle))
            }
        case .gap(let gap):
            try pieces.current.write(GapLine(gap))
        case .piece(let piece):
            pieces.begin(piece)
        case .audio:
            break
        }
        try emit(item)
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        closed = true
        try pieces.current.commit()
    }

    /// A sink dropped before its pipeline ran leaves no file.
    deinit {
        if !closed { pieces.current.discard() }
    }
}

/// One JSON Lines file: written under a temporary name and moved into place by `commit()`
/// (path `-`: standard output; a FIFO or device at the path is written directly).
final class JSONLinesFile {
    private let path: String
    /// The file; nil for standard output.
    private let output: OutputFile?
    private let handle: FileHandle
    private let encoder = JSONEncoder.segstream(pretty: false)

    init(path: String, inputs: [String]) throws {
        self.path = path
        guard path != "-" else {
            output = nil
            handle = .standardOutput
            return
        }
        let output = try OutputFile(path: path, inputs: inputs)
        guard output.isDirect || FileManager.default.createFile(atPath: output.temporaryPath, contents: nil),
              let handle = FileHandle(forWritingAtPath: output.temporaryPath) else {
            throw PipelineError("\(path): cannot create the file")
        }
        self.output = output
        self.handle = handle
    }

    /// Writes `line` and a newline, whole.
    func write<T: Encodable>(_ line: T) throws {
        try write(encoded: try encoder.encode(line))
    }

    /// Writes one line already encoded, and a newline, whole.
    func write(encoded line: Data) throws {
        var data = line
        data.append(0x0A)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw PipelineError("\(path): cannot write: \(error.localizedDescription)")
        }
    }

    /// Closes the file and moves it into place.
    func commit() throws {
        guard let output else { return }
        try handle.close()
        try output.commit()
    }

    /// Closes and removes the file.
    func discard() {
        guard let output else { return }
        try? handle.close()
        output.discard()
    }
}

/// `json`: frame-level JSON Lines.
public struct JSONSpec: FileStageSpec, SinkSpec {
    public static let name = "json"
    public static let writesFolder = false
    static let keys = ["path", "rle"]
    public var path: String
    /// Whether each class mask is added as COCO RLE.
    public var rle = false

    public init(path: String, rle: Bool = false) {
        self.path = path
        self.rle = rle
    }

    mutating func read(_ options: Fields) throws {
        path = try options.required("path")
        rle = try options.bool("rle") ?? rle
    }

    public func validate() throws(OptionError) {}

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.labels], gives: [], repeatable: true)
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        try JSONLinesSink(path: path, model: context.segmentationModel(), labels: context.labels(), source: context.info, rle: rle,
                          naming: context.naming(of: path))
    }
}

/// The first line of a frames file.
struct FramesHeader: Encodable {
    struct Model: Encodable {
        var path: String
        var inputSize: [Int]
        var metadata: [String: String]
    }

    struct Input: Encodable {
        var url: String
        var width: Int
        var height: Int
        var frameRate: Double
        var timeBase: [Int32]
        var frameCount: Int?
        var duration: Double?
        var rotation: Int
    }

    var type = "header"
    var format = "segstream-frames/1"
    var model: Model
    var labels: [String]
    var palette: [[UInt8]]
    var input: Input
    var rle: Bool
    /// The piece number, when outputs are split.
    var piece: Int?

    init(model: SegmentationModel, labels: LabelSet, source: MediaInfo, rle: Bool, piece: Int? = nil) {
        self.piece = piece
        self.model = Model(path: model.url.path, inputSize: [model.inputHeight, model.inputWidth], metadata: model.model.metadata)
        self.labels = labels.names
        palette = labels.palette
        let video = source.video
        input = Input(url: source.displayURL, width: video.width, height: video.height, frameRate: video.frameRate.doubleValue,
                      timeBase: [video.timeBase.num, video.timeBase.den], frameCount: source.estimatedFrameCount,
                      duration: video.duration ?? source.duration, rotation: video.rotation)
        self.rle = rle
    }
}

/// Where a live stream was lost and came back.
struct GapLine: Encodable {
    var type = "gap"
    /// Seconds of the last frame before the loss (nil: none had arrived) and of the first after it.
    var from: Double?
    var to: Double
    var reason: String
    var attempts: Int

    init(_ gap: StreamGap) {
        from = gap.from
        to = gap.to
        reason = gap.reason
        attempts = gap.attempts
    }
}

/// One frame's line.
struct FrameLine: Encodable {
    struct ClassEntry: Encodable {
        struct Mask: Encodable {
            var size: [Int]
            var counts: String
        }

        var id: Int
        var name: String
        var pixels: Int
        var area: Double
        var bbox: [Int]
        var components: Int
        var rle: Mask?
    }

    var type = "frame"
    var index: Int
    var pts: Int64
    var timeBase: [Int32]
    var seconds: Double
    var inferred: Bool
    var width: Int
    var height: Int
    var classes: [ClassEntry]

    init(frame: FrameItem, labels: LabelMap, names: [String], rle: Bool) {
        let picture = frame.picture
        index = picture.index
        pts = picture.pts
        timeBase = [picture.timeBase.num, picture.timeBase.den]
        seconds = picture.seconds
        inferred = frame.inferred
        width = labels.width
        height = labels.height
        classes = labels.summary(rle: rle).map { summary in
            ClassEntry(id: summary.id, name: summary.id < names.count ? names[summary.id] : "class \(summary.id)",
                       pixels: summary.pixels, area: summary.area, bbox: summary.box, components: summary.components,
                       rle: summary.rle.map { ClassEntry.Mask(size: [labels.height, labels.width], counts: $0) })
        }
    }
}
