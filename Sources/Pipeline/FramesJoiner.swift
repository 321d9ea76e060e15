import Foundation

/// Joins JSON Lines that segstream wrote for consecutive parts of one input (shards cut with
/// `--from`/`--to`, pieces of `--split-every`) into one file, as a single run would have
/// written it: the first part's header (without a piece number), then the frame and gap lines
/// of every part in order of time, frame indices counting on from the part before.
public enum FramesJoiner {
    /// Joins `parts` into `path`.
    /// - Returns: the number of frame lines written.
    /// - Throws: `PipelineError` when a part cannot be read, is not segstream's JSON Lines, comes
    ///   from another input, or overlaps another part.
    public static func join(_ parts: [String], into path: String) throws -> Int {
        guard !parts.isEmpty else { throw PipelineError("\(path): nothing to join") }
        let inputs = try parts.map(FramesPart.init).sorted { ($0.start ?? .infinity) < ($1.start ?? .infinity) }
        for (earlier, later) in zip(inputs, inputs.dropFirst()) {
            guard later.input == inputs[0].input else {
                throw PipelineError("\(later.path): describes another input than \(inputs[0].path); join parts of one run", unusableInput: true)
            }
            if let end = earlier.end, let start = later.start, start <= end {
                throw PipelineError("\(later.path): overlaps \(earlier.path); join consecutive parts of one run, each once", unusableInput: true)
            }
        }
        let file = try JSONLinesFile(path: path, inputs: parts)
        do {
            try file.write(encoded: inputs[0].header)
            var frames = 0
            for part in inputs {
                for line in part.lines { try file.write(encoded: try line.renumbered(by: frames, in: part.path)) }
                frames += part.frameCount
            }
            try file.commit()
            return frames
        } catch {
            file.discard()
            throw error
        }
    }
}

/// One part's lines.
private struct FramesPart {
    /// A frame or gap line, and the frame's index in its part (nil for a gap).
    struct Line {
        var text: Data
        var index: Int?

        /// The line with its frame index moved on by `offset`.
        func renumbered(by offset: Int, in path: String) throws -> Data {
            guard let index, offset > 0 else { return text }
            let old = Data("\"index\":\(index),".utf8), new = Data("\"index\":\(index + offset),".utf8)
            guard let range = text.range(of: old), text[range.upperBound...].range(of: old) == nil else {
                throw PipelineError("\(path): a frame line's index cannot be renumbered")
            }
            var renumbered = text
            renumbered.replaceSubrange(range, with: new)
            return renumbered
        }
    }

    let path: String
    var header: Data
    /// The header's `input` (the same for every part of one run).
    var input: NSDictionary
    var lines: [Line] = []
    var frameCount = 0
    /// Seconds of the first and last frame; nil without frames.
    var start: Double?
    var end: Double?

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { throw PipelineError("\(path): cannot read the file", unusableInput: true) }
        var rows = data.split(separator: 0x0A, omittingEmptySubsequences: true).map { Data($0) }
        guard !rows.isEmpty, let first = Self.object(rows.removeFirst()), first["type"] as? String == "header",
              first["format"] as? String == "segstream-frames/1", let input = first["input"] as? NSDictionary else {
            throw PipelineError("\(path): not segstream's JSON Lines (no segstream-frames/1 header)", unusableInput: true)
        }
        header = Self.withoutPiece(data.prefix { $0 != 0x0A })
        self.input = input
        for (number, row) in rows.enumerated() {
            guard let object = Self.object(row) else { throw PipelineError("\(path): line \(number + 2) is not JSON", unusableInput: true) }
            if object["type"] as? String == "frame" {
                guard let index = object["index"] as? Int, let seconds = object["seconds"] as? Double else {
                    throw PipelineError("\(path): line \(number + 2) is a frame without index or seconds", unusableInput: true)
                }
                lines.append(Line(text: row, index: index))
                frameCount += 1
                start = start ?? seconds
                end = seconds
            } else if object["type"] as? String == "gap" {
                lines.append(Line(text: row, index: nil))
            }
        }
    }

    private static func object(_ line: Data) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: line)) as? NSDictionary
    }

    /// The header line without its `"piece":N` member (a piece of `--split-every` numbers it).
    private static func withoutPiece(_ header: Data) -> Data {
        let text = String(decoding: header, as: UTF8.self)
        guard let range = text.range(of: #","piece":\d+"#, options: .regularExpression) else { return Data(header) }
        return Data(text.replacingCharacters(in: range, with: "").utf8)
    }
}
