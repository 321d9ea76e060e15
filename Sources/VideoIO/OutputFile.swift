import Foundation

/// An output written under a temporary name beside its final path and renamed into place
/// when complete, so a failed or interrupted run never leaves a half-written file behind.
/// A FIFO, character device or socket at the path (a pipe, `/dev/stdout`) is written directly
/// and never replaced.
public struct OutputFile: Sendable {
    /// Where the finished file goes.
    public let path: String
    /// Where it is written until `commit()` (`path` itself when written directly).
    public let temporaryPath: String
    /// Whether `path` is written directly (it is a FIFO, character device or socket).
    public let isDirect: Bool

    /// Prepares to write `path`, checking it before any work is done, and removes temporary
    /// files that killed runs left for the same path.
    /// - Throws: `VideoIOError` when `path` is one of `inputs` (same file, also via links), is a
    ///   folder, or its folder does not exist or cannot be written.
    public init(path: String, inputs: [String]) throws {
        let url = URL(fileURLWithPath: path)
        for input in inputs where Self.isSameFile(path, input) {
            throw VideoIOError("\(path): refusing to overwrite the input \(input); choose another output name")
        }
        var info = stat()
        let exists = stat(path, &info) == 0, type = info.st_mode & S_IFMT
        if exists && type == S_IFDIR { throw VideoIOError("\(path): is a folder; give the output a file name") }
        self.path = path
        isDirect = exists && (type == S_IFIFO || type == S_IFCHR || type == S_IFSOCK)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw VideoIOError("\(path): the output folder \(folder) does not exist")
        }
        if isDirect {
            temporaryPath = path
            return
        }
        guard access(folder, W_OK) == 0 else { throw VideoIOError("\(path): cannot write in the output folder \(folder)") }
        let prefix = ".\(url.lastPathComponent).partial-"
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(prefix + "\(getpid())").path
        Self.removeLeftovers(in: folder, prefix: prefix)
    }

    /// Removes `prefix`PID files whose process is gone (a run killed before it could clean up).
    private static func removeLeftovers(in folder: String, prefix: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }

    /// Moves the finished temporary file into place, replacing any older file at `path`.
    public func commit() throws {
        if isDirect { return }
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw VideoIOError("\(path): cannot move the finished output into place: \(reason)")
        }
    }

    /// Removes the temporary file, if any (never a path written directly).
    public func discard() {
        if !isDirect { unlink(temporaryPath) }
    }

    /// Whether two paths name the same existing file (same device and inode).
    static func isSameFile(_ a: String, _ b: String) -> Bool {
        var statA = stat(), statB = stat()
        guard stat(a, &statA) == 0, stat(b, &statB) == 0 else { return false }
        return statA.st_dev == statB.st_dev && statA.st_ino == statB.st_ino
    }
}
