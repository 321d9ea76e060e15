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

extension LiveCameraTests {
    /// Over UDP, a run that cannot keep up and does not drop (`--no-drop`) loses packets in the
    /// full socket buffer: they are counted (libav's RTP demuxer reports the sequence gaps).
    @Test func packetsLostInTheNetworkAreCounted() throws {
        let server = try RTSPTestServer(size: "1920x1080")
        let folder = try TemporaryFolder()
        let result = try Command.run(Fixtures.executable, ["segment", server.url, "--rtsp-transport", "udp", "--no-drop", "--frames", "60",
                                                           "--threads", "1", "--smooth", "--refine", "-o", folder.path("slow.mp4"), "--stats"])
        server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let lost = result.stderr.firstMatch(of: #/warning: (\d+) RTP packet\(s\) were lost/#).map { Int($0.1)! } ?? 0
        #expect(lost > 0, "\(result.stderr)")
        #expect(result.stderr.contains("RTP packets lost: \(lost);"))
    }
}

/// Cameras that go away, come back, freeze or never answer.
@Suite(.timeLimit(.minutes(5))) struct CameraLossTests {
    private let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path

    /// A camera killed and restarted mid-run: the run goes on after it with the gap kept in the
    /// timestamps and recorded in the JSON Lines, in outputs cut every 2 s; once the camera is gone
    /// for good, the run ends after the reconnect window with exit 1, a line naming the URL
    /// (without its password) and every piece playable.
    @Test func reconnectsAndGivesUpAfterTheWindow() throws {
        let folder = try TemporaryFolder()
        var server = try RTSPTestServer()
        let url = server.url.replacingOccurrences(of: "rtsp://", with: "rtsp://viewer:secret@")
        let run = try Command.start(Fixtures.executable, ["segment", url, "--model", model, "--stall-timeout", "3s", "--reconnect-window", "10s",
                                                          "--split-every", "2s", "-o", folder.path("live.mp4"), "--json", folder.path("live.jsonl"),
                                                          "--preset", "ultrafast"])
        Thread.sleep(forTimeInterval: 3)
        server.stop()
        Thread.sleep(forTimeInterval: 1.5)
        server = try RTSPTestServer(port: server.port)
        Thread.sleep(forTimeInterval: 8)   // attempts back off 0.5, 1, 2, 4 s: one lands while it plays, even under load
        server.stop()
        let result = run.wait()

        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("error: rtsp://viewer:***@127.0.0.1:\(server.port)/cam: "), "\(result.stderr)")
        #expect(result.stderr.contains("reconnecting in 0.5 s (attempt 1)"))
        #expect(!result.stderr.contains("secret"))
        let pieces = folder.contents
        let jsonPieces = pieces.filter { $0.hasSuffix(".jsonl") }, videoPieces = pieces.filter { $0.hasSuffix(".mp4") }
        #expect(jsonPieces.count >= 3 && jsonPieces.count == videoPieces.count, "\(pieces)")
        var records: [[String: Any]] = []
        for piece in jsonPieces {
            let lines = try String(contentsOfFile: folder.path(piece), encoding: .utf8).split(separator: "\n")
            records += try lines.dropFirst().map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        }
        let gaps = records.filter { $0["type"] as? String == "gap" }
        try #require(gaps.count == 1, "\(result.stderr)")
        let gapAt = records.firstIndex { $0["type"] as? String == "gap" }!
        let frameSeconds = records.filter { $0["type"] as? String == "frame" }.map { $0["seconds"] as! Double }
        let before = records[..<gapAt].filter { $0["type"] as? String == "frame" }.count
        #expect(before > 0 && frameSeconds.count - before > 10, "\(before) frames before the gap, \(frameSeconds.count - before) after")
        #expect(zip(frameSeconds, frameSeconds.dropFirst()).allSatisfy { $0 < $1 })
        let lost = frameSeconds[before] - frameSeconds[before - 1]
        #expect(lost > 1.5, "the timestamps keep the time the camera was gone (\(lost) s)")
        var videoFrames = 0
        for piece in videoPieces {
            #expect(try FFprobe.decodesCleanly(folder.path(piece)), "\(piece)")
            videoFrames += try FFprobe.framePTS(folder.path(piece)).count
        }
        #expect(videoFrames == frameSeconds.count, "the video pieces hold every frame of the JSON Lines")
    }

