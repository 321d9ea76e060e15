import Foundation

/// Where the bundled demo model is found.
public enum BundledModel {
    static let relativePath = "fixtures/models/roadseg.onnx"

    /// `$SEGSTREAM_MODEL`, or fixtures/models/roadseg.onnx near the running executable (its build
    /// folder sits inside the repository) or in the current folder.
    /// - Throws: `PipelineError` when none exists.
    public static func url() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["SEGSTREAM_MODEL"] { candidates.append(URL(fileURLWithPath: path)) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(relativePath))
            folder.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: relativePath))
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw PipelineError("no model given and the bundled model (\(relativePath)) was not found; pass --model M.onnx or set SEGSTREAM_MODEL")
        }
        return found
    }
}
