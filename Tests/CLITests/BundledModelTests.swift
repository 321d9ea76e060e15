import Foundation
import Testing
import TestSupport

/// The bundled demo model's figure: `segment` with its defaults on the held-out sample clip,
/// scored by `eval` against the clip's ground-truth label video. The model scores 0.760; the
/// floor guards that figure (the target, 0.80, is not reached yet — tools/train/README.md).
@Suite struct BundledModelTests {
    @Test(.timeLimit(.minutes(10))) func bundledModelKeepsItsMiouOnTheSampleClip() throws {
        let folder = try TemporaryFolder()
        let videos = Fixtures.root.appendingPathComponent("fixtures/videos")
        let clip = videos.appendingPathComponent("dashcam-sample.mp4").path
        let truth = videos.appendingPathComponent("dashcam-sample.labels.mkv").path
        let segment = try Command.run(Fixtures.executable, ["segment", clip, "--labels-out", folder.path("pred.mkv"), "--quiet"])
        #expect(segment.status == 0, "\(segment.stderr)")
        let eval = try Command.run(Fixtures.executable, ["eval", "--truth", truth, "--pred", folder.path("pred.mkv"), "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any]
        #expect(json?["frames"] as? Int == 250)
        let miou = try #require(json?["miou"] as? Double)
        #expect(miou >= 0.75, "mIoU \(miou)")
    }
}
