import ArgumentParser
import CKernels
import Foundation
import Inference
import VideoIO

@main
struct SegStream: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segstream",
        abstract: "Segment video on the CPU.",
        subcommands: [SegmentCommand.self, ClipsCommand.self, RunCommand.self, EvalCommand.self, ProbeCommand.self, TranscodeCommand.self, ModelCommand.self]
    )

    /// The process-wide settings, made once before any work: libav's log (quiet, RTP losses
    /// counted), glibc's heap (large buffers kept, not mapped and unmapped per batch) and the
    /// inference engine's (`EngineSetup`).
    static func configureProcess() {
        LibavLog.quiet()
        ss_keep_large_buffers_in_heap()
        EngineSetup.apply()
    }

    /// Runs the command; exit codes: 0 ok, 1 runtime failure, 2 usage error, 130 after SIGINT,
    /// 143 after SIGTERM (outputs finalised either way).
    static func main() {
        configureProcess()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write((fullMessage(for: error) + "\n").data(using: .utf8)!)
                Foundation.exit(2)
            }
            if code == .failure, !(error is ExitCode) {
                FileHandle.standardError.write("segstream: error: \(error)\n".data(using: .utf8)!)
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
