import ArgumentParser
import Foundation
import Pipeline
import VideoIO

struct ConcatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concat",
        abstract: "Join the outputs of consecutive parts of one input without re-encoding.",
        discussion: """
            The parts are outputs of one command run on consecutive time ranges of one input (--from/--to shards, \
            or pieces of --split-every), all videos (.mp4, .mkv: overlay or label videos) or all JSON Lines (.jsonl). \
            They are joined in order of time, whatever order they are given in, onto the input's timeline: the result \
            equals one run over the whole range. Example: segstream concat -o clip.mkv part-0.mkv part-1.mkv
            """
    )

    @Argument(help: "The parts: segstream's videos, or its JSON Lines.")
    var parts: [String]

    @Option(name: .shortAndLong, help: "The joined file (.mp4/.mkv for videos, .jsonl for JSON Lines).")
    var output: String

    @Flag(help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give at least one part to join") }
    }

    func run() throws {
        let isJSON = [".jsonl", ".json"].contains { output.lowercased().hasSuffix($0) }
        let frames = isJSON ? try FramesJoiner.join(parts, into: output) : try VideoJoiner.join(parts, into: output)
        if !quiet { print("\(output): \(frames) frames from \(parts.count) part(s)") }
    }
}
