import Foundation
import Testing
import TestSupport

// A hang guard: the limit also counts time spent waiting for a free test worker.
@Suite(.timeLimit(.minutes(5))) struct LiveCameraTests {
    @Test func segmentsALiveRTSPCamera() throws {
        let server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let result = try Command.run(Fixtures.executable, ["segment", server.url, "--model", model, "--frames", "15",
                                                           "-o", folder.path("live.mp4"), "--json", folder.path("live.jsonl"), "--preset", "ultrafast"])
        server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: folder.path("live.jsonl"), encoding: .utf8).split(separator: "\n")
        let written = try FFprobe.framePTS(folder.path("live.mp4")).count
        #expect(written == 15)
        #expect(lines.count == written + 1, "a header and one line per frame in the video")
    }
}
