import Foundation

/// An output written under a temporary name beside its final path and renamed into place
/// when complete, so a failed or interrupted run never leaves a half-written file behind.
public struct OutputFile: Sendable {
    /// Where the finished file goes.
    public let path: String
    /// Where it is written until `commit()`.
    public let temporaryPath: String

    /// Prepares to write `path`.
    /// - Throws: `VideoIOError` when `path` is one of `inputs` (same file, also via links) or its
    ///   folder does not exist.
    public init(path: String, inputs: [String]) throws {
        let url = URL(fileURLWithPath: path)
        for input in inputs where Self.isSameFile(path, input) {
            throw VideoIOError("\(path): refusing to overwrite the input \(input); choose another output name")
        }
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw VideoIOError("\(path): the output folder \(folder) does not exist")
        }
        self.path = path
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    }

    /// Moves the finished temporary file into place, replacing any older file at `path`.
    public func commit() throws {
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw VideoIOError("\(path): cannot move the finished output into place: \(reason)")
        }
    }

    /// Removes the temporary file, if any.
    public func discard() { unlink(temporaryPath) }

    /// Whether two paths name the same existing file (same device and inode).
    static func isSameFile(_ a: String, _ b: String) -> Bool {
        var statA = stat(), statB = stat()
        guard stat(a, &statA) == 0, stat(b, &statB) == 0 else { return false }
        return statA.st_dev == statB.st_dev && statA.st_ino == statB.st_ino
    }
}
