import Foundation
import Testing
import TestSupport

// A hang guard: the limit also counts time spent waiting for a free test worker.
@Suite(.timeLimit(.minutes(5))) struct LiveCameraTests {
    /// Over both RTSP transports: live by default (a full queue drops its oldest item, and every
    /// drop is counted: the camera's first frames arrive in a burst), or waiting with `--no-drop`.
    @Test(arguments: [("tcp", false), ("udp", false), ("tcp", true)])
    func segmentsALiveRTSPCamera(transport: String, noDrop: Bool) throws {
        let server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let result = try Command.run(Fixtures.executable, ["segment", server.url, "--model", model, "--frames", "15", "--rtsp-transport", transport,
                                                           "-o", folder.path("live.mp4"), "--json", folder.path("live.jsonl"), "--preset", "ultrafast"]
                                                          + (noDrop ? ["--no-drop"] : []))
        server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: folder.path("live.jsonl"), encoding: .utf8).split(separator: "\n")
        let written = try FFprobe.framePTS(folder.path("live.mp4")).count
        let dropped = result.stderr.firstMatch(of: #/warning: (\d+) item\(s\) were dropped/#).map { Int($0.1)! } ?? 0
        #expect(written + dropped == 15 && written > 0, "\(written) written, \(dropped) dropped")
        if noDrop { #expect(dropped == 0) }
        #expect(lines.count == written + 1, "a header and one line per frame in the video")
    }
}
