import Foundation

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
    private let stdout = Pipe()
    private let stderr = Pipe()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let group = DispatchGroup()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : "/usr/bin/\(executable)")
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        collect(stdout) { self.stdoutData = $0 }
        collect(stderr) { self.stderrData = $0 }
    }

    private func collect(_ pipe: Pipe, into store: @escaping (Data) -> Void) {
        group.enter()
        DispatchQueue.global().async {
            store(pipe.fileHandleForReading.readDataToEndOfFile())
            self.group.leave()
        }
    }

    /// Sends `signal` (by default SIGINT, as Ctrl-C would).
    public func interrupt(_ signal: Int32 = SIGINT) { kill(process.processIdentifier, signal) }

    /// Waits for the program to end and returns its status and output.
    public func wait() -> CommandResult {
        process.waitUntilExit()
        group.wait()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: stdoutData, as: UTF8.self),
                             stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
