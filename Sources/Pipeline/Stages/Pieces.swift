import Foundation

/// Where a new piece of split outputs starts (`--split-every`): every sink closes its current
/// file and opens the next at this frame.
public struct PieceStart: Sendable {
    /// 0-based piece number.
    public var index: Int
    /// Seconds (input timeline) of the piece's first frame; its videos start there.
    public var seconds: Double
    /// When the piece started, by the wall clock (for strftime fields in paths).
    public var wallClock: Date

    public init(index: Int, seconds: Double, wallClock: Date = Date()) {
        self.index = index
        self.seconds = seconds
        self.wallClock = wallClock
    }
}

/// The paths of a split output's pieces: a template in which `{n}` is the piece number
/// (6 digits, from 000000) and strftime fields (`%Y%m%d-%H%M%S`) are the piece's wall-clock
/// start, in local time.
public struct PieceNaming: Sendable, Equatable {
    public let template: String

    /// `path` as a template: as given when it holds `{n}` or a `%` field, else with `-{n}`
    /// before its extension (`out/cam.mp4` → `out/cam-000000.mp4`, …).
    public init(splitting path: String) {
        if path.contains("{n}") || path.contains("%") {
            template = path
            return
        }
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent, suffix = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        let folder = path.dropLast(name.count)
        template = folder + name.dropLast(suffix.count) + "-{n}" + suffix
    }

    /// The path of `piece`.
    public func path(for piece: PieceStart) -> String {
        let numbered = template.replacingOccurrences(of: "{n}", with: String(format: "%06d", piece.index))
        guard numbered.contains("%") else { return numbered }
        var seconds = time_t(piece.wallClock.timeIntervalSince1970), local = tm()
        localtime_r(&seconds, &local)
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = strftime(&buffer, buffer.count, numbered, &local)
        return length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : numbered
    }
}

/// One output, or the pieces of a split one: opens each piece's output (creating its folder)
/// and finishes the one before. A piece starts at the first frame after its `.piece` item, so
/// every sink skips the same pieces (those whose frames were all dropped) and none has an
/// empty one.
final class PieceSeries<Output> {
    /// The output being written.
    private(set) var current: Output
    /// Warnings of the pieces finished so far.
    private(set) var warnings: [String] = []
    private let naming: PieceNaming?
    private var pending: PieceStart?
    private let open: (_ path: String, _ piece: PieceStart?) throws -> Output
    private let finish: (Output) throws -> [String]

    /// Opens the first output: at `path`, or, with `naming`, the first piece's path.
    /// - Parameters:
    ///   - open: creates the output at a path; `piece` is nil for the first one.
    ///   - finish: completes an output (moving it into place) and returns its warnings.
    init(path: String, naming: PieceNaming?, open: @escaping (_ path: String, _ piece: PieceStart?) throws -> Output,
         finish: @escaping (Output) throws -> [String]) throws {
        self.naming = naming
        self.open = open
        self.finish = finish
        let first = naming?.path(for: PieceStart(index: 0, seconds: 0)) ?? path
        if naming != nil { try createFolder(of: first) }
        current = try open(first, nil)
    }

    /// Notes that `piece` starts at the next frame; nothing when the output is not split.
    func begin(_ piece: PieceStart) {
        if naming != nil { pending = piece }
    }

    /// The output for a frame at `seconds`: a new piece's, finishing the one before, when a
    /// piece is pending.
    func output(forFrameAt seconds: Double) throws -> Output {
        guard let naming, var piece = pending else { return current }
        pending = nil
        piece.seconds = seconds
        warnings += try finish(current)
        let path = naming.path(for: piece)
        try createFolder(of: path)
        current = try open(path, piece)
        return current
    }
}

/// Creates the folder `path` goes into (for a path ending in `/`, that folder itself).
func createFolder(of path: String) throws {
    let folder = path.hasSuffix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw PipelineError("\(path): cannot create the folder \(folder.path): \(error.localizedDescription)")
    }
}
