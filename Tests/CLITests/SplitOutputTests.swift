import Foundation
import Testing
import TestSupport

/// `--split-every`: every output cut into pieces at the same frames.
@Suite struct SplitOutputTests {
    /// Overlay, label video, JSON Lines and PNG folders of a 2 s clip cut every second: two
    /// pieces each, cut at the same frames; each video piece decodes cleanly on its own, starts
    /// on a keyframe at time 0, and the pieces add up to every frame.
    @Test func everyOutputIsCutAtTheSameFrames() throws {
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let result = try Command.run(Fixtures.executable, ["segment", Fixtures.clip("audio.mp4"), "--model", model, "--split-every", "1s",
                                                           "-o", folder.path("seg.mp4"), "--labels-out", folder.path("%Y/labels-{n}.mkv"),
                                                           "--json", folder.path("frames.jsonl"), "--labels-png", folder.path("png"),
                                                           "--preset", "ultrafast", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let year = Calendar.current.component(.year, from: Date())
        #expect(folder.contents == ["\(year)", "frames-000000.jsonl", "frames-000001.jsonl", "png-000000", "png-000001",
                                    "seg-000000.mp4", "seg-000001.mp4"])
        var frames: [[Int]] = [[], [], [], []]
        for piece in 0..<2 {
            let name = String(format: "%06d", piece)
            let overlay = folder.path("seg-\(name).mp4"), labels = folder.path("\(year)/labels-\(name).mkv")
            for video in [overlay, labels] {
                #expect(try FFprobe.decodesCleanly(video), "\(video)")
                #expect(try FFprobe.keyFrames(video).first == true)
                #expect(try abs(FFprobe.framePTS(video).first ?? -1) < 1e-3)
            }
            frames[0].append(try FFprobe.framePTS(overlay).count)
            frames[1].append(try FFprobe.framePTS(labels).count)
            let lines = try String(contentsOfFile: folder.path("frames-\(name).jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(lines.first?.contains("\"piece\":\(piece)") == true, "each piece starts with a header naming it")
            frames[2].append(lines.count - 1)
            frames[3].append(try FileManager.default.contentsOfDirectory(atPath: folder.path("png-\(name)")).count)
        }
        #expect(frames[0] == [25, 25], "1 s of a 25 fps clip per piece")
        #expect(frames.allSatisfy { $0 == frames[0] }, "\(frames)")
        #expect(try FFprobe.audioPacketHashes(folder.path("seg-000001.mp4")).count > 40, "audio goes on in later pieces")
    }

    @Test func refusesPiecesShorterThanASecond() throws {
        let result = try Command.run(Fixtures.executable, ["segment", Fixtures.clip("audio.mp4"), "--split-every", "500ms"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--split-every must be at least 1s"))
    }
}
