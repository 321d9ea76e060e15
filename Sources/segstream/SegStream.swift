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
        subcommands: [SegmentCommand.self, ClipsCommand.self, RunCommand.self, ConcatCommand.self, EvalCommand.self, ProbeCommand.self,
                      TranscodeCommand.self, ModelCommand.self]
    )

    /// The process-wide settings, made once before any work: libav's log (quiet, RTP losses
    /// counted), glibc's heap (large buffers kept, not mapped and unmapped per batch) and the
    /// inference engine's (`EngineSetup`).
    static func configureProcess() {
        LibavLog.quiet()
        ss_keep_large_buffers_in_heap()
        EngineSetup.apply()
    }

    /// The exit status for an input that cannot be processed (sysexits' EX_DATAERR).
    static let unusableInputStatus: Int32 = 65

    /// Whether `error` says an input itself is unusable: a video that is not one, or a model
    /// that does not load or run.
    static func isUnusableInput(_ error: Error) -> Bool {
        (error as? UnusableInputReporting)?.isUnusableInput ?? (error is InferenceError)
    }

    /// Runs the command; exit codes: 0 ok, 1 runtime failure (worth retrying), 2 usage error,
    /// 65 an input (video or model) that cannot be processed (never worth retrying), 130 after
    /// SIGINT, 143 after SIGTERM (outputs finalised either way).
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
                Foundation.exit(isUnusableInput(error) ? unusableInputStatus : 1)
            }
            exit(withError: error)
        }
    }
}
