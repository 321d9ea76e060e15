import Foundation
import Testing
import TestSupport

/// `--from`/`--to` shards of a file, and `concat`, which joins their outputs (or the pieces of
/// `--split-every`) into what one run over the whole file writes.
@Suite struct ShardTests {
    let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path

    func segment(_ arguments: String...) throws -> CommandResult { try segment(arguments) }

    func segment(_ arguments: [String]) throws -> CommandResult {
        try Command.run(Fixtures.executable, ["segment", "--model", model, "--preset", "ultrafast", "--quiet"] + arguments)
    }

    func concat(_ output: String, _ parts: [String]) throws -> CommandResult {
        try Command.run(Fixtures.executable, ["concat", "-o", output, "--quiet"] + parts)
    }

    /// Three shards of a 2 s clip with audio, joined (given out of order): the JSON Lines are
    /// byte for byte the single run's, the label video has its frames and timestamps, the
    /// overlay its timestamps and audio packets.
    @Test func joinedShardsEqualOneRun() throws {
        let folder = try TemporaryFolder()
        let input = Fixtures.clip("audio.mp4")
        let whole = try segment(input, "-o", folder.path("whole.mp4"), "--labels-out", folder.path("whole.mkv"), "--json", folder.path("whole.jsonl"))
        #expect(whole.status == 0, "\(whole.stderr)")
        let cuts = [("0", "0.72"), ("0.72", "1.4"), ("1.4", "5")]
        for (i, (from, to)) in cuts.enumerated() {
            let shard = try segment(input, "--from", from, "--to", to, "-o", folder.path("\(i).mp4"), "--labels-out", folder.path("\(i).mkv"),
                                    "--json", folder.path("\(i).jsonl"))
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        for ext in ["mp4", "mkv", "jsonl"] {
            let joined = try concat(folder.path("joined.\(ext)"), [2, 0, 1].map { folder.path("\($0).\(ext)") })
            #expect(joined.status == 0, "\(joined.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("joined.jsonl"))) == Data(contentsOf: URL(fileURLWithPath: folder.path("whole.jsonl"))))
        #expect(try FFprobe.videoFrameHashes(folder.path("joined.mkv")) == FFprobe.videoFrameHashes(folder.path("whole.mkv")))
        let expected = try FFprobe.framePTS(input)
        for name in ["joined.mkv", "joined.mp4"] { #expect(try FFprobe.framePTS(folder.path(name)) == expected, "\(name)") }
        #expect(try FFprobe.audioPacketHashes(folder.path("joined.mp4")) == FFprobe.audioPacketHashes(input))
        #expect(try FFprobe.decodesCleanly(folder.path("joined.mp4")))
    }

    /// With temporal aggregation a shard decodes a second before `--from` (the pre-roll) and
    /// leaves it out: its frames are the whole run's from there on, numbered from 0.
    @Test func aTemporalShardStartsAfterItsPreroll() throws {
        let folder = try TemporaryFolder()
        let input = Fixtures.clip("audio.mp4")
        let options = ["--keyframe-interval", "3", "--smooth"]
        #expect(try segment([input, "--json", folder.path("whole.jsonl")] + options).status == 0)
        let shard = try Command.run(Fixtures.executable, ["segment", input, "--model", model, "--from", "1", "--json", folder.path("shard.jsonl"), "--stats"] + options)
        #expect(shard.status == 0, "\(shard.stderr)")
        #expect(shard.stderr.contains("preroll: 25 frame(s) before --from"), "\(shard.stderr)")
        func frames(_ name: String) throws -> [[String: Any]] {
            try String(contentsOfFile: folder.path(name), encoding: .utf8).split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["type"] as? String == "frame" }
        }
        let whole = try frames("whole.jsonl").filter { ($0["seconds"] as? Double ?? 0) >= 1 }, part = try frames("shard.jsonl")
        #expect(part.map { $0["index"] as? Int } == Array(0..<25))
        func withoutIndex(_ lines: [[String: Any]]) -> [NSDictionary] { lines.map { var l = $0; l["index"] = nil; return l as NSDictionary } }
        #expect(withoutIndex(part) == withoutIndex(whole))
    }

    /// The pieces of `--split-every` join into the unsplit label video.
    @Test func splitPiecesJoinIntoTheUnsplitOutput() throws {
        let folder = try TemporaryFolder()
        let input = Fixtures.clip("audio.mp4")
        #expect(try segment(input, "--labels-out", folder.path("whole.mkv")).status == 0)
        #expect(try segment(input, "--labels-out", folder.path("piece.mkv"), "--split-every", "1s").status == 0)
        #expect(try concat(folder.path("joined.mkv"), [folder.path("piece-000000.mkv"), folder.path("piece-000001.mkv")]).status == 0)
        #expect(try FFprobe.videoFrameHashes(folder.path("joined.mkv")) == FFprobe.videoFrameHashes(folder.path("whole.mkv")))
        #expect(try FFprobe.framePTS(folder.path("joined.mkv")) == FFprobe.framePTS(folder.path("whole.mkv")))
    }

    /// Parts not written by segstream, or the same part twice, are refused with one line
    /// (exit 65: the inputs are unusable) and nothing is written.
    @Test func foreignOrRepeatedPartsAreRefused() throws {
        let folder = try TemporaryFolder()
        #expect(try segment(Fixtures.clip("audio.mp4"), "--json", folder.path("a.jsonl"), "--labels-out", folder.path("a.mkv")).status == 0)
        let foreign = try concat(folder.path("out.mp4"), [Fixtures.clip("cfr.mp4")])
        #expect(foreign.status == 65 && foreign.stderr.contains("not written by segstream"), "\(foreign.stderr)")
        let twice = try concat(folder.path("out.mkv"), [folder.path("a.mkv"), folder.path("a.mkv")])
        #expect(twice.status == 65 && twice.stderr.contains("starts where"), "\(twice.stderr)")
        let overlapping = try concat(folder.path("out.jsonl"), [folder.path("a.jsonl"), folder.path("a.jsonl")])
        #expect(overlapping.status == 65 && overlapping.stderr.contains("overlaps"), "\(overlapping.stderr)")
        #expect(folder.contents == ["a.jsonl", "a.mkv"])
    }
}
