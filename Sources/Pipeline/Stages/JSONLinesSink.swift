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
    /// The file; nil for standard output (path `-`).
    private let output: OutputFile?
    private let path: String
    private let handle: FileHandle
    private let labels: LabelSet
    private let rle: Bool
    private let encoder = JSONEncoder.segstream(pretty: false)
    private var closed = false

    /// Creates the file (`-`: standard output) and writes the header line.
    /// - Parameter labels: class names and colours to report (the model's, possibly recoloured).
    public init(path: String, model: SegmentationModel, labels: LabelSet, source: MediaInfo, rle: Bool) throws {
        self.path = path
        if path == "-" {
            output = nil
            handle = .standardOutput
        } else {
            let output = try OutputFile(path: path, inputs: [source.url])
            guard output.isDirect || FileManager.default.createFile(atPath: output.temporaryPath, contents: nil),
                  let handle = FileHandle(forWritingAtPath: output.temporaryPath) else {
                throw PipelineError("\(path): cannot create the file")
            }
            self.output = output
            self.handle = handle
        }
        self.labels = labels
        self.rle = rle
        do {
            try write(FramesHeader(model: model, labels: labels, source: source, rle: rle))
        } catch {
            output?.discard()
            throw error
        }
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        switch item {
        case .frame(let frame):
            if let map = frame.labels { try write(FrameLine(frame: frame, labels: map, names: labels.names, rle: rle)) }
        case .gap(let gap):
            try write(GapLine(gap))
        case .audio:
            break
        }
        try emit(item)
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        closed = true
        guard let output else { return }
        try handle.close()
        try output.commit()
    }

    /// A sink dropped before its pipeline ran leaves no file.
    deinit {
        if !closed, let output {
            try? handle.close()
            output.discard()
        }
    }

    private func write<T: Encodable>(_ line: T) throws {
        var data = try encoder.encode(line)
        data.append(0x0A)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw PipelineError("\(path): cannot write: \(error.localizedDescription)")
        }
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
        try JSONLinesSink(path: path, model: context.segmentationModel(), labels: context.labels(), source: context.info, rle: rle)
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

    init(model: SegmentationModel, labels: LabelSet, source: MediaInfo, rle: Bool) {
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
