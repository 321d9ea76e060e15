import Foundation
import Testing
import TestSupport

@Suite struct EvalCommandTests {
    /// Writes `frames` (8x6 gray label maps) as an FFV1 label video with the ffmpeg CLI.
    private func labelVideo(_ frames: [[UInt8]], at path: String) throws {
        let raw = path + ".raw"
        try Data(frames.flatMap { $0 }).write(to: URL(fileURLWithPath: raw))
        let result = try Command.run("ffmpeg", ["-v", "error", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "8x6", "-r", "25",
                                                "-i", raw, "-c:v", "ffv1", "-pix_fmt", "gray", path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func miouMatchesAnIndependentComputation() throws {
        let folder = try TemporaryFolder()
        var generator = SystemRandomNumberGenerator()
        let truth = (0..<3).map { _ in (0..<48).map { _ in [0, 1, 2, 13, 255].randomElement(using: &generator)! } as [UInt8] }
        let predicted = truth.map { frame in frame.map { Bool.random(using: &generator) ? $0 : [0, 1, 13].randomElement(using: &generator)! } }
        try labelVideo(truth, at: folder.path("truth.mkv"))
        try labelVideo(predicted, at: folder.path("pred.mkv"))
        let result = try Command.run(Fixtures.executable, ["eval", "--truth", folder.path("truth.mkv"), "--pred", folder.path("pred.mkv"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let miou = try #require(json?["miou"] as? Double)

        // Independent: per class, |truth ∩ predicted| / |truth ∪ predicted| over all frames' counted pixels.
        let t = truth.flatMap { $0 }, p = predicted.flatMap { $0 }
        var ious: [Double] = []
        for c in UInt8(0)..<19 {
            var intersection = 0, union = 0
            for i in t.indices where t[i] != 255 {
                if t[i] == c && p[i] == c { intersection += 1 }
                if t[i] == c || p[i] == c { union += 1 }
            }
            if union > 0 { ious.append(Double(intersection) / Double(union)) }
        }
        #expect(abs(miou - ious.reduce(0, +) / Double(ious.count)) < 1e-9)
        #expect(json?["frames"] as? Int == 3)
        let perClass = json?["per_class"] as? [[String: Any]]
        #expect(perClass?.count == 19 && perClass?[0]["name"] as? String == "road")
    }

    @Test func mismatchedOrNonLabelVideosAreClearErrors() throws {
        let folder = try TemporaryFolder()
        try labelVideo([[UInt8](repeating: 0, count: 48)], at: folder.path("one.mkv"))
        try labelVideo([[UInt8](repeating: 0, count: 48), [UInt8](repeating: 1, count: 48)], at: folder.path("two.mkv"))
        let short = try Command.run(Fixtures.executable, ["eval", "--truth", folder.path("one.mkv"), "--pred", folder.path("two.mkv")])
        #expect(short.status == 1 && short.stderr.contains("fewer frames"))
        let color = try Command.run(Fixtures.executable, ["eval", "--truth", Fixtures.clip("cfr.mp4"), "--pred", folder.path("two.mkv")])
        #expect(color.status == 1 && color.stderr.contains("is not a label video"))
    }
}
