import Foundation
import Segmentation
import VideoIO

/// Sink stage: writes each frame's labels as an 8-bit palette PNG (pixel value = class id,
/// palette = class colours) named by frame index, `000000.png`, `000001.png`, ...
///
/// Takes: `.frame` with `labels`; passes every item on. Each PNG is written under a temporary
/// name and renamed when complete, so the folder never holds a half-written file. With
/// `--split-every`, each piece gets a folder of its own (from the first frame after a `.piece` item).
///
/// ```yaml
/// - pngs:
///     folder: out/labels
/// ```
public final class LabelPNGSink: Stage {
    public let name = "pngs"
    private let folders: PieceSeries<URL>
    private let palette: [[UInt8]]
    private let encoder: PalettePNGEncoder
    private let inputs: [String]

    /// Creates `folder` if needed.
    /// - Parameter naming: with `--split-every`, the folders of the pieces.
    public init(folder: String, labels: LabelSet, source: MediaInfo, naming: PieceNaming? = nil) throws {
        palette = labels.palette
        inputs = [source.url]
        encoder = try PalettePNGEncoder()
        folders = try PieceSeries(path: folder, naming: naming, open: { path, _ in
            try createFolder(of: path + "/")
            return URL(fileURLWithPath: path)
        }, finish: { _ in [] })
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .piece(let piece) = item { folders.begin(piece) }
        if case .frame(let frame) = item, let labels = frame.labels {
            let path = try folders.output(forFrameAt: frame.picture.seconds).appendingPathComponent(String(format: "%06d.png", frame.picture.index)).path
            let output = try OutputFile(path: path, inputs: inputs)
            let png = try encoder.encode(pixels: labels.pixels, width: labels.width, height: labels.height, palette: palette)
            guard FileManager.default.createFile(atPath: output.temporaryPath, contents: png) else {
                throw PipelineError("\(path): cannot write the file")
            }
            try output.commit()
        }
        try emit(item)
    }
}

/// `pngs`: a folder of label PNGs.
public struct PNGsSpec: FileStageSpec, SinkSpec {
    public static let name = "pngs"
    public static let writesFolder = true
    static let keys = ["folder"]
    /// The folder.
    public var path: String

    public init(folder: String) { path = folder }

    mutating func read(_ options: Fields) throws {
        path = try options.required("folder")
    }

    public func validate() throws(OptionError) {}

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.labels], gives: [], repeatable: true)
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        try LabelPNGSink(folder: path, labels: context.labels(), source: context.info, naming: context.naming(of: path))
    }
}
