import Foundation
import Synchronization

/// The outcome of running a program.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs external programs for tests (ffprobe, ffmpeg, the segstream CLI).
public enum Command {
    /// Runs `executable` with `arguments` and waits for it.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let process = try start(executable, arguments)
        return process.wait()
    }

    /// Starts `executable`; its output is collected until `wait()`.
    public static func start(_ executable: String, _ arguments: [String]) throws -> RunningCommand {
        try RunningCommand(executable, arguments)
    }
}

/// A started program whose output is being collected.
public final class RunningCommand {
    public let process = Process()
    private let stdout = Output()
    private let stderr = Output()
    private let group = DispatchGroup()

    /// One stream's bytes, read to the end on a thread of its own.
    private final class Output: Sendable {
        let pipe = Pipe()
        let data = Mutex(Data())
    }

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : "/usr/bin/\(executable)")
        process.arguments = arguments
        process.standardOutput = stdout.pipe
        process.standardError = stderr.pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for output in [stdout, stderr] {
            DispatchQueue.global().async(group: group) {
                let bytes = output.pipe.fileHandleForReading.readDataToEndOfFile()
                output.data.withLock { $0 = bytes }
            }
        }
    }

    /// Sends `signal` (by default SIGINT, as Ctrl-C would).
    public func interrupt(_ signal: Int32 = SIGINT) { kill(process.processIdentifier, signal) }

    /// Waits for the program to end and returns its status and output.
    public func wait() -> CommandResult {
        process.waitUntilExit()
        group.wait()
        return CommandResult(status: process.terminationStatus,
                             stdout: stdout.data.withLock { String(decoding: $0, as: UTF8.self) },
                             stderr: stderr.data.withLock { String(decoding: $0, as: UTF8.self) })
    }
}