    /// SIGTERM (`systemctl stop`, `docker stop`) on a camera run with split outputs: exit 143,
    /// every piece finished and playable, no temporary file left.
    @Test func sigtermFinishesEveryPiece() throws {
        let server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        let run = try Command.start(Fixtures.executable, ["segment", server.url, "--model", model, "--split-every", "1s", "-o", folder.path("cam.mp4"),
                                                          "--labels-out", folder.path("cam.labels.mkv"), "--json", folder.path("cam.jsonl"),
                                                          "--preset", "ultrafast"])
        Thread.sleep(forTimeInterval: 3.5)
        run.interrupt(SIGTERM)
        let result = run.wait()
        server.stop()
        #expect(result.status == 143, "\(result.stderr)")
        let files = folder.contents
        #expect(!files.contains { $0.contains(".partial-") }, "\(files)")
        let videos = files.filter { $0.hasSuffix(".mp4") || $0.hasSuffix(".mkv") }
        #expect(videos.count >= 4 && files.count(where: { $0.hasSuffix(".jsonl") }) * 2 == videos.count, "\(files)")
        for video in videos { #expect(try FFprobe.decodesCleanly(folder.path(video)) && FFprobe.framePTS(folder.path(video)).count > 0, "\(video)") }
    }

    /// `--metrics`: `/metrics` parses as the Prometheus text format and counts frames while a
    /// camera plays; `/healthz` answers 200 then, and 503 while the camera is gone.
    @Test func servesMetricsAndHealth() throws {
        let server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        let port = Int.random(in: 40000..<50000)
        let run = try Command.start(Fixtures.executable, ["segment", server.url, "--model", model, "--metrics", "127.0.0.1:\(port)",
                                                          "--stall-timeout", "1s", "--reconnect-window", "3s", "--json", folder.path("cam.jsonl")])
        Thread.sleep(forTimeInterval: 3)
        let health = HTTPGet.fetch("http://127.0.0.1:\(port)/healthz")
        let metrics = HTTPGet.fetch("http://127.0.0.1:\(port)/metrics")
        server.stop()
        Thread.sleep(forTimeInterval: 1)
        let lost = HTTPGet.fetch("http://127.0.0.1:\(port)/healthz")
        let result = run.wait()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(health?.status == 200 && health?.body == "ok\n")
        #expect(lost?.status == 503, "\(String(describing: lost))")
        var samples: [String: Double] = [:]
        for line in (metrics?.body ?? "").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            try #require(parts.count == 2, "a sample line is NAME{LABELS} VALUE: \(line)")
            samples[String(parts[0])] = Double(parts[1])
        }
        #expect(samples["segstream_frames_decoded_total", default: 0] > 10, "\(samples)")
        #expect(samples["segstream_frames_processed_total", default: 0] > 10)
        #expect(samples["segstream_frames_dropped_total"] != nil && samples["segstream_reconnects_total"] == 0)
        #expect(samples["segstream_network_packets_lost_total"] != nil && samples["segstream_decode_errors_total"] == 0)
        #expect(samples["segstream_stage_busy_seconds_total{stage=\"infer\"}", default: 0] > 0)
        #expect(samples["segstream_queue_depth{queue=\"infer\"}"] != nil)
        #expect(samples["segstream_frame_latency_seconds_count", default: 0] >= samples["segstream_frames_processed_total", default: 1],
                "each frame's latency is recorded before it counts as processed")
        #expect(samples["segstream_frame_latency_seconds_bucket{le=\"+Inf\"}"] == samples["segstream_frame_latency_seconds_count"])
    }

    /// A camera that comes back at another picture size ends the run (outputs keep one size):
    /// exit 1 with a line saying so, the outputs finalised.
    @Test func aCameraBackAtAnotherSizeEndsTheRun() throws {
        var server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        let run = try Command.start(Fixtures.executable, ["segment", server.url, "--model", model, "--stall-timeout", "3s", "--reconnect-window", "10s",
                                                          "--json", folder.path("cam.jsonl")])
        Thread.sleep(forTimeInterval: 3)
        server.stop()
        server = try RTSPTestServer(port: server.port, size: "160x120")
        let result = run.wait()
        server.stop()
        #expect(result.status == 1)
        #expect(result.stderr.contains("came back at 160x120 instead of 320x240"), "\(result.stderr)")
        #expect(try String(contentsOfFile: folder.path("cam.jsonl"), encoding: .utf8).contains("\"frame\""))
    }

    /// A camera that freezes with its connection open is noticed after the stall timeout.
    @Test func aFrozenCameraCountsAsLost() throws {
        let server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        let run = try Command.start(Fixtures.executable, ["segment", server.url, "--model", model, "--stall-timeout", "1s", "--reconnect-window", "2s",
                                                          "--json", folder.path("live.jsonl")])
        Thread.sleep(forTimeInterval: 2.5)
        server.freeze()
        let frozen = Date()
        let result = run.wait()
        server.stop()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no data for 1 s (stalled)"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(frozen) < 8)
        #expect(try String(contentsOfFile: folder.path("live.jsonl"), encoding: .utf8).contains("\"frame\""))
    }

    /// A URL that accepts the connection but never answers fails within the stall timeout plus a
    /// second, with one line and nothing written; meanwhile `/healthz` already answers "starting".
    @Test func aCameraThatNeverAnswersFailsWithinTheStallTimeout() throws {
        let silent = try SilentTCPServer()
        let folder = try TemporaryFolder()
        let port = Int.random(in: 40000..<50000)
        let started = Date()
        let run = try Command.start(Fixtures.executable, ["segment", "rtsp://127.0.0.1:\(silent.port)/cam", "--model", model,
                                                          "--stall-timeout", "2s", "--json", folder.path("never.jsonl"), "--metrics", "127.0.0.1:\(port)"])
        nonisolated(unsafe) var health: (status: Int, body: String)?
        let probed = DispatchSemaphore(value: 0)
        Thread {   // beside the wait, so a slow first URLSession call does not delay it
            Thread.sleep(forTimeInterval: 1)
            health = HTTPGet.fetch("http://127.0.0.1:\(port)/healthz")
            probed.signal()
        }.start()
        let result = run.wait()
        #expect(Date().timeIntervalSince(started) < 3.5)
        probed.wait()
        #expect(result.status == 1)
        #expect(result.stderr == "segstream: error: rtsp://127.0.0.1:\(silent.port)/cam: no answer within 2 s\n")
        #expect(folder.contents.isEmpty)
        #expect(health?.status == 503 && health?.body == "starting\n", "\(String(describing: health))")
    }
}
